"""Characters no release may hold (control characters and noncharacters): finding them fast, and
the message for each. Where each one sits, and in which field, is ``release.character_problems``."""

from __future__ import annotations

import re

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


def character_message(character: str, escaped: bool = False) -> str:
    code = ord(character)
    how = ", written as an escape" if escaped else ""
    if code < 0xA0:
        name = _CONTROL_NAMES.get(code)
        named = f" ({name})" if name else ""
        return (
            f"holds the control character U+{code:04X}{named}{how}, which is invisible and may not be "
            "in a release; delete it (it often comes with text copied from a PDF or a word processor)"
        )
    return f"holds the noncharacter U+{code:04X}{how}, which may not be in a release; delete it"
