"""Pages stay light: the theme's icons are drawn once, in a file every page points into
(``mkdocs_site.icons``), and the templates' own indentation is not sent (``theme.Unindented``),
while what a release says, and how its body is laid out, reaches the reader unchanged."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from jinja2 import TemplateNotFound
from lxml import etree
from mkdocs.exceptions import PluginError

from conftest import release_text, site_tab
from newsroom.mkdocs_site.icons import IconSheet, configured

SITE = "https://newsroom.example.org/"
SVG = "{http://www.w3.org/2000/svg}"


def material_icon(name: str) -> etree._Element:
    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.origin is not None
    return etree.parse(str(Path(spec.origin).parent / "templates" / ".icons" / f"{name}.svg")).getroot()


def material_dirs() -> list[str]:
    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.origin is not None
    return [str(Path(spec.origin).parent / "templates")]


def icons_of(build, url: str) -> list[tuple[str, str]]:
    """(file in the site, symbol id) of each icon of the page at ``url``, which draws none itself."""
    page = build.html(url)
    found = []
    for svg in page.xpath("//svg"):
        assert svg.xpath(".//path | .//circle | .//rect | .//polygon") == [], (url, etree.tostring(svg)[:200])
        (use,) = svg.xpath("use")
        address = urljoin(SITE + url, use.get("href"))
        assert address.startswith(SITE), (url, use.get("href"))
        parts = urlsplit(address)
        found.append((parts.path[len(urlsplit(SITE).path) :], parts.fragment))
    return found


def symbols(build, path: str) -> dict[str, etree._Element]:
    sheet = etree.parse(str(build.path(path))).getroot()
    assert sheet.tag == SVG + "svg"
    return {symbol.get("id"): symbol for symbol in sheet.iter(SVG + "symbol")}


def test_every_page_points_its_icons_into_one_file_of_the_site(sample_site):
    build = sample_site
    files = set()
    pages = ("", "news/", "news/2020/03/03/south-korea-stand-with-north-korean-victims/", "countries/north-korea/")
    for url in (*pages, "ko/", "ar/", "search/", "404.html", "ko/404.html"):
        icons = icons_of(build, url)
        assert len(icons) >= 6, url  # the logo (twice), menu, palette toggles, search, repository
        for path, symbol in icons:
            files.add(path)
            assert symbol in symbols(build, path), (url, symbol)
    (path,) = files
    assert path.startswith("assets/images/newsroom-icons.") and path.endswith(".svg")
    drawn = symbols(build, path)
    # Each symbol is Material's own drawing of that icon, with its licence where it has one.
    for name in ("material/menu", "material/magnify", "fontawesome/brands/git-alt"):
        theirs = material_icon(name)
        ours = drawn[name.replace("/", "-")]
        assert ours.get("viewBox") == theirs.get("viewBox")
        assert [p.get("d") for p in ours.iter(SVG + "path")] == [p.get("d") for p in theirs.iter(SVG + "path")]
    licence = [c.text for c in drawn["fontawesome-brands-git-alt"].iter(etree.Comment)]
    assert any("Font Awesome Free" in (text or "") for text in licence)


def test_the_icons_follow_mkdocs_yml_and_the_files_name_follows_its_content(project):
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01"))
    first = project.build()
    assert first.returncode == 0, first.log
    (default_sheet,) = {path for path, _ in icons_of(first, "news/2021/01/01/x/")}

    project.config["theme"]["icon"] = {"repo": "fontawesome/brands/github", "menu": "material/dots-vertical"}
    second = project.build()
    assert second.returncode == 0, second.log
    icons = icons_of(second, "news/2021/01/01/x/")
    (sheet,) = {path for path, _ in icons}
    assert sheet != default_sheet and not second.exists(default_sheet)
    used = {symbol for _, symbol in icons}
    assert {"fontawesome-brands-github", "material-dots-vertical"} <= used
    assert not {"fontawesome-brands-git-alt", "material-menu"} & used
    assert used <= set(symbols(second, sheet))


def test_an_icon_mkdocs_yml_names_that_does_not_exist_fails_the_build_naming_it(project):
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01"))
    project.config["theme"]["icon"] = {"repo": "material/no-such-icon"}
    build = project.build()
    assert build.returncode != 0
    assert ".icons/material/no-such-icon.svg" in build.log


def test_an_icon_not_in_the_file_is_drawn_whole_and_a_name_outside_the_icons_is_refused(tmp_path):
    sheet = IconSheet(material_dirs(), ["material/menu"])
    pointed = str(sheet("material/menu", "../assets/images/x.svg"))
    assert pointed == '<svg viewBox="0 0 24 24"><use href="../assets/images/x.svg#material-menu"/></svg>'
    whole = etree.fromstring(str(sheet("material/close", "ignored.svg")))
    assert [p.get("d") for p in whole.iter(SVG + "path")] == [
        p.get("d") for p in material_icon("material/close").iter(SVG + "path")
    ]
    for name in ("material/no-such-icon", "../../../../etc/passwd", "material/../../base", "MATERIAL/menu"):
        with pytest.raises(TemplateNotFound):
            sheet(name, "x.svg")
    # An icon of a site's own overrides that is not a drawing the file can hold is drawn whole.
    (tmp_path / ".icons/custom").mkdir(parents=True)
    (tmp_path / ".icons/custom/flag.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"/></svg>')
    (tmp_path / ".icons/custom/bad.svg").write_text("<svg><path")
    own = IconSheet([str(tmp_path), *material_dirs()], ["custom/flag", "custom/bad", "material/menu"])
    assert set(own.symbols) == {"material/menu"}
    assert str(own("custom/flag", "x.svg")).startswith("<svg")
    with pytest.raises(PluginError, match=r"theme icon 'custom/bad': .*bad\.svg is not an SVG drawing"):
        own("custom/bad", "x.svg")


def test_an_icon_reached_through_a_symbolic_link_fails_the_build_and_is_never_shown(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("CI_TOKEN=hunter2")
    (tmp_path / "theme/.icons/custom").mkdir(parents=True)
    (tmp_path / "theme/.icons/custom/leak.svg").symlink_to(secret)
    (tmp_path / "theme/.icons/linked").symlink_to(tmp_path / "theme/.icons/custom")
    (tmp_path / "theme/.icons/custom/folder.svg").mkdir()
    drawing = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'
    (tmp_path / "theme/.icons/custom/flag.svg").write_text(drawing)
    theme = [str(tmp_path / "theme"), *material_dirs()]
    assert set(IconSheet(theme, ["custom/flag"]).symbols) == {"custom/flag"}  # the same file, reached directly
    for name in ("custom/leak", "linked/flag", "custom/folder"):
        with pytest.raises(PluginError, match=f"theme icon '{name}': .* is a symbolic link or not a regular file"):
            IconSheet(theme, [name])
        with pytest.raises(PluginError, match="symbolic link or not a regular file"):
            IconSheet(theme, [])(name, "x.svg")


def test_configured_icons_are_the_ones_mkdocs_yml_chooses():
    theme = {
        "icon": {"menu": "material/dots-vertical"},
        "logo": "assets/logo.png",
        "palette": [{"toggle": {"icon": "material/brightness-7"}}, {"toggle": {"icon": "material/brightness-4"}}],
    }
    assert configured(theme) == [
        "material/dots-vertical",
        "fontawesome/brands/git-alt",
        "material/arrow-left",
        "material/arrow-right",
        "material/magnify",
        "material/brightness-7",
        "material/brightness-4",
    ]
    assert "material/library" in configured({})  # no logo image: Material's logo icon


def test_the_icons_are_drawn_in_chromium_under_the_sites_policy(sample_site, browser):
    record = (
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"
    )
    with site_tab(browser, sample_site, record) as tab:
        for url in ("news/2020/03/03/south-korea-stand-with-north-korean-victims/", "ar/"):
            tab.goto(tab.base + url)
            tab.wait_for_load_state("load")
            # A <use> whose symbol was found has the symbol's size; one left empty has none.
            header = "[...document.querySelectorAll('.md-header use')]"
            shown = f"{header}.filter(u => u.ownerSVGElement.getClientRects().length)"
            assert tab.evaluate(f"() => {shown}.length") >= 3, url  # on a wide screen: logo, palette, repository
            tab.wait_for_function(f"() => {shown}.every(u => u.getBBox().width > 0)")
            assert tab.evaluate("window.__violations") == [], url


BODY = """(Seoul) – A body laid out with care.

