"""The front matter of a release, declared once: every top-level field, in the order editors see them.

Each field says what kind of value it holds (the reader has one reader per kind, ``reader.records``),
whether a release needs it, what it holds (the README's field table is ``readme_table()``, and a test
holds the README to it: ``python -m newsroom fields`` prints it) and how a new release shows it
(``make new`` writes ``new_release_front_matter()``). A field's value becomes the ``model.Release``
attribute of the same name.

Adding a field: declare it here (and the attribute in ``model.Release``); if no kind fits, add one
to ``Kind`` and its reader; paste the new table into the README; show the field in the template
that renders it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from .model import TAXONOMIES


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
    EXTRA = "extra"


@dataclass(frozen=True, slots=True)
class Field:
    """One top-level front-matter field."""

    name: str
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

    def example_lines(self) -> list[str]:
        """The field with its example value, as lines of YAML (a ``str.format`` template)."""
        space = "" if not self.example or self.example.startswith("\n") else " "
        return f"{self.name}:{space}{self.example}".split("\n")


_NAMES_ABOUT = (
    "A name, or a list of names. Each name gets its page (`countries/north-korea/`) and feeds. Names that "
    "differ only in case or spacing are one term (the build warns); two names that would share an address "
    "are an error. A name has at most 100 characters."
)

FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        Kind.TEXT,
        "The headline.",
        "The headline, as readers will see it.",
        "{title}",
        required=True,
    ),
    Field(
        "summary",
        Kind.TEXT,
        "One or two sentences: the deck under the title, the text in listings, feeds, the meta description "
        "and link previews.",
        "One or two sentences: the deck under the title, in listings, feeds and link previews.",
        '"Write the summary here."',
        required=True,
    ),
    Field(
        "date",
        Kind.MOMENT,
        "ISO 8601 date (`2020-03-03`) or date-time (`2020-03-03T09:00`, `2020-03-03T09:00+09:00`). Without an "
        "offset it is in the site's time zone, and a time its clocks skip or go over twice (daylight saving "
        "time) is an error asking for the offset; a date alone is the first moment of that day. Years 1900 to "
        "2200. It decides the address: `news/2020/03/03/<slug>/`.",
        "ISO 8601; without an offset, in the site's time zone ({timezone}).",
        "{date}",
        required=True,
    ),
    Field(
        "dateline",
        Kind.TEXT,
        "Where the release is issued from (`Seoul`).",
        'Where the release is issued from, shown as "(Place) –".',
        "",
        active=True,
    ),
    *(
        Field(
            taxonomy,
            Kind.NAMES,
            _NAMES_ABOUT,
            "Names: a single name or a list. Each gets its page and feed.",
            "[]",
            active=True,
        )
        for taxonomy in TAXONOMIES
    ),
    Field(
        "image",
        Kind.IMAGE,
        "The hero photo: `src` (a JPEG, PNG, GIF, WebP or AVIF file under `press_releases/`, relative to the "
        "release), `alt` (required with an image), `caption`, `credit`. The file must hold the format its "
        "extension names, and at most 50 million pixels. SVG is refused (it can carry script that would run "
        "from the site's own address): export it as PNG or JPEG.",
        "The hero photo: a file shipped with the releases, with alt text describing it (required with an image).",
        "\n  src: images/{slug}.jpg"
        "\n  alt: What the photo shows, for readers who cannot see it."
        "\n  caption: What happened, where and when."
        "\n  credit: © {year} Photographer/Agency",
    ),
    Field(
        "slug",
        Kind.SLUG,
        "The last part of the address, `[a-z0-9-]`; by default the file name without its leading "
        "`YYYY-MM-DD-`; at most 100 characters. A title change never moves a release.",
        "The last part of the address; by default the file name without its date.",
        "{slug}",
    ),
    Field(
        "language",
        Kind.LANGUAGE,
        "BCP 47 tag (`ko`, `pt-BR`) if the release is not in the site's language; its page marks the release's "
        "text with it, so screen readers read it in the right voice.",
        "BCP 47 language of the release, if not the site's ({language}).",
        "{language}",
    ),
    Field(
        "updated",
        Kind.MOMENT,
        "When the release last changed (shown, and carried into feeds and the sitemap); not before `date`.",
        "When the release was last changed (ISO 8601), not before its date.",
        "{date}",
    ),
    Field(
        "corrections",
        Kind.CORRECTIONS,
        'A list of `date` + `note`, shown as "Correction, 5 March 2020: …".',
        "What was corrected, and when.",
        "\n  - date: {date}\n    note: What was corrected.",
    ),
    Field(
        "draft",
        Kind.BOOLEAN,
        "`true`: never published; shown with a DRAFT banner in `make serve`.",
        "Set to false (or delete the line) when the release may be published.",
        "true",
        active=True,
    ),
    Field(
        "embargo",
        Kind.MOMENT,
        "A date-time: the release appears nowhere (page, listings, feeds, search, sitemap) before it.",
        "Hold the release back until this moment (ISO 8601 date-time).",
        "{date}",
    ),
    Field(
        "aliases",
        Kind.ALIASES,
        "Old addresses (`news/2020/old-title/`, `press/123.html`), each answered by a redirect page; at most "
        "200 characters each.",
        "Old addresses of this release, each redirected here.",
        "[news/{year}/old-title/]",
    ),
    Field(
        "translations",
        Kind.TRANSLATIONS,
        "Language tag → file name of the same release in that language (`ko: 2020-03-03-letter-ko.md`). Each "
        'version links the others under "Also in", in their own languages; naming them in one file is enough. '
        "A version not yet published is not linked. Each file must be in the language it is listed under (its "
        "`language`, else the site's), and not the release itself.",
        "The same release in other languages: language tag -> file name.",
        "\n  ko: {day}-{slug}-ko.md",
    ),
    Field(
        "extra",
        Kind.EXTRA,
        "Anything else your organization needs. Any other top-level field is an error (a typo such as "
        "`contries` must not silently drop a release from a country page).",
        "Your organization's own fields.",
        "\n  reference: PR-{year}-001",
    ),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)


def _runs(fields: tuple[Field, ...], key: str) -> Iterator[list[Field]]:
    """Consecutive fields with the same ``key`` attribute, together."""
    run: list[Field] = []
    for f in fields:
        if run and getattr(f, key) != getattr(run[0], key):
            yield run
            run = []
        run.append(f)
    if run:
        yield run


def readme_table() -> str:
    """The field reference of the README (under "Front matter"), as a Markdown table."""
    rows = ["| field | | what it holds |", "|---|---|---|"]
    for run in _runs(FIELDS, "about"):
        names = ", ".join(f"`{f.name}`" for f in run)
        required = " required " if any(f.required for f in run) else " "
        rows.append(f"| {names} |{required}| {run[0].about} |")
    return "\n".join(rows) + "\n"


def new_release_front_matter() -> str:
    """The lines between the '---' of a new release: every field with its hint, those not ``active``
    commented out. A ``str.format`` template (see ``Field.example``)."""
    lines = []
    for run in _runs(FIELDS, "hint"):
        required = "Required. " if run[0].required else ""
        lines.append(f"# {required}{run[0].hint}")
        for f in run:
            prefix = "" if f.active or f.required else "# "
            lines.extend(prefix + line for line in f.example_lines())
    return "\n".join(lines) + "\n"
