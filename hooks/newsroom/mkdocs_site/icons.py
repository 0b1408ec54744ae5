"""The theme's icons, drawn once per site: one SVG file that every page's icons point into.

Material writes each icon's whole drawing into every page: the menu, the logo twice, the palette
toggles, the repository's mark twice (with its licence), the search glass, the previous and next
arrows: 3.9 KB of a release page, which now holds 1.2 KB of references. Here each icon the
site's ``mkdocs.yml`` chooses becomes a ``<symbol>`` of ``assets/images/newsroom-icons.<hash>.svg``,
and a page holds ``<svg viewBox=…><use href="…newsroom-icons.<hash>.svg#material-menu"/></svg>``:
still an ``<svg>`` inside Material's markup, so every rule of Material's stylesheet that sizes,
colours or mirrors an icon (right to left, forced colours) applies unchanged. The file is loaded
once and cached; its name changes with its content.

An icon that is not in the file (a template of the site's own overrides naming another one) is
written into the page whole, as Material does, if it is an SVG drawing. An icon reached through
a symbolic link, or that is not a regular file, fails the build.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateNotFound
from lxml import etree
from markupsafe import Markup
from mkdocs.exceptions import PluginError

SVG = "http://www.w3.org/2000/svg"
#: The icons' file in the site, before its content's hash is put in its name.
FOLDER = "assets/images"
STEM = "newsroom-icons"
#: What an icon's name may be (Material's: ``material/menu``, ``fontawesome/brands/git-alt``).
NAME = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_][a-z0-9]+)*)+")
#: A ``viewBox`` as the icons write it: four numbers.
VIEW_BOX = re.compile(r"-?\d+(?:\.\d+)?(?: -?\d+(?:\.\d+)?){3}")


def configured(theme: Any) -> list[str]:
    """The icons the newsroom's templates draw, as the site's ``mkdocs.yml`` chooses them
    (``theme.icon``, the palette's toggles), in a stable order, each once."""
    icon = theme.get("icon") or {}
    names = [
        icon.get("menu") or "material/menu",
        icon.get("repo") or "fontawesome/brands/git-alt",
        icon.get("previous") or "material/arrow-left",
        icon.get("next") or "material/arrow-right",
        "material/magnify",  # the header's search link (partials/newsroom/search-box.html)
    ]
    if not theme.get("logo"):
        names.append(icon.get("logo") or "material/library")
    palette = theme.get("palette") or []
    for option in palette if isinstance(palette, list) else [palette]:
        toggle = option.get("toggle") if isinstance(option, dict) else None
        if isinstance(toggle, dict) and isinstance(toggle.get("icon"), str):
            names.append(toggle["icon"])
    return list(dict.fromkeys(name for name in names if isinstance(name, str)))


@dataclass(frozen=True)
class Symbol:
    id: str
    view_box: str


class IconSheet:
    """The icons' file (``text``, published at ``path``) and the markup that draws one of them."""

    def __init__(self, theme_dirs: Sequence[str], names: Iterable[str]):
        self.theme_dirs = list(theme_dirs)
        self.symbols: dict[str, Symbol] = {}
        self.inline: dict[str, Markup] = {}
        sheet = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG})
        for name in names:
            drawing = self.read(name)
            if drawing is None:
                continue
            view_box = drawing.get("viewBox") or ""
            if not VIEW_BOX.fullmatch(view_box):
                continue  # drawn whole where it is used, as Material does
            symbol_id = name.replace("/", "-")
            if any(symbol.id == symbol_id for symbol in self.symbols.values()):
                continue  # another name of the same spelling (a/b-c, a-b/c): drawn whole
            symbol = etree.SubElement(sheet, f"{{{SVG}}}symbol", id=symbol_id, viewBox=view_box)
            for child in drawing:
                symbol.append(deepcopy(child))
            self.symbols[name] = Symbol(symbol_id, view_box)
        self.text = etree.tostring(sheet, encoding="unicode") + "\n"
        digest = hashlib.sha256(self.text.encode()).hexdigest()[:8]
        self.path = f"{FOLDER}/{STEM}.{digest}.svg"

    def source(self, name: str) -> Path | None:
        """The icon's file, where the theme's templates would find ``.icons/<name>.svg``: a regular
        file inside the theme's folder, reached through no symbolic link (one could lead to any
        file of the machine, a secret of the CI included, which the page would then show)."""
        if not NAME.fullmatch(name):
            return None
        for folder in self.theme_dirs:
            candidate = Path(folder, ".icons", f"{name}.svg")
            if not os.path.lexists(candidate):
                continue
            if candidate.resolve() != Path(folder).resolve() / ".icons" / f"{name}.svg" or not candidate.is_file():
                raise PluginError(
                    f"theme icon '{name}': {candidate} is a symbolic link or not a regular file; an icon "
                    "must be a file of the theme's own folder (overrides/.icons/…)"
                )
            return candidate
        return None

    def read(self, name: str) -> Any:
        """The icon's parsed drawing, or None when it is missing or not an SVG drawing."""
        path = self.source(name)
        if path is None:
            return None
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
        try:
            root = etree.parse(str(path), parser).getroot()
        except (etree.XMLSyntaxError, OSError):
            return None
        return root if root.tag == f"{{{SVG}}}svg" else None

    def __call__(self, name: str, href: str) -> Markup:
        """The markup of icon ``name``, pointing into the icons' file at ``href`` (the ``url``
        filter's address of ``path`` from the page); an icon not in the file is written whole."""
        symbol = self.symbols.get(name)
        if symbol is not None:
            return Markup('<svg viewBox="{}"><use href="{}#{}"/></svg>').format(symbol.view_box, href, symbol.id)
        found = self.inline.get(name)
        if found is None:
            path = self.source(name)
            if path is None:  # as Material's `{% include ".icons/…" %}` fails
                raise TemplateNotFound(f".icons/{name}.svg")
            if self.read(name) is None:
                raise PluginError(f"theme icon '{name}': {path} is not an SVG drawing")
            found = self.inline[name] = Markup(path.read_text(encoding="utf-8").strip())
        return found
