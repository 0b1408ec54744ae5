"""The trust boundary of bodies and of publishing: every way to write a link to a held release,
active or remote content in a body, collisions with what the site writes, and a failed build
that must leave the published site exactly as it was (``Project.failing_build`` checks that,
and that `make check` fails with the same messages)."""

from __future__ import annotations

import functools
import importlib
import json
import os
import time
from pathlib import Path

import pymdownx.slugs
import pytest

from conftest import PythonName, release_text
from newsroom import extensions
from newsroom.settings import Settings, SettingsError

TOKEN = "zqxheld"
HELD_FILE = f"2026-11-20-{TOKEN}.md"
HELD_URL = f"news/2026/11/20/slug-{TOKEN}/"
SITE = "https://newsroom.example.org"
NOW = "2026-11-01T00:00:00Z"
HELD = (
    f"the address of press_releases/{HELD_FILE}, which is held back until 2026-11-20T09:00:00+09:00: "
    "the link would reveal it"
)


@pytest.fixture
def archive(project):
    """A published release and an embargoed one; tests add a release whose body is under test."""
    project.release("2026-10-01-public.md", release_text(title="Public", date="2026-10-01T09:00"))
    project.release(
        HELD_FILE,
        release_text(title=f"Held {TOKEN}", date="2026-11-20T09:00", slug=f"slug-{TOKEN}", body=f"Held body {TOKEN}."),
    )
    return project


def body_release(project, body: str, name: str = "2026-10-02-under-test.md", **fields) -> str:
    """A release with ``body``; returns its source path. Its body starts on line 7."""
    project.release(name, release_text(title="Under test", date="2026-10-02T09:00", body=body, **fields))
    return f"press_releases/{name}"


# -- a link to a held release, in any spelling a browser follows ---------------------------------

HELD_SPELLINGS = [
    pytest.param(
        f"<a href=../../../11/20/slug-{TOKEN}/>unquoted</a>", f"../../../11/20/slug-{TOKEN}/", id="unquoted-attribute"
    ),
    pytest.param(
        f'<a href="https://NEWSROOM.Example.ORG/{HELD_URL}">host case</a>',
        f"https://NEWSROOM.Example.ORG/{HELD_URL}",
        id="host-case",
    ),
    pytest.param(
        f'<a href="https://newsroom.example.org:443/{HELD_URL}">port</a>',
        f"https://newsroom.example.org:443/{HELD_URL}",
        id="default-port",
    ),
    pytest.param(
        f"[slashes](../../..//11//20/slug-{TOKEN}/)", f"../../..//11//20/slug-{TOKEN}/", id="repeated-slashes"
    ),
    pytest.param(
        f"[encoded](/news/2026/11/20/slug%2D{TOKEN}/)", f"/news/2026/11/20/slug%2D{TOKEN}/", id="percent-encoded"
    ),
    pytest.param(
        f'<a href="..\\..\\..\\11\\20\\slug-{TOKEN}\\">backslashes</a>',
        f"..\\..\\..\\11\\20\\slug-{TOKEN}\\",
        id="backslashes",
    ),
    pytest.param(
        f"[case](/News/2026/11/20/Slug-{TOKEN.upper()}/)", f"/News/2026/11/20/Slug-{TOKEN.upper()}/", id="path-case"
    ),
    pytest.param(f'<img alt="x" srcset="/{HELD_URL}index.html 2x">', f"/{HELD_URL}index.html", id="srcset"),
    pytest.param(f'<blockquote cite="/{HELD_URL}">Quoted.</blockquote>', f"/{HELD_URL}", id="cite-attribute"),
    pytest.param(
        f'<a href="http://newsroom.example.org/news/./2026/../2026/11/20/slug-{TOKEN}">dots</a>',
        f"http://newsroom.example.org/news/./2026/../2026/11/20/slug-{TOKEN}",
        id="dot-segments",
    ),
    pytest.param(
        f'<a href="/press_releases/{HELD_FILE}">file from the root</a>',
        f"/press_releases/{HELD_FILE}",
        id="file-from-root",
    ),
    pytest.param(
        f'<a href="../../../11/20/slug-{TOKEN}/\n">newline</a>', f"../../../11/20/slug-{TOKEN}/\n", id="newline-inside"
    ),
]


@pytest.mark.parametrize(("body", "address"), HELD_SPELLINGS)
def test_a_link_to_a_held_release_fails_the_build_in_every_spelling(archive, body, address):
    source = body_release(archive, f"Intro.\n\n{body}\n")
    archive.failing_build(f"{source}:9: links to {address.strip()}", HELD)


