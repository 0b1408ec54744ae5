"""Characters no release may hold (control characters and noncharacters, and bidirectional
controls left open on their line): finding them fast, and the message for each. Where each one
sits, and in which field, is ``release.character_problems``."""

from __future__ import annotations

import re
import unicodedata

#: Characters no release may hold, anywhere: control characters but tab and line ends
#: (C0, DEL and C1) and the noncharacters. A byte-order mark at the start is taken off first.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)
_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BACKSPACE",
    0x0B: "VERTICAL TAB",
    0x0C: "FORM FEED",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}
#: A quick first sieve for FORBIDDEN: a character class without astral characters is many times
#: faster to search; it lets every astral character through, and ``find_forbidden`` keeps only the
#: noncharacters among them (U+1FFFE, U+1FFFF, ... U+10FFFF).
SUSPECT = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufdd0-\\ufdef\\ufffe-\\U0010ffff]")


def find_forbidden(text: str) -> list[tuple[int, str]]:
    """Where ``text`` holds a FORBIDDEN character, and which: [(position, character)]."""
    if SUSPECT.search(text) is None:
        return []
    return [(m.start(), m[0]) for m in SUSPECT.finditer(text) if ord(m[0]) < 0x10000 or ord(m[0]) & 0xFFFE == 0xFFFE]


#: The bytes of UTF-8 that may start a FORBIDDEN character: C0 controls and DEL are themselves,
#: C1 controls start with 0xC2, the BMP noncharacters with 0xEF, astral characters with 0xF0-0xF4.
#: A file without any of them (most files) is clean, and ``bytes.translate`` finds that out ten
#: times faster than a search of the text.
_MAY_START_FORBIDDEN = (
    set(range(0x09)) | {0x0B, 0x0C} | set(range(0x0E, 0x20)) | {0x7F, 0xC2, 0xEF} | set(range(0xF0, 0xF5))
)
CANNOT_START_FORBIDDEN = bytes(b for b in range(256) if b not in _MAY_START_FORBIDDEN)


#: The bidirectional controls that change the order in which the text after them is shown until
#: they are closed (Unicode's bidirectional algorithm, UAX #9): the embeddings and overrides, which
#: U+202C (POP DIRECTIONAL FORMATTING) closes, and the isolates, which U+2069 (POP DIRECTIONAL
#: ISOLATE) closes, with any embedding opened inside them. Paired on one line they are ordinary
#: right-to-left typography; left open, they reorder what follows wherever the text is quoted (a
#: title in a citation, a feed reader's list, a page's <title>): the "Trojan Source" trick, which
#: makes text read differently from what an editor reviewed (GCC's -Wbidi-chars=unpaired).
EMBEDDINGS = "\u202a\u202b\u202d\u202e"
ISOLATES = "\u2066\u2067\u2068"
POP_EMBEDDING = "\u202c"
POP_ISOLATE = "\u2069"
_OPENERS = tuple(EMBEDDINGS + ISOLATES)
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: The same in UTF-8: a file none of whose bytes match (almost every file) holds none of them.
BIDI_CONTROL_BYTES = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")


def holds_opener(text: str) -> bool:
    """Whether ``text`` holds a bidirectional control that opens a run: a quick sieve (a search
    for each is many times faster than a search for any of them)."""
    return any(opener in text for opener in _OPENERS)


def find_unclosed(text: str) -> list[tuple[int, str]]:
    """The bidirectional controls of ``text`` that open a run no control closes on their line:
    [(position, character)]. A closing control with nothing to close is harmless and allowed."""
    if not holds_opener(text):
        return []
    found: list[tuple[int, str]] = []
    start = 0
    for line in text.split("\n"):
        if BIDI_CONTROLS.search(line) is not None:
            open_: list[tuple[int, str]] = []
            for match in BIDI_CONTROLS.finditer(line):
                character = match[0]
                if character == POP_EMBEDDING:
                    if open_ and open_[-1][1] in EMBEDDINGS:
                        open_.pop()
                elif character == POP_ISOLATE:
                    isolates = [i for i, (_, opener) in enumerate(open_) if opener in ISOLATES]
                    if isolates:
                        del open_[isolates[-1] :]
                else:
                    open_.append((start + match.start(), character))
            found += open_
        start += len(line) + 1
    return found


def closed_where_lines_end(text: str) -> str:
    """``text`` with the bidirectional controls each line leaves open closed at its end: how the
    importer keeps what an old page showed, whose paragraph ended them where it ended."""
    found = find_unclosed(text)
    if not found:
        return text
    lines = text.split("\n")
    closers: dict[int, list[str]] = {}
    for position, opener in found:
        closer = POP_EMBEDDING if opener in EMBEDDINGS else POP_ISOLATE
        closers.setdefault(text.count("\n", 0, position), []).append(closer)
    for number, pops in closers.items():
        lines[number] += "".join(reversed(pops))
    return "\n".join(lines)


def find_problem_characters(text: str) -> list[tuple[int, str]]:
    """Every character of ``text`` a release may not hold where it is (``find_forbidden`` and
    ``find_unclosed``), in the order of the text."""
    return sorted(find_forbidden(text) + find_unclosed(text))


def character_message(character: str, escaped: bool = False) -> str:
    code = ord(character)
    how = ", written as an escape" if escaped else ""
    if character in EMBEDDINGS or character in ISOLATES:
        closer = (
            "U+202C (POP DIRECTIONAL FORMATTING)" if character in EMBEDDINGS else "U+2069 (POP DIRECTIONAL ISOLATE)"
        )
        return (
            f"holds the bidirectional control U+{code:04X} ({unicodedata.name(character)}){how}, which no "
            f"{closer} closes on its line: it changes the order in which the rest of the line is shown, "
            "here and wherever the text is quoted, so that it can read otherwise than it was written; "
            "close it on the same line or delete it"
        )
    if code < 0xA0:
        name = _CONTROL_NAMES.get(code)
        named = f" ({name})" if name else ""
        return (
            f"holds the control character U+{code:04X}{named}{how}, which is invisible and may not be "
            "in a release; delete it (it often comes with text copied from a PDF or a word processor)"
        )
    return f"holds the noncharacter U+{code:04X}{how}, which may not be in a release; delete it"
