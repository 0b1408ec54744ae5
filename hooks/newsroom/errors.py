"""Problems found in the editors' files, reported all together.

A problem names the file, the line and the field, and says what is wrong
and what is expected, in the form editors and their tools understand:

    press_releases/2020-03-03-x.md:4: field 'date': expected an ISO 8601 date ...
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: What a message never prints as it is: control characters, bytes that are not UTF-8 (read as
#: lone surrogates), the line and paragraph separators, and the invisible characters that change
#: the order in which the text around them is shown (bidirectional marks and controls: a name
#: "x<U+202E>gnp.exe" shows as "xexe.png").
_BUT_C0 = "\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
UNPRINTABLE = re.compile(f"[\x00-\x1f{_BUT_C0}]")
#: The same but the line feed: what a message, which may run over lines, never prints.
_UNPRINTABLE_IN_MESSAGES = re.compile(f"[\x00-\x09\x0b-\x1f{_BUT_C0}]")


def shown(text: str, pattern: re.Pattern[str] = UNPRINTABLE) -> str:
    """``text`` safe to print on one line of a message (a file name, an address a body holds):
    what ``UNPRINTABLE`` matches escaped (``\\u0009``, ``\\u202e``, ``\\xff``)."""
    if pattern.search(text) is None:
        return text

    def escape(match: re.Match[str]) -> str:
        character = match[0]
        if "\udc80" <= character <= "\udcff":
            return f"\\x{ord(character) - 0xDC00:02x}"
        return f"\\u{ord(character):04x}"

    return pattern.sub(escape, text)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one file."""

    path: str
    """The file, relative to the project root, with forward slashes."""
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = self.message if self.field is None else f"field '{self.field}': {self.message}"
        # A message may quote what a file holds: a control or bidirectional character it quotes
        # would act on the log (a line that reads backwards), so it is printed escaped.
        return shown(f"{where}: {what}", _UNPRINTABLE_IN_MESSAGES)


class ContentError(Exception):
    """Raised when the archive cannot be published as it is."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0))
        super().__init__(self.report())

    def report(self, places: Mapping[str, str] | None = None) -> str:
        """Every problem, under a line that counts them and says where they are: ``places`` names
        what the files under each folder are (``{"docs/": "the hand-written pages"}``); without
        it, the problems are in the press releases."""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        if places is None:
            where = " in the press releases"
        else:
            found = [name for prefix, name in places.items() if any(p.path.startswith(prefix) for p in self.problems)]
            where = f" in {' and '.join(found)}" if found else ""
        lines = [f"{count} {noun}{where}:"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)


#: What to do about the system errors a build meets most, by their number.
_OS_ADVICE = {
    errno.ENOSPC: "free space on that disk (or build on a larger one) and build again",
    errno.EDQUOT: "free space within the disk quota (or raise it) and build again",
    errno.EFBIG: "the file grew past the size this system allows its files (ulimit -f): raise the limit",
    errno.EACCES: "let the user the build runs as write there, or build elsewhere",
    errno.EPERM: "let the user the build runs as write there, or build elsewhere",
    errno.EROFS: "the disk is read-only: build on one that can be written",
    errno.EMFILE: "raise the number of files a process may open (ulimit -n)",
    errno.ENFILE: "too many files are open on this system: close some and build again",
    errno.EIO: "the disk failed to read or write: check it",
}


def os_error_message(err: OSError) -> str:
    """A system error as a person can act on it: what failed, where, and what to do."""
    where = ""
    if err.filename2 is not None:  # a copy (shutil names the source first)
        where = f" ({shown(os.fsdecode(err.filename2))}, copied from {shown(os.fsdecode(err.filename))})"
    elif err.filename is not None:
        where = f" ({shown(os.fsdecode(err.filename))})"
    what = err.strerror or str(err)
    advice = _OS_ADVICE.get(err.errno or 0, "fix that and build again")
    return f"the build could not read or write a file{where}: {what}; {advice}"