def test_a_link_to_a_held_release_by_its_file_in_raw_html_is_left_out_like_a_markdown_one(archive):
    body_release(archive, f'Read <a href="{HELD_FILE}">the next one</a> and [this]({HELD_FILE}).\n')
    build = archive.build()
    assert build.returncode == 0, build.log
    page = build.html("news/2026/10/02/under-test/")
    assert page.xpath("//div[@class='nr-body']//a") == []
    assert "Read the next one and this." in page.xpath("string(//div[@class='nr-body'])")
    assert TOKEN not in build.text("news/2026/10/02/under-test/")


def test_text_inside_code_is_never_a_link(archive):
    body_release(archive, f'Write `<a href="../../../11/20/slug-{TOKEN}/">` or:\n\n    <a href="x/">code</a>\n')
    build = archive.build()
    assert build.returncode == 0, build.log
    body = build.html("news/2026/10/02/under-test/").xpath("//div[@class='nr-body']")[0]
    assert body.xpath(".//a") == []
    assert f'<a href="../../../11/20/slug-{TOKEN}/">' in body.xpath("string(.//code)")
    item = json.loads(build.text("feed.json"))["items"][0]
    assert '&lt;a href="x/"&gt;' in item["content_html"], "a code sample is not rewritten as a link"
    assert f"{SITE}/news/2026/10/02/under-test/x/" not in item["content_html"]


# -- active and remote content in bodies -----------------------------------------------------------

