"""The content model: what a press release is, as plain typed data.

Nothing here knows about MkDocs, files on disk or HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .fieldspec import Kind, front_matter
from .packing import unpack

#: The four ways a release is filed, in the order pages show them.
#: Each is a front-matter field holding a list of names, and a URL prefix.
TAXONOMIES: tuple[str, ...] = ("regions", "countries", "topics", "organizations")


@dataclass(frozen=True, slots=True)
class Image:
    """The hero photo of a release."""

    src: str
    """Path of the image file relative to the releases folder, with forward slashes."""
    alt: str
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    date: datetime
    note: str


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone who answers questions about a release (``contacts``: the checks and the defaults)."""

    name: str
    role: str | None = None
    languages: tuple[str, ...] = ()
    """BCP 47 tags of the languages they answer in."""
    phone: str | None = None
    """In international form, as phonenumbers writes it (``+82 2-3789-1234``)."""
    email: str | None = None
    """As email-validator normalizes it (the domain in lowercase)."""


#: The four taxonomies' fields share their description.
_NAMES = front_matter(
    Kind.NAMES,
    "A name, or a list of names. Each name gets its page (`countries/north-korea/`) and feeds. Names that differ "
    "only in case, spacing or Unicode normalization (an accented letter typed as one character or as a letter and "
    "an accent, as macOS writes file names; full-width letters) are one term (the build warns); two names that "
    "would share an address are an error. A name has at most 100 characters.",
    "Names: a single name or a list. Each gets its page and feed.",
    "[]",
    active=True,
)


