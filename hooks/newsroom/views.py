"""What each page of the site shows, as plain data for the templates.

Views hold display-ready values (URLs relative to the site root, dates in the
site's language) and never HTML: templates escape and lay them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

from .contacts import mailto_uri, tel_uri
from .languages import alternates
from .model import TAXONOMIES, Contact, Image, Release
from .sharing import ShareLink, share_links
from .taxonomy import Taxonomies
from .term_names import TermNames
from .urls import media_url, url_of


@dataclass(frozen=True, slots=True)
class When:
    """A moment as a page shows it: machine-readable and in the site's language."""

    iso: str
    text: str


@dataclass(frozen=True, slots=True)
class TermLink:
    taxonomy: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class TranslationLink:
    language: str
    """BCP 47 tag, for ``hreflang`` and ``lang``."""
    name: str
    """The language's name in that language (한국어), as readers of it look for it."""
    url: str


@dataclass(frozen=True, slots=True)
class ReleaseLink:
    """A release as a link in a list: previous/next, related, listings."""

    title: str
    url: str
    date: When
    dateline: str | None
    summary: str
    image_url: str | None


@dataclass(frozen=True, slots=True)
class CorrectionView:
    date: When
    note: str


@dataclass(frozen=True, slots=True)
class ContactView:
    """A press contact as the page shows it, with links that work on phones."""

    name: str
    role: str | None
    languages: str | None
    """The names of the languages they answer in, in the site's language, as a list reads there."""
    phone: str | None
    phone_uri: str | None
    """``tel:`` and the number in E.164 (``tel:+82212345678``)."""
    email: str | None
    email_uri: str | None