BAD_BODIES = [
    pytest.param("<script>alert(1)</script>", "raw HTML <script> is not allowed in a body", id="script"),
    pytest.param(
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "raw HTML <script> is not allowed in a body",
        id="script-upper-case",
    ),
    pytest.param(
        '<img src="x.png" onerror="alert(1)" alt="x">',
        'the attribute onerror="…" on <img> would run a script',
        id="event-handler",
    ),
    pytest.param(
        "[click](javascript:alert(1))",
        "the address 'javascript:alert(1)' (javascript:) is not allowed",
        id="javascript-link",
    ),
    pytest.param(
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        "the address 'JaVaScRiPt:alert(1)' (javascript:) is not allowed",
        id="javascript-spelled",
    ),
    pytest.param(
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "the address 'data:text/html,<script>alert(1)</script>' (data:) is not allowed",
        id="data-url",
    ),
    pytest.param(
        "![pixel](https://tracker.example/p.png)",
        "<img> loads 'https://tracker.example/p.png' from another host (tracker.example)",
        id="remote-image",
    ),
    pytest.param(
        "![pixel](//tracker.example/p.png)",
        "<img> loads '//tracker.example/p.png' from another host (tracker.example)",
        id="scheme-relative-image",
    ),
    pytest.param(
        '<video src="https://cdn.example/v.mp4" controls></video>',
        "<video> loads 'https://cdn.example/v.mp4' from another host (cdn.example)",
        id="remote-video",
    ),
    pytest.param(
        '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        "raw HTML <iframe> is not allowed in a body",
        id="iframe",
    ),
    pytest.param(
        '<object data="https://evil.example/x.swf"></object>', "raw HTML <object> is not allowed", id="object"
    ),
    pytest.param('<embed src="https://evil.example/x.swf">', "raw HTML <embed> is not allowed", id="embed"),
    pytest.param(
        "<style>body{background:url(https://evil.example/)}</style>",
        "raw HTML <style> is not allowed",
        id="style-element",
    ),
    pytest.param(
        '<form action="https://evil.example/"><input name="q"></form>', "raw HTML <form> is not allowed", id="form"
    ),
    pytest.param(
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        "raw HTML <meta> is not allowed",
        id="meta-refresh",
    ),
    pytest.param('<svg onload="alert(1)"></svg>', "raw HTML <svg> is not allowed", id="inline-svg"),
    pytest.param('<base href="https://evil.example/">', "raw HTML <base> is not allowed", id="base"),
    pytest.param(
        "See [the letter](2019-12-10-missing-letter.md).",
        "links to '2019-12-10-missing-letter.md', which is not a page or file of the site "
        "(looked for press_releases/2019-12-10-missing-letter.md)",
        id="broken-link",
    ),
    pytest.param(
        "![map](images/missing-map.png)",
        "links to 'images/missing-map.png', which is not a page or file of the site",
        id="missing-image",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODIES)
def test_active_or_remote_content_in_a_body_fails_the_build_at_its_line(archive, body, message):
    source = body_release(archive, f"Intro.\n\n{body}\n")
    archive.failing_build(f"{source}:9: {message}")


def test_a_problem_is_named_at_its_line_not_at_a_code_sample_showing_it(archive):
    source = body_release(
        archive,
        "Write `<script>` or `javascript:` to show them.\n\n"
        '<a href="java&#x09;script:alert(1)">x</a>\n\n<script>alert(1)</script>\n',
    )
    archive.failing_build(  # and `make check` with the same messages
        f"{source}:9: the address 'java\\u0009script:alert(1)' (javascript:) is not allowed",
        f"{source}:11: raw HTML <script> is not allowed",
    )


def test_a_control_character_written_as_a_reference_in_an_attribute_is_shown_escaped(archive):
    """Each problem is one line of the log: a newline an attribute holds is not printed as one."""
    source = body_release(
        archive,
        '<img src="https://tracker.example/p&#x0A;.png" alt="x">\n\n<p id="__con&#x0A;fig">x</p>\n',
    )
    build = archive.failing_build(
        f"{source}:7: <img> loads 'https://tracker.example/p\\u000a.png' from another host",
        f"{source}:9: the id '__con\\u000afig'",
    )
    for line in build.log.splitlines():
        assert not line.startswith(("  .png", ".png", "fig")), build.log


def test_every_problem_of_every_body_is_listed_together(archive):
    first = body_release(archive, "<script>alert(1)</script>\n")
    second = body_release(archive, "Fine.\n\n![x](https://tracker.example/p.png)\n", name="2026-10-03-other.md")
    archive.failing_build(
        "2 problems in the press releases:", f"{first}:7: raw HTML <script>", f"{second}:9: <img> loads"
    )


def test_a_host_listed_in_embed_hosts_may_be_embedded(archive):
    archive.newsroom(embed_hosts=["www.youtube-nocookie.com"])
    body_release(
        archive,
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="A video"></iframe>\n\n'
        "![chart](https://www.youtube-nocookie.com/chart.png)\n",
    )
    build = archive.build()
    assert build.returncode == 0, build.log
    page = build.html("news/2026/10/02/under-test/")
    assert page.xpath("//div[@class='nr-body']//iframe/@src") == ["https://www.youtube-nocookie.com/embed/x"]


def test_links_to_other_sites_and_style_rules_are_handled_by_the_sanitizer(archive):
    body_release(
        archive,
        '<p style="background: url(https://evil.example/x.png); text-align: center">'
        'See <a href="https://other.example/page">the report</a>.</p>\n\n'
        "<marquee>old</marquee> <u>underlined</u>\n",
    )
    build = archive.build()
    assert build.returncode == 0, build.log
    body = build.html("news/2026/10/02/under-test/").xpath("//div[@class='nr-body']")[0]
    assert body.xpath(".//a/@href") == ["https://other.example/page"]
    assert body.xpath(".//p/@style") == ["text-align:center"]
    assert "evil.example" not in build.text("news/2026/10/02/under-test/")
    assert body.xpath(".//marquee") == [] and "old" in body.text_content()


# -- the site's Markdown extensions run on every body: none may read files or run code ----------

#: What mkdocs.yml often holds on a Material site: every function here only formats text.
MATERIAL_EXTENSIONS = [
    "admonition",
    "pymdownx.details",
    {
        "pymdownx.superfences": {
            "custom_fences": [
                {"name": "mermaid", "class": "mermaid", "format": PythonName("pymdownx.superfences.fence_code_format")}
            ]
        }
    },
    {"pymdownx.tabbed": {"alternate_style": True}},
    {
        "pymdownx.emoji": {
            "emoji_index": PythonName("material.extensions.emoji.twemoji"),
            "emoji_generator": PythonName("material.extensions.emoji.to_svg"),
        }
    },
    {"pymdownx.arithmatex": {"generic": True}},
    {"pymdownx.highlight": {"anchor_linenums": True}},
    "pymdownx.inlinehilite",
    {"markdown.extensions.toc:TocExtension": {"permalink": True}},
]


def extension_problems(names, configs=None, reviewed=()):
    return extensions.check(names, configs or {}, set(reviewed))


def test_extensions_that_read_files_or_run_code_are_refused_whatever_the_settings_say():
    snippets = extension_problems(["toc", "pymdownx.snippets"], reviewed=["pymdownx.snippets"])
    assert snippets == [
        "mkdocs.yml: markdown_extensions: 'pymdownx.snippets' reads files of the machine that builds the site into "
        'the page: a release holding --8<-- ".git/config" would publish that file (in CI, the checkout\'s '
        ".git/config holds its access token), and with url_download, fetches any address a release names. Every "
        "release is converted with the site's extensions, so it cannot be one of them: remove it"
    ]
    assert "'pymdownx.b64' reads image files" in extension_problems(["pymdownx.b64"])[0]
    assert "'markdown_include.include' reads files" in extension_problems(["markdown_include.include"])[0]

    def formatter(source, language, class_name, options, md, **kwargs):  # as markdown-exec's
        return ""

    formatter.__module__ = "markdown_exec._internal.formatters.python"
    fence = {"pymdownx.superfences": {"custom_fences": [{"name": "python", "class": "x", "format": formatter}]}}
    assert extension_problems(["pymdownx.superfences"], fence, reviewed=[f"{formatter.__module__}.formatter"]) == [
        "mkdocs.yml: markdown_extensions: pymdownx.superfences: custom_fences[0].format: 'markdown_exec._internal."
        "formatters.python.test_extensions_that_read_files_or_run_code_are_refused_whatever_the_settings_say.<locals>."
        "formatter' runs the code of a release's fenced blocks on the machine that builds the site. Every release is "
        "converted with the site's extensions, so it cannot be used: remove it"
    ]


def test_an_extension_or_a_function_the_newsroom_does_not_know_must_be_reviewed():
    unknown = "mkdocs.yml: markdown_extensions: 'my_org.markdown' is not an extension the newsroom knows"
    advice = "list 'my_org.markdown' under extra.newsroom.reviewed_extensions; otherwise remove it"
    (problem,) = extension_problems(["my_org.markdown"])
    assert problem.startswith(unknown) and problem.endswith(advice)
    assert extension_problems(["my_org.markdown"], reviewed=["my_org.markdown"]) == []
    assert extension_problems(["my_org.markdown:Extension"], reviewed=["my_org.markdown"]) == []
    # A function given in the settings: found at any depth, in a partial too, by its real name.
    fence = {"custom_fences": [{"name": "run", "class": "run", "format": os.system}]}
    (problem,) = extension_problems(["pymdownx.superfences"], {"pymdownx.superfences": fence})
    assert problem.startswith(
        "mkdocs.yml: markdown_extensions: pymdownx.superfences: custom_fences[0].format: 'posix.system' is not a "
        "function the newsroom knows to only format text, and it is handed the text of every release"
    )
    assert problem.endswith("list 'posix.system' under extra.newsroom.reviewed_extensions; otherwise remove it")
    assert extension_problems(["pymdownx.superfences"], {"pymdownx.superfences": fence}, ["posix.system"]) == []
    with pytest.raises(SettingsError, match="reviewed_extensions: expected a list of extension names such as"):
        Settings.from_mapping(Path("."), {"reviewed_extensions": "my_org.markdown"})
    hidden = {"toc": {"slugify": functools.partial(pymdownx.slugs.slugify(case="lower"), sep=os.popen)}}
    (problem,) = extension_problems(["toc"], hidden)
    assert "toc: slugify(…).sep: 'os.popen' is not a function" in problem


def test_python_markdown_pymdown_and_materials_usual_extensions_are_accepted():
    names = [item if isinstance(item, str) else next(iter(item)) for item in MATERIAL_EXTENSIONS]
    configs = {
        name: {key: (resolved(value)) for key, value in item[name].items()}
        for item in MATERIAL_EXTENSIONS
        if isinstance(item, dict)
        for name in item
    }
    assert extension_problems([*names, "tables", "fenced_code", "footnotes", "attr_list"], configs) == []
    slugs = {"pymdownx.tabbed": {"slugify": pymdownx.slugs.slugify(case="lower")}}
    assert extension_problems(["pymdownx.tabbed"], slugs) == []


def resolved(value):
    """A setting as MkDocs hands it on: each ``!!python/name`` the function it names."""
    if isinstance(value, PythonName):
        module, _, name = value.rpartition(".")
        return getattr(importlib.import_module(module), name)
    if isinstance(value, list):
        return [resolved(item) for item in value]
    if isinstance(value, dict):
        return {key: resolved(item) for key, item in value.items()}
    return value


def test_an_extension_that_would_publish_the_checkouts_token_fails_the_build(archive):
    (archive.path / ".git").mkdir()
    (archive.path / ".git/config").write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0dG9rZW4=\n")
    body_release(archive, 'Our statement:\n\n--8<-- ".git/config"\n')
    archive.config["markdown_extensions"] = [*archive.config["markdown_extensions"], "pymdownx.snippets"]
    archive.failing_build("mkdocs.yml: markdown_extensions: 'pymdownx.snippets' reads files of the machine")
    fence = {"name": "run", "class": "run", "format": PythonName("os.system")}
    archive.config["markdown_extensions"] = [*MATERIAL_EXTENSIONS, {"pymdownx.superfences": {"custom_fences": [fence]}}]
    archive.failing_build("pymdownx.superfences: custom_fences[0].format: 'posix.system' is not a function")
    # Material's usual extensions convert releases; the text of the include is only text.
    archive.config["markdown_extensions"] = MATERIAL_EXTENSIONS
    build = archive.build()
    assert build.returncode == 0, build.log
    body = build.html("news/2026/10/02/under-test/").xpath("//div[@class='nr-body']")[0]
    assert "--8<--" in body.text_content() and "c2VjcmV0dG9rZW4" not in build.text("news/2026/10/02/under-test/")


def test_a_hand_written_page_is_held_to_the_same_rules(archive):
    archive.doc("about.md", "# About\n\nWho we are.\n\n<script>alert(1)</script>\n")
    archive.failing_build("docs/about.md:5: raw HTML <script> is not allowed in a body")


def test_a_symlink_in_docs_leading_out_of_the_project_fails_the_build(archive, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("CI_TOKEN=abc\n")
    (archive.path / "docs" / "env.txt").symlink_to(secret)
    archive.failing_build(f"docs/env.txt: the file is a symbolic link to '{secret}', outside the project")


def test_a_file_in_docs_named_to_read_otherwise_fails_the_build(archive):
    # "photo<U+202E>gnp.exe" shows as "photoexe.png": refused in docs/ as among the releases.
    (archive.path / "docs" / "photo\u202egnp.exe").write_bytes(b"MZ")
    archive.failing_build(
        "docs/photo\\u202egnp.exe: the name holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"
    )


# -- publishing ----------------------------------------------------------------------------------


def test_a_build_that_fails_after_writing_pages_leaves_the_published_site_as_it_was(archive):
    """Pagefind fails at the very end, after pages, feeds and the sitemap were written."""
    archive.failing_build(
        "The search index could not be built", env={"PAGEFIND_BINARY_PATH": "/bin/false"}, check=False
    )


def test_a_strict_warning_leaves_the_published_site_as_it_was(archive):
    archive.doc("about.md", "# About\n\nSee [the missing page](missing.md).\n")
    archive.failing_build("contains a link 'missing.md', but the target is not found among documentation files")


def test_a_good_build_replaces_the_site_and_leaves_no_scratch(archive, tmp_path):
    site = archive.path / "site"
    (site / "stale").mkdir(parents=True)
    (site / "stale" / "index.html").write_text("a page the archive no longer has")
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    (archive.path / f".site.newsroom-{dead}-new").mkdir()
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    if shm:
        (shm / f"newsroom-search-{dead}-abc").mkdir(exist_ok=True)
    build = archive.build()
    assert build.returncode == 0, build.log
    assert build.exists("news/2026/10/01/public/") and not (site / "stale").exists()
    # The site it replaced is removed by a process of its own, which may still be at work.
    deadline = time.monotonic() + 60
    while [p for p in archive.path.iterdir() if ".newsroom-" in p.name] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.name for p in archive.path.iterdir() if ".newsroom-" in p.name] == []
    if shm:
        assert not (shm / f"newsroom-search-{dead}-abc").exists(), "a killed build's search scratch is removed"


def test_the_replaced_site_is_removed_apart_and_what_a_killed_remover_left_by_the_next_build(archive, tmp_path):
    from newsroom import publish

    folder = tmp_path / "published"
    old = folder / ".site.newsroom-1-new"
    (old / "news").mkdir(parents=True)
    (old / "news" / "index.html").write_text("the replaced site")
    publish.remove_later(old)
    assert not old.exists(), "renamed away at once: a new build may reuse the name"
    deadline = time.monotonic() + 60
    while list(folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(folder.iterdir()) == []

    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    left = archive.path / f".site.newsroom-{dead}-new-old-0123abcd"
    (left / "news").mkdir(parents=True)
    build = archive.build()
    assert build.returncode == 0, build.log
    assert not left.exists()
    deadline = time.monotonic() + 60  # removed by a process of its own, which may still be at work
    while [p for p in archive.path.iterdir() if ".newsroom-" in p.name] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.name for p in archive.path.iterdir() if ".newsroom-" in p.name] == []


def test_what_a_dead_build_left_is_removed_by_a_process_of_its_own_and_one_at_work_left_to_it(tmp_path, monkeypatch):
    """A whole site left behind (a killed build, a killed remover) is not deleted while the next
    build waits: it is renamed away and handed to a remover, which names it after itself, so that a
    build meeting it at work leaves it alone."""
    import os
    import shutil
    import subprocess
    import sys

    from newsroom import publish

    prefix = ".site.newsroom-"
    dead = 2**22 + 12345  # above Linux's default pid_max: no such process
    left = tmp_path / f"{prefix}{dead}-new"
    (left / "news").mkdir(parents=True)
    (left / "news" / "index.html").write_text("a site a killed build left")
    (tmp_path / f"{prefix}{dead}-written-0123").write_text("a file a killed build left")
    at_work = tmp_path / f"{prefix}{os.getppid()}-old"  # a running process's: a remover at work
    (at_work / "news").mkdir(parents=True)
    (tmp_path / "site").mkdir()
    started: list[list[str]] = []
    monkeypatch.setattr(publish.subprocess, "Popen", lambda argv, **kwargs: started.append(argv))

    publish.remove_stale(tmp_path, prefix)

    assert len(started) == 1, "one remover, for the one folder a dead build left"
    *_, doomed, given = started[0]
    assert given == prefix
    assert Path(doomed).parent == tmp_path and Path(doomed).name.startswith(f"{prefix}{dead}-new-old-")
    assert (Path(doomed) / "news" / "index.html").read_text() == "a site a killed build left", "not deleted here"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([Path(doomed).name, at_work.name, "site"])

    # The remover: below the build's priority, it names the folder after itself, then deletes it.
    removed: list[str] = []
    monkeypatch.setattr(shutil, "rmtree", lambda path, ignore_errors=False: removed.append(path))
    monkeypatch.setattr(os, "nice", lambda step: step)
    monkeypatch.setattr(sys, "argv", ["-c", doomed, prefix])
    exec(publish.REMOVER, {})  # the program the remover's process runs
    own = tmp_path / f"{prefix}{os.getpid()}-old"
    assert removed == [str(own)]
    assert (own / "news" / "index.html").is_file()
    monkeypatch.undo()
    subprocess.run([sys.executable, "-c", publish.REMOVER, str(own), prefix], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([at_work.name, "site"])


def test_the_site_a_build_replaced_is_named_after_its_remover(tmp_path, monkeypatch):
    """So that a build just after it (the next hour's, or ``make serve``'s) leaves it to its remover."""
    from newsroom import publish

    final = tmp_path / "site"
    (final / "news").mkdir(parents=True)
    staging = publish.Staging.begin(final)
    (staging.folder / "news").mkdir(parents=True)
    started: list[list[str]] = []
    popen = publish.subprocess.Popen

    def remover(argv, **kwargs):  # others (ctypes looking for libc) run
        return started.append(argv) if publish.REMOVER in argv else popen(argv, **kwargs)

    monkeypatch.setattr(publish.subprocess, "Popen", remover)
    assert staging.commit() == "swapped in whole"
    assert len(started) == 1 and started[0][-1] == ".site.newsroom-"
    assert Path(started[0][-2]).is_dir(), "the replaced site, renamed away, left to the remover"


def test_where_no_process_can_be_started_the_replaced_site_is_removed_at_once(tmp_path, monkeypatch):
    from newsroom import publish

    def refuse(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(publish.subprocess, "Popen", refuse)
    old = tmp_path / ".site.newsroom-1-new"
    (old / "a").mkdir(parents=True)
    publish.remove_later(old)
    assert list(tmp_path.iterdir()) == []


def test_check_passes_on_a_good_archive_and_writes_nothing(archive):
    checked = archive.check()
    assert checked.returncode == 0, checked.stderr
    assert "2 releases are valid: 1 published at 2026-11-01T09:00:00+09:00, 1 held back" in checked.stdout
    assert not (archive.path / "site").exists()


# -- what the site writes itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "owner"),
    [
        ("404.html", "the site itself (the 404 page)"),
        ("search/", "the site itself"),
        ("sitemap.xml.gz", "the site itself (the sitemap)"),
        ("media/thumbnails/x.jpg", "the site itself (thumbnails)"),
        ("countries/", "the site itself"),
    ],
)
def test_an_alias_may_not_take_an_address_the_site_writes(archive, alias, owner):
    source = body_release(archive, "Fine.", aliases=[alias])
    archive.failing_build(f"{source}:5: field 'aliases': the old address '{alias}' is already taken by {owner}")


def test_a_hand_written_page_at_a_releases_address_fails_the_build(archive):
    archive.doc("news/2026/10/01/public.md", "# Not the release\n")
    archive.failing_build(
        "docs/news/2026/10/01/public.md: is at news/2026/10/01/public/, the address of "
        "press_releases/2026-10-01-public.md"
    )


def test_a_file_in_docs_where_the_site_writes_its_own_fails_the_build_instead_of_vanishing(archive):
    # Each would be replaced, without a word, by what the site writes there after MkDocs copied it
    # (robots.txt is not: the site's keeps a hand-written one's rules, ``test_news_sitemap``).
    archive.newsroom(languages=["en", "ko"])
    for name in ("feed.xml", "ko/feed.json", "_headers", "news-sitemap.xml", "countries/south-korea/atom.xml"):
        (archive.path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (archive.path / "docs" / name).write_text("hand-written\n")
    archive.release(
        "2026-09-30-tagged.md",
        release_text(
            title="Tagged", date="2026-09-30T09:00", countries=["South Korea"], body="![A map](images/map.png)"
        ),
    )
    archive.asset("images/map.png")
    archive.doc("media/images/map.png", "not the map\n")
    archive.failing_build(
        "6 problems in the hand-written pages:\n",
        "docs/media/images/map.png: is published at media/images/map.png, where press_releases/images/map.png is; "
        "move or rename it",
        "docs/_headers: is published at _headers, where the site itself (the headers file) is written; move or "
        "rename it",
        "docs/countries/south-korea/atom.xml: is published at countries/south-korea/atom.xml, where the site itself "
        "(a feed) is written",
        "docs/feed.xml: is published at feed.xml, where the site itself (a feed) is written",
        "docs/news-sitemap.xml: is published at news-sitemap.xml, where the site itself (the news sitemap) is written",
        "docs/ko/feed.json: is published at ko/feed.json, where the site itself (a feed) is written",
    )
    # With a release's problem too, the count says where both are.
    for name in ("feed.xml", "ko/feed.json", "_headers", "news-sitemap.xml", "countries/south-korea/atom.xml"):
        (archive.path / "docs" / name).unlink()
    (archive.path / "docs/media/images/map.png").unlink()
    body_release(archive, "<script>alert(1)</script>\n")
    archive.doc("about.md", "# About\n\n<script>alert(1)</script>\n")
    archive.failing_build("2 problems in the press releases and the hand-written pages:\n")


def _wait_for_serve(log: Path, condition, what: str) -> None:
    """Wait up to a minute for ``condition`` of a `mkdocs serve` whose log is ``log``."""
    import time

    for _ in range(600):
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"mkdocs serve: {what}\n{log.read_text()}")


def test_serve_keeps_the_last_good_preview_on_a_bad_edit_and_shows_the_problem(archive, tmp_path):
    import urllib.request

    from lxml import html as lxml_html

    log = tmp_path / "serve.log"
    wait_for = functools.partial(_wait_for_serve, log)

    with log.open("w") as out, archive.serving(out) as base:

        def fetch() -> str:
            """The release's article (the navigation of a --dirty preview may differ: MkDocs' own limit)."""
            page = lxml_html.fromstring(urllib.request.urlopen(f"{base}news/2026/10/01/public/", timeout=5).read())
            return lxml_html.tostring(page.xpath("//article")[0], encoding="unicode")

        def answers() -> bool:
            try:
                return "Public" in fetch()
            except OSError:
                return False

        wait_for(answers, "did not answer")
        good = fetch()
        archive.release(
            "2026-10-01-public.md", "---\ntitle: Public, edited\ndate: March 5\nsummary: S.\n---\n\nText.\n"
        )
        wait_for(lambda: "expected an ISO 8601 date" in log.read_text(), "did not show the problem")
        assert (
            "press_releases/2026-10-01-public.md:3: field 'date': expected an ISO 8601 date such as "
            "2020-03-05 or a date-time such as 2020-03-05T09:00+09:00, got 'March 5'"
        ) in log.read_text()
        assert fetch() == good, "the last good preview is still served, and the server is not stuck"
        archive.release("2026-10-01-public.md", release_text(title="Public", date="2026-10-01T09:00"))
        body_release(archive, "Fine.\n\n<script>alert(1)</script>\n")
        wait_for(lambda: "raw HTML <script> is not allowed" in log.read_text(), "did not show the body's problem")
        assert "press_releases/2026-10-02-under-test.md:9: raw HTML <script> is not allowed" in log.read_text()
        assert fetch() == good


def test_serve_stops_a_body_markdown_would_take_hours_to_convert(archive, tmp_path, monkeypatch):
    """`make serve` stops a body that would hold its rebuild for hours, as a build does, and
    the preview goes on."""
    import time
    import urllib.request

    monkeypatch.setenv("NEWSROOM_CONVERT_SECONDS", "1")
    log = tmp_path / "serve.log"
    wait_for = functools.partial(_wait_for_serve, log)

    with log.open("w") as out, archive.serving(out) as base:

        def answers(text: str) -> bool:
            try:
                return text in urllib.request.urlopen(f"{base}news/2026/10/02/under-test/", timeout=5).read().decode()
            except OSError:
                return False

        body_release(archive, "Fine.\n")
        wait_for(lambda: answers("Fine."), "did not show the release")
        started = time.monotonic()
        source = body_release(archive, "[" * 20_000 + "\n")  # 45 to 90 s of Markdown's time, unstopped
        wait_for(lambda: "processor time to convert" in log.read_text(), "did not stop the body")
        assert time.monotonic() - started < 30
        assert f"{source}:7: the body took more than 1 s of processor time to convert to HTML" in log.read_text()
        wait_for(lambda: "Reloading browsers" in log.read_text(), "did not end the rebuild")
        body_release(archive, "Fine again.\n")
        wait_for(lambda: answers("Fine again."), "did not go on after the slow body")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            "".join("    " * i + "- item\n" for i in range(260)),
            "the body cannot be converted: its lists or quotes are nested too deeply",
            id="nested-lists",
        ),
        pytest.param(
            "<div>" * 300 + "deep text" + "</div>" * 300,
            "the body's HTML is nested more than 200 elements deep; part of it would be lost",
            id="nested-html",
        ),
    ],
)
def test_a_body_nested_too_deeply_fails_the_build_instead_of_losing_text(archive, body, message):
    source = body_release(archive, body)
    archive.failing_build(f"{source}:7: {message}")


