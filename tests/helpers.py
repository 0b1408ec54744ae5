"""What several test files share besides fixtures (those, and the project builder, are in conftest.py)."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import posixpath
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml

from conftest import FIXTURES, ROOT, Project, unavailable

#: The fixture archive: 60 releases over 2018-2021.
ARCHIVE = FIXTURES / "archive"
SEOUL = ZoneInfo("Asia/Seoul")
AXE = ROOT / "node_modules/axe-core/axe.min.js"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def serious_violations(page, where: str) -> list[str]:
    """axe's serious and critical violations on the page open in ``page`` (``where`` names it in each)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a script tag: the pages' policy refuses it
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{where}: {v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def run_import(project: Project, source: Path | str, *args: str) -> subprocess.CompletedProcess:
    """`python -m newsroom import source ...` in the project, as `make import` runs it."""
    (project.path / "mkdocs.yml").write_text(yaml.safe_dump(project.config, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks")}
    command = [sys.executable, "-m", "newsroom", "-f", str(project.path / "mkdocs.yml"), "import", str(source)]
    return subprocess.run([*command, *args], cwd=project.path, env=env, capture_output=True, text=True)


def front_of(path: Path) -> dict:
    """The front matter of a release file."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def imported_ids(project: Project) -> dict[str, Path]:
    """The releases an import wrote, by the id of the item they came from."""
    return {front_of(p)["extra"]["imported"]["id"]: p for p in sorted(project.releases.glob("*.md"))}


def header_search(page, query: str) -> dict[str, str]:
    """Type ``query`` into the header box and wait for its results: each title listed, with its excerpt."""
    page.goto(page.base)
    page.focus("#nr-search-input")
    page.keyboard.type(query)
    page.wait_for_function(
        "() => /^(No results|\\d+ results?)$/.test(document.querySelector('#nr-search-status').textContent)"
    )
    titles = page.locator("#nr-search-list .nr-search__title").all_inner_texts()
    excerpts = page.locator("#nr-search-list .nr-search__excerpt").all_inner_texts()
    return dict(zip(titles, excerpts, strict=True))


def broken_links(build: Any) -> list[str]:
    """Every link, stylesheet, image or script address of a built site's pages that leads to no
    file of the site ('page: address')."""
    broken = []
    for path in build.pages():
        url = str(path.relative_to(build.site))
        for link in build.html(url).xpath("//a/@href | //link/@href | //img/@src | //script/@src"):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if parts.path.startswith("/"):  # the 404 page links from the site root
                target = parts.path.lstrip("/") or "."
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(url), parts.path))
            resolved = build.site / target
            if not (resolved.is_file() or (resolved / "index.html").is_file()):
                broken.append(f"{url}: {link}")
    return broken


def html_errors(files: list[str]) -> list[str]:
    """What the Nu HTML Checker finds wrong in ``files`` (``page:line: message``); the test is
    skipped, saying why, where the checker or Java is missing (a failure in CI)."""
    if not VNU.exists():
        unavailable("the Nu HTML Checker needs `npm ci` (make test runs it)")
    if not shutil.which("java"):
        unavailable("the Nu HTML Checker needs Java (Debian: default-jre-headless)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *files], capture_output=True, text=True
    )
    assert result.stderr.strip(), f"the Nu HTML Checker gave no report (exit {result.returncode}): {result.stdout}"
    errors = [
        f"{m.get('url', '').split('/site/')[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(result.stderr)["messages"]
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors or result.returncode == 0, result.stderr
    return errors


def fixture_releases() -> list[dict]:
    """Every fixture release's front matter, newest first, with its URL."""
    found = []
    for path in sorted(ARCHIVE.glob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        when = front["date"] if isinstance(front["date"], datetime) else datetime.fromisoformat(front["date"])
        when = when.replace(tzinfo=SEOUL)
        slug = path.stem[11:]
        front.update(
            name=path.name,
            when=when,
            url=f"news/{when:%Y/%m/%d}/{slug}/",
            countries=[" ".join(c.split()).title() if c.islower() else c for c in front["countries"]],
        )
        found.append(front)
    return sorted(found, key=lambda r: (r["when"], r["name"]), reverse=True)


#: The fixture archive's releases, computed with plain YAML, independently of the newsroom's own reader.
RELEASES = fixture_releases()


def all_output_text(site: Path) -> dict[str, str]:
    """Every file of the built site as text, compressed files (Pagefind's, .gz) uncompressed."""
    found = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            with contextlib.suppress(OSError):
                data = gzip.decompress(data)
        found[str(path.relative_to(site))] = data.decode("utf-8", errors="replace")
    return found


def leaks(site: Path, token: str) -> list[str]:
    """The files of the built site whose name or text holds ``token`` (any case)."""
    hits = [name for name, text in all_output_text(site).items() if token in text.lower() or token in name.lower()]
    return sorted(hits)


def png(width: int, height: int) -> bytes:
    """A real PNG of the given size (its header is what the build reads)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 80, 120)).save(out, format="PNG")
    return out.getvalue()
