"""Language tags: what a well-formed BCP 47 tag looks like (releases, translations, contacts), and
whether one is among the site's editions (``extra.newsroom.languages``)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from babel.languages import get_official_languages

#: Well-formed BCP 47 tags: language, optional script, region and variants.
BCP47_RE = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*\Z"
)


def not_an_edition(tag: str, editions: Sequence[str]) -> str | None:
    """Why ``tag`` is not one of the site's ``editions`` (with the likeliest it meant), or None if it is.
    Tags compare without regard to case, as BCP 47 says."""
    folded = {edition.casefold(): edition for edition in editions}
    if tag.casefold() in folded:
        return None
    primary = tag.split("-")[0].casefold()
    # A country's code for its language ('kr' for Korean), as people often write it, by Babel's CLDR data.
    spoken = [folded[language] for language in get_official_languages(primary.upper()) if language in folded]
    close = difflib.get_close_matches(tag.casefold(), list(folded), n=1, cutoff=0.6)
    guess = folded.get(primary) or next(iter(spoken), None) or (folded[close[0]] if close else None)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return (
        f"'{tag}' is not one of the site's languages ({', '.join(editions)}, in extra.newsroom.languages "
        f"in mkdocs.yml){hint}"
    )


def alternates(
    language: str, url: str, versions: Sequence[tuple[str, str]], default: str
) -> tuple[tuple[str, str], ...]:
    """The ``hreflang`` alternates of a page in ``language`` at ``url`` whose other versions are
    ``versions`` (language, url): every version, itself included, by language, then ``x-default``,
    the version in the site's ``default`` language (else the page itself). None without versions."""
    if not versions:
        return ()
    every = sorted({(language, url), *versions})
    fallback = next((there for tag, there in every if tag.casefold() == default.casefold()), url)
    return (*every, ("x-default", fallback))