def test_one_parse_gives_the_page_the_feeds_and_the_search_their_own_forms_of_a_body():
    from newsroom.bodies import Bodies, Policy, Source, Targets
    from newsroom.links import HeldLinks

    site_url = f"{SITE}/"
    bodies = Bodies(
        Policy(site_url),
        HeldLinks([], "press_releases", site_url),
        Targets(
            {
                "press_releases/2019-12-10-letter.md": "news/2019/12/10/letter/",
                "press_releases/images/map.png": "media/images/map.png",
            }
        ),
        ["toc", "attr_list", "tables"],
        {"toc": {"permalink": True}},
    )
    text = (
        "## Part one\n\nBody <em>text</em> &amp; more, see [the letter](2019-12-10-letter.md#end)\n"
        "and ![the map](images/map.png).\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n"
    )
    rendered = bodies.render(Source("press_releases/2020-03-03-x.md", "news/2020/03/03/x/", text, 7))
    assert rendered.problems == []
    assert rendered.referenced == {"press_releases/2019-12-10-letter.md", "press_releases/images/map.png"}
    assert 'href="../../../../2019/12/10/letter/#end"' in rendered.html
    assert 'src="../../../../../media/images/map.png"' in rendered.html
    assert 'class="headerlink"' in rendered.html and 'style="text-align:left"' in rendered.html
    assert rendered.feed_html is not None, "no feed list given: every body gets its feed form"
    assert f'href="{SITE}/news/2019/12/10/letter/#end"' in rendered.feed_html
    assert f'src="{SITE}/media/images/map.png"' in rendered.feed_html
    assert "headerlink" not in rendered.feed_html
    assert rendered.text.splitlines() == ["Part one", "Body text & more, see the letter and .", "a", "b", "1", "2"]
    assert rendered.anchors == {"part-one"}
    bodies.feed_sources = set()  # a body no feed shows gets no feed form, and the same page and text
    without_feed = bodies.render(Source("press_releases/2020-03-03-x.md", "news/2020/03/03/x/", text, 7))
    assert without_feed.feed_html is None
    assert (without_feed.html, without_feed.text) == (rendered.html, rendered.text)


