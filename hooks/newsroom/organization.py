"""The organization that publishes the releases, as search engines and feed readers know it:
its name, its address and its logo (``extra.newsroom.organization`` in mkdocs.yml).

The setting is checked for its shape with the other settings (``read_organization``); the
logo is found among the site's files and measured once the build knows where they are
(``publisher``, at ``on_config``), and the feeds' large icon is made from it (``feed_icon``).
"""

from __future__ import annotations

import difflib
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from PIL import Image as PILImage

from .images import MAX_PIXELS

SETTING = "mkdocs.yml: extra.newsroom.organization"
#: The smallest logo search engines take (Google's rule for an Organization's logo).
MIN_LOGO = 112
#: The image formats a logo may be in: those search engines and feed readers show, and Pillow scales.
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
#: The feeds' large icon (JSON Feed's ``icon``), made from the logo: square, as JSON Feed asks.
FEED_ICON = "feed-icon.png"
FEED_ICON_SIZE = 512


class OrganizationError(ValueError):
    """The organization setting cannot describe the publisher; the message names the setting."""


@dataclass(frozen=True, slots=True)
class Organization:
    """``extra.newsroom.organization`` as written, checked for its shape; a part left out is
    None and takes its default (``publisher``)."""

    name: str | None = None
    """Default: ``site_name``."""
    url: str | None = None
    """An absolute http(s) address. Default: ``site_url``."""
    logo: str | None = None
    """A file of the site, by its path from the site's root (``assets/images/logo.png``, in
    ``docs/`` or the theme). Default: ``theme.logo``."""


@dataclass(frozen=True, slots=True)
class Logo:
    path: str
    """Relative to the site root."""
    source: Path
    """The file the site publishes at ``path``."""
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Publisher:
    """The organization with every part known: what pages and feeds name as their publisher."""

    name: str
    url: str
    """Absolute."""
    logo: Logo

    @property
    def id(self) -> str:
        """The organization's node identifier in structured data (the same on every page)."""
        return self.url + "#organization"


def read_organization(value: Any) -> Organization:
    """The setting as written: a mapping of ``name``, ``url`` and ``logo``, each optional."""
    if value is None:
        return Organization()
    if not isinstance(value, Mapping):
        raise OrganizationError(f"{SETTING}: expected a mapping with name, url and logo, got {value!r}")
    known = ("name", "url", "logo")
    for key in value:
        if key not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            maybe = f"; did you mean '{hint[0]}'?" if hint else ""
            raise OrganizationError(f"{SETTING}.{key}: unknown setting{maybe} (known: {', '.join(known)})")
    texts = {}
    for key in known:
        part = value.get(key)
        if part is None:
            continue
        if not isinstance(part, str) or not part.strip():
            raise OrganizationError(f"{SETTING}.{key}: expected text, got {part!r}")
        texts[key] = " ".join(part.split()) if key == "name" else part.strip()
    if "url" in texts:
        _check_url(texts["url"], f"{SETTING}.url")
    if "logo" in texts:
        _check_path(texts["logo"], f"{SETTING}.logo")
    return Organization(**texts)


def _check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OrganizationError(
            f"{where}: expected an absolute http(s) address such as https://example.org/, got {url!r}"
        )


def _check_path(path: str, where: str) -> None:
    """A path from the site's root to one of its files, in the form MkDocs' ``theme.logo`` takes."""
    parts = urlsplit(path)
    posix = PurePosixPath(path)
    if parts.scheme or parts.netloc or parts.query or parts.fragment or "\\" in path or path.startswith("/"):
        raise OrganizationError(
            f"{where}: expected the path of an image of the site from its root, such as assets/images/logo.png "
            f"(in docs/), got {path!r}"
        )
    if ".." in posix.parts or path.endswith("/"):
        raise OrganizationError(f"{where}: expected the path of a file inside the site, got {path!r}")


