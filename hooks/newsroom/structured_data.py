"""schema.org structured data (JSON-LD) for search engines and aggregators.

Each release page describes its release as a ``NewsArticle`` (schema.org has no press
release type: a ``NewsArticle`` with a ``dateline``, a publisher and its corrections is how
news search engines read one); the home page describes the publishing ``Organization`` and
the ``WebSite``. Everything here is plain data (dicts) made from the releases and the
settings; ``script_text`` writes it for a ``<script type="application/ld+json">`` element.

Adding a property: give the function making the node one more value, from the release
or the publisher (``article_parts`` lists the parts of a NewsArticle in one place).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .model import TAXONOMIES, Contact, Release
from .organization import Publisher
from .publication import instant
from .taxonomy import Taxonomies
from .term_names import TermNames
from .urls import SEARCH, absolute, media_url, url_of

CONTEXT = "https://schema.org"
#: The schema.org type each taxonomy's terms are, in ``about``.
ABOUT_TYPE = {"regions": "Place", "countries": "Country", "topics": "Thing", "organizations": "Organization"}

Node = dict[str, Any]


class StructuredDataError(ValueError):
    """A release whose data cannot make the properties search engines require; the message
    names the file, line and field, as the reader's problems do."""


def script_text(data: Node) -> str:
    """``data`` as the text of a ``<script type="application/ld+json">`` element.

    A script element ends at the first ``</script`` in its text, whatever the type: every
    ``<``, ``>`` and ``&`` is written as a JSON escape (``\\u003c``), which JSON readers read
    back as the character, so that no title or caption can end the element or open a comment.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def image_object(url: str, width: int | None = None, height: int | None = None) -> Node:
    node: Node = {"@type": "ImageObject", "url": url, "contentUrl": url}
    if width and height:
        node["width"] = width
        node["height"] = height
    return node


def organization(publisher: Publisher, site_url: str) -> Node:
    """The publishing organization, with its address and logo."""
    logo = publisher.logo
    return {
        "@type": "Organization",
        "@id": publisher.id,
        "name": publisher.name,
        "url": publisher.url,
        "logo": image_object(absolute(site_url, logo.path), logo.width, logo.height),
    }


def website(publisher: Publisher, site_url: str, site_name: str, language: str) -> Node:
    """The site: its name, language, publisher, and how to search it."""
    return {
        "@type": "WebSite",
        "@id": absolute(site_url, "") + "#website",
        "name": site_name,
        "url": absolute(site_url, ""),
        "inLanguage": language,
        "publisher": {"@id": publisher.id},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": absolute(site_url, SEARCH) + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }


def home_page(publisher: Publisher, site_url: str, site_name: str, language: str) -> Node:
    """The home page's structured data: the organization and the website."""
    return {
        "@context": CONTEXT,
        "@graph": [organization(publisher, site_url), website(publisher, site_url, site_name, language)],
    }


def _article_ref(release: Release, site_url: str) -> Node:
    """Another release, named by its address (a translation)."""
    url = absolute(site_url, url_of(release))
    return {"@type": "NewsArticle", "@id": url + "#article", "url": url, "inLanguage": release.language}


def original_of(versions: Sequence[Release], site_language: str) -> Release:
    """The version the others translate: the first published (then the one in the site's
    language, then by file name). Versions not yet published are not among ``versions``."""
    return min(versions, key=lambda r: (instant(r.date), r.language != site_language, r.name))


def _translations(release: Release, translations: Sequence[Release], site_url: str, site_language: str) -> Node:
    if not translations:
        return {}
    original = original_of([release, *translations], site_language)
    if original is release:
        others = sorted(translations, key=lambda r: (r.language, r.name))
        return {"workTranslation": [_article_ref(r, site_url) for r in others]}
    return {"translationOfWork": _article_ref(original, site_url)}