def test_a_page_saved_with_another_markdown_extension_is_never_published_ungated(archive):
    archive.release("2026-10-05-secret.markdown", release_text(title=f"Ungated {TOKEN}", date="2026-10-05", draft=True))
    archive.failing_build("press_releases/2026-10-05-secret.markdown")
    archive.release("2026-10-05-secret.markdown", "")
    (archive.releases / "2026-10-05-secret.markdown").unlink()
    build = archive.build()
    assert build.returncode == 0, build.log
    assert not (build.site / "media" / "2026-10-05-secret.markdown").exists()


def test_a_symlinked_folder_in_docs_leading_out_of_the_project_fails_the_build(archive, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.md").write_text("# Secret\n")
    (archive.path / "docs" / "linked").symlink_to(outside)
    archive.failing_build("docs/linked/leak.md: the file lies outside the project")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.html", b"<script>alert(document.cookie)</script>"),
        ("images/chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ],
)
def test_a_file_a_browser_would_run_as_a_page_is_never_published(archive, name, data):
    archive.asset(name, data)
    source = body_release(archive, f"Intro.\n\nSee [the file]({name}).\n")
    archive.failing_build(f"{source}:9: links to '{name}', a file browsers run as a page of the site")


def test_a_hand_written_page_that_asks_to_be_held_back_fails_the_build(archive):
    archive.doc("upcoming.md", "---\ntitle: Upcoming\nembargo: 2030-01-01\n---\n\nNot yet.\n")
    archive.failing_build("docs/upcoming.md:3: field 'embargo': a hand-written page in docs/ is published as it is")


def test_edit_links_are_percent_encoded(project):
    project.release("2021-01-01-a#b ?c.md", release_text(title="Odd name", date="2021-01-01"))
    build = project.build()
    assert build.returncode == 0, build.log
    edit = build.html("news/2021/01/01/a-b-c/").xpath("//a[@rel='edit']/@href")
    assert edit == ["https://github.com/example/newsroom/edit/main/press_releases/2021-01-01-a%23b%20%3Fc.md"]
