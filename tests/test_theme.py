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


def test_every_page_of_a_listing_has_tabs_and_menu_leading_to_the_same_pages(project):
    """The tabs and the menu are rendered once for many pages (``ChromeCache``); their links are
    relative to the page, so each page's must lead where the nav says, wherever the page is:
    `news/` is `../../` from `news/page/2/` but `../../news/` from `topics/torture/`."""
    from urllib.parse import urljoin

    from helpers import ARCHIVE

    project.copy_releases(ARCHIVE)
    project.newsroom(per_page=5)
    build = project.build()
    assert build.returncode == 0, build.log
    nav = {"News": "news/", "Regions": "regions/", "Countries": "countries/", "Topics": "topics/"}
    pages = ["news/", "news/page/2/", "news/2019/", "regions/", "regions/africa/", "topics/torture/"]
    pages += ["countries/russia/", "news/2018/01/01/release-00/", "about/"]
    for url in pages:
        for where in ("//nav[@class='md-tabs']//a", "//nav[@data-md-level='0']/ul/li/a"):
            links = {
                a.text_content().strip(): urljoin("http://site/" + url, a.get("href"))
                for a in build.html(url).xpath(where)
            }
            for title, target in nav.items():
                assert links.get(title) == "http://site/" + target, (url, where, links)