```
def indented():
        return "eight spaces"
```

<pre>  two spaces
    four spaces</pre>
"""


def test_the_templates_indentation_is_not_sent_but_a_bodys_layout_is(project):
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01", body=BODY))
    build = project.build()
    assert build.returncode == 0, build.log
    text = build.text("news/2021/01/01/x/")
    page = build.html("news/2021/01/01/x/")
    blocks = [block.text_content() for block in page.xpath("//pre")]
    assert 'def indented():\n        return "eight spaces"\n' in blocks
    assert "  two spaces\n    four spaces" in blocks
    # Outside the body's preformatted blocks, no line of the page starts with spaces.
    outside = text
    while "<pre" in outside:
        begin = outside.index("<pre")
        outside = outside[:begin] + outside[outside.index("</pre>", begin) + len("</pre>") :]
    assert [line for line in outside.splitlines() if line.startswith((" ", "\t"))] == []


def test_indentation_is_left_out_of_html_templates_only_where_spaces_do_not_show():
    from jinja2 import DictLoader, Environment

    from newsroom.mkdocs_site.theme import Unindented

    templates = {
        "page.html": "<div>\n    <p>{{ a }}\n      {{ b }}</p>\n</div>\n",
        "words.html": "<span>one</span>{% if yes %}\n    <span>two</span>{% endif %}\n",
        "code.html": "<div>\n  <pre>\n  kept\n    as written</pre>\n</div>\n",
        "form.html": "<textarea>\n  kept</textarea>\n",
        "text/page.html": "<p>\n  the text-only edition's own</p>\n",
        "feed.xml": "<a>\n  <b/></a>\n",
    }
    env = Environment(loader=DictLoader(templates), trim_blocks=True, lstrip_blocks=True)
    env.add_extension(Unindented)

    def render(name: str) -> str:
        return env.get_template(name).render(a="  A  ", b="\n  B", yes=True)

    assert render("page.html") == "<div>\n<p>  A  \n\n  B</p>\n</div>"  # what a variable prints is kept
    assert render("words.html") == "<span>one</span>\n<span>two</span>"  # still two words
    for name in ("code.html", "form.html", "text/page.html", "feed.xml"):
        assert render(name) == templates[name].removesuffix("\n"), name


def test_two_icon_names_spelled_alike_do_not_share_a_symbol(tmp_path):
    for name in ("a/b-c", "a-b/c"):
        (tmp_path / ".icons" / name).parent.mkdir(parents=True, exist_ok=True)
        d = "M0 0h1" if name == "a/b-c" else "M0 0h2"
        (tmp_path / ".icons" / f"{name}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="{d}"/></svg>'
        )
    sheet = IconSheet([str(tmp_path)], ["a/b-c", "a-b/c"])
    assert list(sheet.symbols) == ["a/b-c"]
    assert 'd="M0 0h2"' in str(sheet("a-b/c", "x.svg"))  # drawn whole, not the other's symbol
