"""How a front-matter field is declared: the kind of value it holds and how it is documented.

Each field is declared once, on its ``model.Release`` attribute (``front_matter(...)`` in the
attribute's metadata); ``schema`` collects them for the reader, ``make new`` and the README.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: The key of a ``model.Release`` attribute's metadata that declares it a front-matter field.
KEY = "front_matter"


class Kind(StrEnum):
    """What a field's value is, which decides how it is read and checked."""

    TEXT = "text"
    NAMES = "names"
    """A name or a list of names (terms)."""
    MOMENT = "moment"
    """An ISO 8601 date or date-time (``reader.moments``)."""
    BOOLEAN = "boolean"
    SLUG = "slug"
    LANGUAGE = "language"
    IMAGE = "image"
    ALIASES = "aliases"
    CORRECTIONS = "corrections"
    TRANSLATIONS = "translations"
    WARNING = "warning"
    """Text that may be left out, but not left empty (the content warning)."""
    CONTACTS = "contacts"
    EXTRA = "extra"


@dataclass(frozen=True, slots=True)
class Field:
    """One top-level front-matter field."""

    kind: Kind
    about: str
    """What it holds, for the README's field table (Markdown, one paragraph). Consecutive fields
    with the same text share a row."""
    hint: str
    """The comment above it in a new release; consecutive fields with the same hint share it."""
    example: str
    """Its value in a new release: the YAML after ``name:`` (a block starts with a line end). Both
    ``hint`` and ``example`` are ``str.format`` templates: ``{title}`` (quoted), ``{date}``, ``{day}``,
    ``{year}``, ``{slug}``, ``{timezone}``, ``{language}`` are filled in; a brace is written ``{{``."""
    required: bool = False
    active: bool = False
    """Whether a new release holds the line itself; otherwise it is there commented out, as an example.
    A required field always is."""
    name: str = ""
    """The field's name: its ``model.Release`` attribute's (``schema`` fills it in)."""

    def example_lines(self) -> list[str]:
        """The field with its example value, as lines of YAML (a ``str.format`` template)."""
        space = "" if not self.example or self.example.startswith("\n") else " "
        return f"{self.name}:{space}{self.example}".split("\n")


def front_matter(
    kind: Kind, about: str, hint: str, example: str, *, required: bool = False, active: bool = False
) -> dict[str, Any]:
    """The metadata that makes a ``model.Release`` attribute a front-matter field (its name is the
    attribute's)."""
    return {KEY: Field(kind, about, hint, example, required=required, active=active)}
