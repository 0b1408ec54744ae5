"""Material's base.html is used as installed, with the newsroom's changes applied when it loads
(``mkdocs_site.theme.change_base``): its bundles' hashed names are always the ones the build ships."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from jinja2 import TemplateError

from newsroom.mkdocs_site.theme import BASE_CHANGES, THEME_CHANGES, change_base


def materials_base(template: str = "base.html") -> str:
    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.origin is not None
    return (Path(spec.origin).parent / "templates" / template).read_text(encoding="utf-8")


@pytest.mark.parametrize("template", sorted(THEME_CHANGES))
def test_the_newsroom_changes_apply_to_the_installed_materials_templates(template):
    original = materials_base(template)
    changed = change_base(original, template, template)
    for theirs, ours in THEME_CHANGES[template]:
        assert original.count(theirs) == 1
        assert changed.count(ours) == 1
    assert changed != original


def test_the_drawer_toggle_loses_its_autocomplete():
    changed = change_base(materials_base(), "base.html")
    assert 'type="checkbox" id="__drawer" autocomplete' in materials_base()
    assert 'type="checkbox" id="__drawer" autocomplete' not in changed


def test_a_material_whose_base_html_changed_fails_the_build_saying_what_to_adjust():
    theirs = BASE_CHANGES[0][0]
    with pytest.raises(TemplateError, match=re.escape("adjust THEME_CHANGES in hooks/newsroom/mkdocs_site/theme.py")):
        change_base(materials_base().replace(theirs, theirs.replace("__drawer", "__menu")), "base.html")


def test_pages_have_the_changes(sample_site):
    page = sample_site.html("news/2020/03/03/south-korea-stand-with-north-korean-victims/")
    assert page.xpath("//input[@id='__drawer']") and page.xpath("//input[@type='checkbox'][@autocomplete]") == []
    assert (
        page.xpath("//*[contains(@class, 'md-sidebar--secondary')]//nav[contains(@class, 'md-nav--secondary')]") == []
    )
