"""The site's newsroom settings, read from the ``extra.newsroom`` mapping of mkdocs.yml.

Plain data with its own validation, so that no other module needs to know
where the settings came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .browser_policy import check_onion_location
from .contacts import Defaults, read_defaults
from .languages import BCP47_RE
from .organization import Organization, read_organization


class SettingsError(ValueError):
    """A setting in mkdocs.yml has the wrong value."""


@dataclass(frozen=True, slots=True)
class Settings:
    project_dir: Path
    """The folder holding mkdocs.yml; every reported path is relative to it."""
    releases_dir: str = "press_releases"
    """Where editors commit releases, relative to ``project_dir``."""
    timezone: str = "UTC"
    """IANA name of the time zone of dates written without an offset."""
    language: str = "en"
    """Default language of releases (BCP 47); the theme's language by default."""
    languages: tuple[str, ...] = ()
    """The site's editions (BCP 47 tags), the default first; empty: one, in ``language``, and a
    release may then be in any language."""
    site_url: str | None = None
    home_count: int = 10
    """How many of the newest releases the home page shows."""
    per_page: int = 20
    """Releases per page of a listing."""
    feed_items: int = 50
    """Releases per feed."""
    related_count: int = 5
    """Related releases shown under a release."""
    search_lede_words: int = 40
    """Words of each release body the search index keeps in order (for excerpts and phrases);
    the others are indexed once each. 0 keeps the whole body in order (more memory)."""
    search_shard_size: int = 2000
    """Releases per shard of an edition's search index (``search.shard_ranges``): Pagefind's
    memory peaks at the largest shard's (about 250 MB per 1,000 releases of real text)."""
    allow_empty: bool = False
    """Build a site without releases (no releases folder, or none in it) instead of failing."""
    embed_hosts: tuple[str, ...] = ()
    """Other hosts release bodies may load images, media and frames from. Empty by default:
    every host listed can see which readers read which release."""
    reviewed_extensions: tuple[str, ...] = ()
    """Markdown extensions, and functions given in their settings, that the site's maintainers have
    read and found to turn text into HTML and do nothing else (``extensions``)."""
    onion_location: str | None = None
    """The site's address as an onion service (``http://<56 characters>.onion/``): every page
    names its onion address (``Onion-Location``) so Tor Browser offers it."""
    contacts: Defaults = ()
    """Press contacts by region name, and ``default``: those of a release that names none (``contacts``)."""
    organization: Organization = field(default_factory=Organization)
    """Who publishes the releases (name, url, logo), for structured data and feeds; its defaults and
    logo file are resolved at ``on_config`` (``organization.publisher``)."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def releases_path(self) -> Path:
        return self.project_dir / self.releases_dir

    @classmethod
    def from_mapping(cls, project_dir: Path, options: Mapping[str, Any] | None, **defaults: Any) -> Settings:
        """Build settings from the ``extra.newsroom`` mapping, checking every value."""
        options = dict(options or {})
        known = {f.name for f in fields(cls)} - {"project_dir", "site_url"}
        for key in options:
            if key not in known:
                hint = difflib.get_close_matches(key, sorted(known), n=1)
                maybe = f"; did you mean '{hint[0]}'?" if hint else ""
                raise SettingsError(
                    f"mkdocs.yml: extra.newsroom.{key}: unknown setting{maybe} (known: {', '.join(sorted(known))})"
                )
        values = {**{k: v for k, v in defaults.items() if v is not None}, **options}
        for key in ("home_count", "per_page", "feed_items", "related_count", "search_lede_words", "search_shard_size"):
            if key in values:
                value = values[key]
                least = 0 if key == "search_lede_words" else 1
                if isinstance(value, bool) or not isinstance(value, int) or value < least:
                    raise SettingsError(
                        f"mkdocs.yml: extra.newsroom.{key}: expected a whole number of at least {least}, got {value!r}"
                    )
        if "allow_empty" in values and not isinstance(values["allow_empty"], bool):
            raise SettingsError(
                f"mkdocs.yml: extra.newsroom.allow_empty: expected true or false, got {values['allow_empty']!r}"
            )
        if "embed_hosts" in values:
            hosts = values["embed_hosts"]
            if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() and "/" not in h for h in hosts):
                raise SettingsError(
                    f"mkdocs.yml: extra.newsroom.embed_hosts: expected a list of host names such as "
                    f"['www.youtube-nocookie.com'], got {hosts!r}"
                )
            values["embed_hosts"] = tuple(h.strip().lower().rstrip(".") for h in hosts)
        if "reviewed_extensions" in values:
            reviewed = values["reviewed_extensions"]
            if not isinstance(reviewed, list) or not all(isinstance(n, str) and n.strip() for n in reviewed):
                raise SettingsError(
                    f"mkdocs.yml: extra.newsroom.reviewed_extensions: expected a list of extension names such as "
                    f"['my_org.markdown'], got {reviewed!r}"
                )
            values["reviewed_extensions"] = tuple(n.strip() for n in reviewed)
        if values.get("onion_location") is not None:
            try:
                values["onion_location"] = check_onion_location(values["onion_location"])
            except ValueError as err:
                raise SettingsError(f"mkdocs.yml: extra.newsroom.onion_location: {err}") from None
        if "contacts" in values:
            try:
                values["contacts"] = read_defaults(values["contacts"], "mkdocs.yml: extra.newsroom.contacts")
            except ValueError as err:
                raise SettingsError(str(err)) from None
        if "organization" in values:
            try:
                values["organization"] = read_organization(values["organization"])
            except ValueError as err:
                raise SettingsError(str(err)) from None
        if "languages" in values:
            values["languages"] = _editions(values["languages"])
            explicit = options.get("language")
            if explicit is not None and explicit != values["languages"][0]:
                raise SettingsError(
                    f"mkdocs.yml: extra.newsroom.language: {explicit!r} must be the first of extra.newsroom.languages "
                    f"({', '.join(values['languages'])}): the default edition is the first; reorder them, or leave "
                    "'language' out"
                )
            values["language"] = values["languages"][0]
        for key in ("releases_dir", "timezone", "language"):
            if key in values and not (isinstance(values[key], str) and values[key].strip()):
                raise SettingsError(f"mkdocs.yml: extra.newsroom.{key}: expected text, got {values[key]!r}")
        settings = cls(project_dir=project_dir, **values)
        try:
            _ = settings.zone  # reading it checks the name
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"mkdocs.yml: extra.newsroom.timezone: unknown time zone {settings.timezone!r}; "
                "expected an IANA name such as 'UTC' or 'Asia/Seoul'"
            ) from None
        return settings


def _editions(value: Any) -> tuple[str, ...]:
    """``extra.newsroom.languages``: well-formed BCP 47 tags, each once, at least one."""
    where = "mkdocs.yml: extra.newsroom.languages"
    if not isinstance(value, list) or not value:
        raise SettingsError(
            f"{where}: expected a list of BCP 47 language tags, the default first, such as [en, ko, ar]"
        )
    seen: dict[str, str] = {}
    for tag in value:
        if not isinstance(tag, str) or not BCP47_RE.match(tag):
            raise SettingsError(f"{where}: expected BCP 47 language tags such as 'en', 'ko' or 'pt-BR', got {tag!r}")
        if tag.casefold() in seen:
            raise SettingsError(f"{where}: '{tag}' is listed twice (as '{seen[tag.casefold()]}' before); list it once")
        seen[tag.casefold()] = tag
    return tuple(value)