def publisher(
    organization: Organization,
    *,
    site_name: str | None,
    site_url: str | None,
    theme_logo: str | None,
    folders: Sequence[Path],
    project_dir: Path,
) -> Publisher:
    """The organization with its defaults filled in and its logo found among ``folders`` (where
    the site's files come from: ``docs/`` first, then the theme's folders) and measured."""
    name = organization.name or " ".join((site_name or "").split())
    if not name:
        raise OrganizationError(
            f"{SETTING}.name: missing; pages name their publisher for search engines: set it here, or site_name"
        )
    url = organization.url or site_url
    if not url:
        raise OrganizationError(f"{SETTING}.url: missing; set it here, or site_url (https://example.org/)")
    _check_url(url, f"{SETTING}.url" if organization.url else "mkdocs.yml: site_url")
    path = organization.logo or theme_logo
    if not path:
        raise OrganizationError(
            f"{SETTING}.logo: missing; search engines show the organization's logo with its releases, and feed "
            "readers its icon: name an image of the site, such as assets/images/logo.png for "
            f"docs/assets/images/logo.png (a PNG, JPEG, GIF or WebP file, at least {MIN_LOGO}×{MIN_LOGO} pixels)"
        )
    where = f"{SETTING}.logo" if organization.logo else f"{SETTING}.logo (by default theme.logo, {path!r})"
    if not organization.logo:
        _check_path(path, where)
    return Publisher(name=name, url=url, logo=_find_logo(path, where, folders, project_dir))


def _find_logo(path: str, where: str, folders: Sequence[Path], project_dir: Path) -> Logo:
    folder = next((folder for folder in folders if (folder / path).is_file()), None)
    if folder is None:
        looked = ", ".join(_shown(folder, project_dir) for folder in folders)
        raise OrganizationError(f"{where}: {path!r} is no file of the site (looked in {looked})")
    source = folder / path
    shown = _shown(folder, project_dir) + path
    expected = (
        f"a PNG, JPEG, GIF or WebP image of at least {MIN_LOGO}×{MIN_LOGO} pixels (512×512 makes a sharp feed icon)"
    )
    if source.suffix.lower() == ".svg":
        raise OrganizationError(
            f"{where}: {shown} is an SVG drawing; search engines and feed readers need {expected}: export it as PNG"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(source, formats=sorted(LOGO_FORMATS)) as image:
                found, (width, height) = image.format, image.size
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        raise OrganizationError(f"{where}: {shown} is not an image Pillow can read; expected {expected}") from None
    if width * height > MAX_PIXELS:
        raise OrganizationError(f"{where}: {shown} is {width}×{height} pixels; scale it down to about 1,000 across")
    if min(width, height) < MIN_LOGO:
        raise OrganizationError(f"{where}: {shown} is {width}×{height} pixels; expected {expected}")
    assert found in LOGO_FORMATS, "opened with the logo formats only"
    return Logo(path=path, source=source, width=width, height=height)


def _shown(folder: Path, project_dir: Path) -> str:
    """A folder as messages show it, with a final slash: from the project (docs/), or by its last
    two names when it is outside (material/templates/, the theme's)."""
    relative = os.path.relpath(folder, project_dir)
    if relative == "." or relative.startswith(".."):
        return "/".join(folder.parts[-2:]) + "/"
    return Path(relative).as_posix() + "/"


def feed_icon(logo: Logo, target: Path, size: int = FEED_ICON_SIZE) -> bool:
    """Write the logo as a ``size``×``size`` PNG (scaled to fit, centred on a transparent square) at
    ``target``; the same logo always gives the same bytes. False when the file already held them."""
    with PILImage.open(logo.source) as image:
        image.load()
        picture = image.convert("RGBA")
    scale = size / max(picture.width, picture.height)
    fitted = picture.resize(
        (max(1, round(picture.width * scale)), max(1, round(picture.height * scale))), PILImage.Resampling.LANCZOS
    )
    square = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    square.paste(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    buffer = BytesIO()
    square.save(buffer, "PNG", optimize=True)
    data = buffer.getvalue()
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True
