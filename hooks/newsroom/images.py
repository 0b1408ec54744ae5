"""Sizes of release photos, and thumbnails of them for the cards of the home page.

A reader on a slow connection should not download ten full-size photos to see
the newest releases: each card gets a small copy, named after the photo's content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage

from .urls import media_url

#: Formats Pillow can scale; others (SVG) are shown as they are.
SCALABLE = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
WIDTH = 480
#: Where thumbnails are written, under the media folder.
THUMBNAILS = "thumbnails/"


@dataclass(frozen=True, slots=True)
class Thumbnail:
    path: str
    """Relative to the site root."""
    width: int
    height: int


def thumbnail(source: Path, src: str, site_dir: Path, width: int = WIDTH) -> Thumbnail | None:
    """A copy of ``source`` (published as ``media/<src>``) at most ``width`` pixels wide, written
    under ``site_dir/media/thumbnails/``; None when the photo cannot be scaled (then use it as is)."""
    if source.suffix.lower() not in SCALABLE:
        return None
    key = hashlib.sha256(source.read_bytes() + f"\0{width}".encode()).hexdigest()[:12]
    try:
        with PILImage.open(source) as image:
            image.load()
            keeps_alpha = image.mode in ("RGBA", "LA", "P") and source.suffix.lower() != ".jpg"
            suffix = ".png" if keeps_alpha else ".jpg"
            relative = media_url(f"{THUMBNAILS}{Path(src).stem}-{key}{suffix}")
            target = site_dir / relative
            if image.width > width:
                image.thumbnail((width, round(image.height * width / image.width)))
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                if keeps_alpha:
                    image.save(target, "PNG", optimize=True)
                else:
                    image.convert("RGB").save(target, "JPEG", quality=80, optimize=True, progressive=True)
            return Thumbnail(relative, image.width, image.height)
    except (OSError, ValueError):
        return None


def dimensions(source: Path) -> tuple[int, int] | None:
    """Width and height of a photo, read from its header only; None when Pillow cannot read it
    (SVG). Pages give them to ``<img>`` so the text does not jump when the photo arrives."""
    try:
        with PILImage.open(source) as image:
            return image.size
    except (OSError, ValueError):
        return None