def _image(release: Release, site_url: str, size: tuple[int, int] | None) -> Node:
    """The photo, with its caption and credit. A photo behind a content warning is left out, as it
    is from link previews: a search engine would show it unasked."""
    image = release.image
    if image is None or release.content_warning:
        return {}
    node = image_object(absolute(site_url, media_url(image.src)), *(size or (None, None)))
    node["description"] = image.alt
    if image.caption:
        node["caption"] = image.caption
    if image.credit:
        # The credit line is the only notice a release gives: both who to credit and whose right it is.
        node["creditText"] = image.credit
        node["copyrightNotice"] = image.credit
    return {"image": node}


def _about(release: Release, taxonomies: Taxonomies, site_url: str, names: TermNames | None) -> Node:
    about = [
        {
            "@type": ABOUT_TYPE[taxonomy],
            "name": names.name(taxonomy, term.name, release.language) if names else term.name,
            "url": absolute(site_url, term.url),
        }
        for taxonomy in TAXONOMIES
        for term in taxonomies.of(release, taxonomy)
    ]
    if not about:
        return {}
    return {"about": about, "keywords": [entry["name"] for entry in about]}


def contact_point(contact: Contact) -> Node:
    """A press contact of the release ("For more information" on its page), as the publisher's
    ``ContactPoint``: its role is the point's description, its languages BCP 47 tags."""
    node: Node = {"@type": "ContactPoint", "contactType": "press", "name": contact.name}
    if contact.role:
        node["description"] = contact.role
    if contact.phone:
        node["telephone"] = contact.phone
    if contact.email:
        node["email"] = contact.email
    if contact.languages:
        node["availableLanguage"] = list(contact.languages)
    return node


def _required(release: Release) -> None:
    """Search engines need a headline and a description: text that is not blank."""
    for field, value in (("title", release.title), ("summary", release.summary)):
        if not value.strip():
            raise StructuredDataError(
                f"{release.source}:{release.line_of(field)}: field '{field}': is blank; search engines need it "
                "as the release's headline and description: write it"
            )


def news_article(
    release: Release,
    *,
    publisher: Publisher,
    site_url: str,
    site_language: str,
    taxonomies: Taxonomies,
    translations: Sequence[Release] = (),
    image_size: tuple[int, int] | None = None,
    contacts: Sequence[Contact] = (),
    term_names: TermNames | None = None,
) -> Node:
    """A release as a NewsArticle. ``translations``: its other versions, published ones only
    (``Archive.translations``); ``image_size``: its photo's width and height, where known;
    ``contacts``: whom its page names for more information (``contacts.of``); ``term_names``:
    its terms' names in its language (``_terms.yml``)."""
    _required(release)
    url = absolute(site_url, url_of(release))
    node: Node = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": url + "#article",
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": release.title,
        "description": release.summary,
        "datePublished": release.date.isoformat(),
        "dateModified": release.last_changed.isoformat(),
        "inLanguage": release.language,
        "isAccessibleForFree": True,
    }
    if release.dateline:
        node["dateline"] = release.dateline
    parts = article_parts(
        release, publisher, site_url, site_language, taxonomies, translations, image_size, contacts, term_names
    )
    for part in parts:
        node.update(part)
    return node


def article_parts(
    release: Release,
    publisher: Publisher,
    site_url: str,
    site_language: str,
    taxonomies: Taxonomies,
    translations: Sequence[Release],
    image_size: tuple[int, int] | None,
    contacts: Sequence[Contact] = (),
    term_names: TermNames | None = None,
) -> list[Node]:
    """The parts of a NewsArticle beyond its text and dates, each a dict of properties (empty
    where the release has nothing for it)."""
    org = organization(publisher, site_url)
    # The press contacts are the publisher's for this release: schema.org gives articles none.
    press = {**org, "contactPoint": [contact_point(c) for c in contacts]} if contacts else org
    corrections = [
        {"@type": "CorrectionComment", "datePublished": c.date.isoformat(), "text": c.note} for c in release.corrections
    ]
    return [
        _image(release, site_url, image_size),
        {"author": org, "publisher": press},
        _about(release, taxonomies, site_url, term_names),
        {"correction": corrections} if corrections else {},
        _translations(release, translations, site_url, site_language),
    ]