@dataclass(frozen=True, slots=True)
class ReleaseView:
    title: str
    summary: str
    url: str
    date: When
    dateline: str | None
    updated: When | None
    language: str
    direction: str
    """Of its language: ``rtl`` (Arabic, Hebrew, Persian, Urdu…) or ``ltr``."""
    image: Image | None
    image_url: str | None
    image_size: tuple[int, int] | None
    """Width and height in pixels, where known."""
    terms: tuple[tuple[str, tuple[TermLink, ...]], ...]
    """Each taxonomy that has terms, with its links, in the order of TAXONOMIES."""
    corrections: tuple[CorrectionView, ...]
    translations: tuple[TranslationLink, ...] = ()
    related: tuple[ReleaseLink, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    """The release's own ``extra:`` fields, as YAML gave them (text, numbers, lists, mappings...),
    read-only; shown only by a site that overrides ``partials/newsroom/release-extra.html``."""
    content_warning: str | None = None
    contacts: tuple[ContactView, ...] = ()
    """Its own, or its regions' (``contacts.of``)."""
    permalink: str | None = None
    """Its absolute URL, where the site has one (``site_url``): cited, shared and printed."""
    alternates: tuple[tuple[str, str], ...] = ()
    """Its versions for search engines' ``hreflang`` (``languages.alternates``): (language or
    ``x-default``, address relative to the site root); none for a release without translations."""
    organization: str = ""
    """Who publishes it, as a citation names them."""
    share: tuple[ShareLink, ...] = ()


class Formatter:
    """Formats dates in the site's language; each moment and each release link is made once per build."""

    def __init__(self, language: str):
        self.locale = _locale(language)
        self._moments: dict[tuple[float, timedelta | None], When] = {}
        self._days: dict[date, str] = {}
        """Each day as written: Babel takes a tenth of a millisecond to write one, and an archive
        holds several releases a day."""
        self._links: dict[str, ReleaseLink] = {}

    def link(self, release: Release) -> ReleaseLink:
        found = self._links.get(release.name)
        if found is None:
            found = self._links[release.name] = ReleaseLink(
                title=release.title,
                url=url_of(release),
                date=self.when(release.date),
                dateline=release.dateline,
                summary=release.summary,
                # A photo behind a content warning is shown only on its release's page, once asked for.
                image_url=media_url(release.image.src) if release.image and not release.content_warning else None,
            )
        return found

    def when(self, moment: datetime) -> When:
        # By instant and offset: two moments of one zone compare by wall clock, so 01:30 before and
        # after the clocks go back would be one key.
        key = (moment.timestamp(), moment.utcoffset())
        found = self._moments.get(key)
        if found is None:
            day = moment.date()  # the day on the moment's own clock, as Babel writes a datetime
            text = self._days.get(day)
            if text is None:
                text = self._days[day] = format_date(day, format="long", locale=self.locale)
            found = When(iso=moment.isoformat(), text=text)
            self._moments[key] = found
        return found


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(language.split("-")[0]) if "-" in language else Locale("en")


def contact_view(contact: Contact, fmt: Formatter) -> ContactView:
    languages = [language_name(tag, fmt.locale) for tag in contact.languages]
    return ContactView(
        name=contact.name,
        role=contact.role,
        languages=format_list(languages, locale=fmt.locale) if languages else None,
        phone=contact.phone,
        phone_uri=tel_uri(contact.phone) if contact.phone else None,
        email=contact.email,
        email_uri=mailto_uri(contact.email) if contact.email else None,
    )


@cache
@cache
def direction(tag: str) -> str:
    """``rtl`` for a language written right to left (by Babel's CLDR data), else ``ltr``."""
    try:
        order = Locale.parse(tag, sep="-").character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


@cache
def language_name(tag: str, locale: Locale | None = None) -> str:
    """A language's name in itself ("한국어" for ko), or in the language of ``locale``; the tag
    where Babel does not know it. Looked up once (every page of a site of several
    languages names each in its switcher)."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name(locale)
    except (UnknownLocaleError, ValueError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


def term_links(
    release: Release, taxonomies: Taxonomies, names: TermNames | None = None
) -> tuple[tuple[str, tuple[TermLink, ...]], ...]:
    """Links to the release's term pages, under each term's usual spelling, or its name in the
    release's language where ``names`` (``_terms.yml``) has one."""
    found = []
    for taxonomy in TAXONOMIES:
        terms = taxonomies.of(release, taxonomy)
        if terms:
            found.append(
                (
                    taxonomy,
                    tuple(
                        TermLink(taxonomy, names.name(taxonomy, t.name, release.language) if names else t.name, t.url)
                        for t in terms
                    ),
                )
            )
    return tuple(found)


def release_view(
    release: Release,
    fmt: Formatter,
    taxonomies: Taxonomies,
    *,
    related: tuple[Release, ...] = (),
    image_size: tuple[int, int] | None = None,
    translations: tuple[Release, ...] = (),
    contacts: tuple[Contact, ...] = (),
    permalink: str | None = None,
    organization: str = "",
    default_language: str = "",
    term_names: TermNames | None = None,
) -> ReleaseView:
    """``contacts``: whom the page names (``contacts.of``); ``permalink``: its absolute URL;
    ``default_language``: the site's, whose version of a translated release is its ``x-default``."""
    return ReleaseView(
        title=release.title,
        summary=release.summary,
        url=url_of(release),
        date=fmt.when(release.date),
        dateline=release.dateline,
        updated=fmt.when(release.updated) if release.updated else None,
        language=release.language,
        direction=direction(release.language),
        image=release.image,
        image_url=media_url(release.image.src) if release.image else None,
        image_size=image_size,
        terms=term_links(release, taxonomies, term_names),
        corrections=tuple(CorrectionView(fmt.when(c.date), c.note) for c in release.corrections),
        translations=tuple(TranslationLink(t.language, language_name(t.language), url_of(t)) for t in translations),
        related=tuple(fmt.link(r) for r in related),
        extra=MappingProxyType(dict(release.extra)),
        content_warning=release.content_warning,
        contacts=tuple(contact_view(c, fmt) for c in contacts),
        permalink=permalink,
        alternates=alternates(
            release.language, url_of(release), [(t.language, url_of(t)) for t in translations], default_language
        ),
        organization=organization,
        share=share_links(permalink, release.title) if permalink else (),
    )
