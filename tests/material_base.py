"""overrides/base.html, made from the installed Material's own base.html and the newsroom's changes.

Material ships its base.html with the hashed names of its bundles written in (its build fills
them in: there is no template variable for them), so a copy goes stale with any upgrade: its
pages would ask for stylesheets and scripts that are no longer there. test_theme checks that
overrides/base.html is exactly what this makes from the Material in use; after an upgrade of
Material, write it again:

    .venv/bin/python tests/material_base.py

A change below that no longer finds its place in Material's file stops with a message: look at
what Material changed there, and adjust the change.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "overrides" / "base.html"

HEADER = """{{#-
  Material {version}'s base.html, with what the newsroom needs changed (search for "newsroom:"):
  - the drawer and search toggles lose `autocomplete`, which HTML allows only on text-like inputs;
  - a hidden table of contents is not rendered.
  The rest is Material's own, hashed names of its bundles included, so that its CSS and JavaScript
  keep working: tests/material_base.py writes this file from the installed Material's (run it after
  an upgrade; test_theme fails until then). Change that script, not this file.
-#}}
"""

HIDDEN_TOC = "{#- newsroom: a hidden table of contents is not sent (and not cached with another page's headings). -#}"

#: (Material's text, the newsroom's), each found exactly once in Material's base.html.
CHANGES = [
    (
        """{#-
  This file was automatically generated - do not edit
-#}
""",
        None,  # replaced by HEADER, which names Material's version
    ),
    (
        """    <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">
    <input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">
""",
        """    {#- newsroom: no autocomplete on checkboxes (invalid HTML) -#}
    <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">
    <input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search">
""",
    ),
    (
        """                  <div class="md-sidebar__inner">
                    {% include "partials/toc.html" %}
                  </div>
""",
        """                  <div class="md-sidebar__inner">
                    """
        + HIDDEN_TOC
        + """
                    {% if not (page.meta and page.meta.hide and "toc" in page.meta.hide) %}
                      {% include "partials/toc.html" %}
                    {% endif %}
                  </div>
""",
    ),
]


def materials_base() -> Path:
    spec = importlib.util.find_spec("material")
    if spec is None or spec.origin is None:
        raise SystemExit("mkdocs-material is not installed")
    return Path(spec.origin).parent / "templates" / "base.html"


def expected() -> str:
    """overrides/base.html as it must be for the installed Material."""
    text = materials_base().read_text(encoding="utf-8")
    header = HEADER.format(version=importlib.metadata.version("mkdocs-material"))
    for theirs, ours in CHANGES:
        if text.count(theirs) != 1:
            raise SystemExit(
                f"Material's base.html ({materials_base()}) holds {text.count(theirs)} times, not once, the text "
                f"tests/material_base.py changes:\n{theirs}\nsee what Material changed there, and adjust the change"
            )
        text = text.replace(theirs, header if ours is None else ours)
    return text


if __name__ == "__main__":
    OURS.write_text(expected(), encoding="utf-8")
    sys.stdout.write(f"wrote {OURS.relative_to(ROOT)} from {materials_base()}\n")