@dataclass(slots=True, kw_only=True)
class Release:
    """One press release, validated.

    Its front-matter fields are declared here, once: each attribute with ``front_matter(...)`` in its
    metadata is a field of the same name, in this order (``schema`` collects them for the reader,
    ``make new`` and the README's field table). Adding a field: declare it here, show it in the
    template that renders it.
    """

    source: str
    """Path of the Markdown file relative to the project root (``press_releases/x.md``)."""
    name: str
    """Path of the Markdown file relative to the releases folder (``x.md``)."""
    title: str = field(
        metadata=front_matter(
            Kind.TEXT, "The headline.", "The headline, as readers will see it.", "{title}", required=True
        )
    )
    summary: str = field(
        metadata=front_matter(
            Kind.TEXT,
            "One or two sentences: the deck under the title, the text in listings, feeds, the meta description and "
            "link previews.",
            "One or two sentences: the deck under the title, in listings, feeds and link previews.",
            '"Write the summary here."',
            required=True,
        )
    )
    date: datetime = field(
        metadata=front_matter(
            Kind.MOMENT,
            "ISO 8601 date (`2020-03-03`) or date-time (`2020-03-03T09:00`, `2020-03-03T09:00+09:00`). Without an "
            "offset it is in the site's time zone, and a time its clocks skip or go over twice (daylight saving "
            "time) is an error asking for the offset; a date alone is the first moment of that day. Years 1900 to "
            "2200. It decides the address: `news/2020/03/03/<slug>/`.",
            "ISO 8601; without an offset, in the site's time zone ({timezone}).",
            "{date}",
            required=True,
        )
    )
    """Publication date-time, aware, in the site's time zone (a date alone: the first moment of that day)."""
    dateline: str | None = field(
        default=None,
        metadata=front_matter(
            Kind.TEXT,
            "Where the release is issued from (`Seoul`).",
            'Where the release is issued from, shown as "(Place) –".',
            "",
            active=True,
        ),
    )
    regions: tuple[str, ...] = field(default=(), metadata=_NAMES)
    countries: tuple[str, ...] = field(default=(), metadata=_NAMES)
    topics: tuple[str, ...] = field(default=(), metadata=_NAMES)
    organizations: tuple[str, ...] = field(default=(), metadata=_NAMES)
    image: Image | None = field(
        default=None,
        metadata=front_matter(
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
    )
    content_warning: str | None = field(
        default=None,
        metadata=front_matter(
            Kind.WARNING,
            "What the release holds that readers may want to be warned of (`Descriptions of torture`). It is shown "
            "before the photo and the text; the photo stays hidden until the reader asks for it (no JavaScript "
            "needed); the warning leads the release in feeds and search results. Left out when not needed: an "
            "empty warning is an error.",
            "A warning shown before the photo and the text; the photo is then hidden until asked for.",
            "Descriptions of torture.",
        ),
    )
    slug: str = field(
        metadata=front_matter(
            Kind.SLUG,
            "The last part of the address, `[a-z0-9-]`; by default the file name without its leading `YYYY-MM-DD-`; "
            "at most 100 characters. A title change never moves a release.",
            "The last part of the address; by default the file name without its date.",
            "{slug}",
        )
    )
    language: str = field(
        default="en",
        metadata=front_matter(
            Kind.LANGUAGE,
            "BCP 47 tag (`ko`, `pt-BR`) if the release is not in the site's language; its page marks the release's "
            "text with it, so screen readers read it in the right voice (and right to left for Arabic, Hebrew, "
            "Persian, Urdu…). One of the site's `languages` when it lists them.",
            "BCP 47 language of the release, if not the site's ({language}).",
            "{language}",
        ),
    )
    updated: datetime | None = field(
        default=None,
        metadata=front_matter(
            Kind.MOMENT,
            "When the release last changed (shown, and carried into feeds and the sitemap); not before `date`.",
            "When the release was last changed (ISO 8601), not before its date.",
            "{date}",
        ),
    )
    corrections: tuple[Correction, ...] = field(
        default=(),
        metadata=front_matter(
            Kind.CORRECTIONS,
            'A list of `date` + `note`, shown as "Correction, 5 March 2020: …".',
            "What was corrected, and when.",
            "\n  - date: {date}\n    note: What was corrected.",
        ),
    )
    contacts: tuple[Contact, ...] | None = field(
        default=None,
        metadata=front_matter(
            Kind.CONTACTS,
            'Who answers questions about the release, shown under it as "For more information": a list of `name` '
            "(required), `role`, `languages` (BCP 47 tags, shown as language names), `phone` (in international form, "
            "`+82 2 1234 5678`) and `email`, each checked. Without it, the release gets the contacts `mkdocs.yml` "
            "names for its regions (see Settings); `contacts: []` shows none.",
            "Who answers questions about the release; without it, the contacts of its regions (mkdocs.yml).",
            "\n  - name: Press office"
            "\n    role: Media relations"
            "\n    languages: [en, ko]"
            '\n    phone: "+82 2 1234 5678"'
            "\n    email: press@example.org",
        ),
    )
    """The release's own contacts; None when it names none (``contacts.of`` then gives its regions')."""
    draft: bool = field(
        default=False,
        metadata=front_matter(
            Kind.BOOLEAN,
            "`true`: never published; shown with a DRAFT banner in `make serve`.",
            "Set to false (or delete the line) when the release may be published.",
            "true",
            active=True,
        ),
    )
    embargo: datetime | None = field(
        default=None,
        metadata=front_matter(
            Kind.MOMENT,
            "A date-time: the release appears nowhere (page, listings, feeds, search, sitemap) before it.",
            "Hold the release back until this moment (ISO 8601 date-time).",
            "{date}",
        ),
    )
    aliases: tuple[str, ...] = field(
        default=(),
        metadata=front_matter(
            Kind.ALIASES,
            "Old addresses (`news/2020/old-title/`, `press/123.html`), each answered by a redirect page; at most "
            "200 characters each.",
            "Old addresses of this release, each redirected here.",
            "[news/{year}/old-title/]",
        ),
    )
    translations: Mapping[str, str] = field(
        default_factory=dict,
        metadata=front_matter(
            Kind.TRANSLATIONS,
            "Language tag → file name of the same release in that language (`ko: 2020-03-03-letter-ko.md`). Each "
            'version links the others under "Also in", in their own languages; naming them in one file is enough. A '
            "version not yet published is not linked. Each file must be in the language it is listed under (its "
            "`language`, else the site's), and not the release itself; two releases of one language linked as "
            "versions of the same release fail the build.",
            "The same release in other languages: language tag -> file name.",
            "\n  ko: {day}-{slug}-ko.md",
        ),
    )
    """Language code to the file name of the same release in that language."""
    extra: Mapping[str, Any] = field(
        default_factory=dict,
        metadata=front_matter(
            Kind.EXTRA,
            "Anything else your organization needs. Any other top-level field is an error (a typo such as "
            "`contries` must not silently drop a release from a country page).",
            "Your organization's own fields.",
            "\n  reference: PR-{year}-001",
        ),
    )
    packed_body: bytes = b""
    """The Markdown body, kept compressed (``body`` unpacks it: ``packing``)."""
    lines: Mapping[str, int] = field(default_factory=dict)
    """Line of each front-matter field in the source, for messages."""
    body_line: int = 1
    """Line of the source where the Markdown body starts."""
    edition: str = ""
    """Where its edition's pages are (``editions.release_prefix``): '' for the default edition, else
    ``<language>/``; its address starts with it."""

    @property
    def body(self) -> str:
        """The Markdown body."""
        return unpack(self.packed_body)

    def terms(self, taxonomy: str) -> tuple[str, ...]:
        return getattr(self, taxonomy)

    @property
    def last_changed(self) -> datetime:
        """When its content last changed: its update, else its publication."""
        return self.updated or self.date

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """Chronological order, by UTC instant (two datetimes of one ZoneInfo compare as wall clocks,
        wrong when the clocks go back); the file name breaks ties so order never depends on the disk."""
        return (self.date.astimezone(UTC), self.name)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, 1)
