"""Shared fixtures: real projects built by the real `mkdocs build`, and a real Chromium.

A test makes a project in a temporary folder (the repository's mkdocs.yml,
hooks, theme and docs, with its own releases), builds it as an editor would,
and looks at what came out.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import resource
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
#: Every test build runs at this moment unless it says otherwise (see NEWSROOM_NOW).
NOW = "2026-11-01T00:00:00Z"

sys.path.insert(0, str(ROOT / "hooks"))


@dataclass
class Build:
    """The outcome of one `mkdocs build`."""

    site: Path
    returncode: int
    log: str

    def path(self, url: str) -> Path:
        """The file serving ``url`` (a path relative to the site root)."""
        target = self.site / url
        return target / "index.html" if url == "" or url.endswith("/") else target

    def exists(self, url: str) -> bool:
        return self.path(url).is_file()

    def text(self, url: str) -> str:
        return self.path(url).read_text(encoding="utf-8")

    def html(self, url: str):
        """The page at ``url`` parsed with lxml."""
        return lxml_html.fromstring(self.path(url).read_bytes())

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))


def _limit_file_size(size: int) -> None:
    """In the child before it runs the build: files may not grow past ``size`` bytes, and a write
    that would fails (EFBIG) instead of killing the process (SIGXFSZ ignored)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


class PythonName(str):
    """A function named in mkdocs.yml as MkDocs' configurations do (``!!python/name:os.system``)."""


class _ConfigDumper(yaml.SafeDumper):
    """YAML as a project's mkdocs.yml: safe, but for the functions it names (``PythonName``)."""


_ConfigDumper.add_representer(
    PythonName, lambda dumper, name: dumper.represent_scalar(f"tag:yaml.org,2002:python/name:{name}", "")
)


class Project:
    """A newsroom project in a temporary folder."""

    def __init__(self, path: Path):
        self.path = path
        self.releases = path / "press_releases"
        self.releases.mkdir(parents=True)
        for name in ("hooks", "overrides"):
            (path / name).symlink_to(ROOT / name)
        self.config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
        # A test project has one edition, the site's language, unless its test lists languages
        # (the repository's own site, ``sample_site``, has the repository's editions), and the
        # hand-written pages of the default edition only (docs/<language>/ are the others').
        editions = self.config.get("extra", {}).get("newsroom", {}).pop("languages", None) or []
        others = set(editions[1:])
        shutil.copytree(
            ROOT / "docs",
            path / "docs",
            ignore=lambda folder, names: others & set(names) if Path(folder) == ROOT / "docs" else set(),
        )

    def release(self, name: str, text: str | bytes) -> Path:
        target = self.releases / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def asset(self, name: str, data: bytes | None = None) -> Path:
        """A file shipped with the releases: by default a real PNG photo."""
        if data is None:
            data = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()
        target = self.releases / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def doc(self, name: str, text: str) -> Path:
        target = self.path / "docs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def copy_releases(self, source: Path) -> None:
        shutil.copytree(source, self.releases, dirs_exist_ok=True)

    def write_config(self) -> None:
        (self.path / "mkdocs.yml").write_text(
            yaml.dump(self.config, Dumper=_ConfigDumper, allow_unicode=True), encoding="utf-8"
        )

    def newsroom(self, **settings) -> None:
        """Change settings under extra.newsroom in this project's mkdocs.yml."""
        self.config.setdefault("extra", {}).setdefault("newsroom", {}).update(settings)

    def build(
        self,
        *args: str,
        strict: bool = True,
        now: str | None = NOW,
        env: dict | None = None,
        site: Path | None = None,
        largest_file: int | None = None,
    ) -> Build:
        """`mkdocs build` (``--strict`` unless told) into ``site/``, or into ``site`` if given;
        ``largest_file``: the size in bytes past which the system refuses to grow a file (as a full
        disk refuses: the write fails, with EFBIG)."""
        self.write_config()
        site = site or self.path / "site"
        environ = {k: v for k, v in os.environ.items() if k != "NEWSROOM_NOW"}
        environ["NO_MKDOCS_2_WARNING"] = "1"
        if now is not None:
            environ["NEWSROOM_NOW"] = now
        environ.update(env or {})
        command = [sys.executable, "-m", "mkdocs", "build", "-f", str(self.path / "mkdocs.yml"), "-d", str(site)]
        if strict:
            command.append("--strict")
        limit = None if largest_file is None else functools.partial(_limit_file_size, largest_file)
        result = subprocess.run(
            [*command, *args], cwd=self.path, env=environ, capture_output=True, text=True, preexec_fn=limit
        )
        return Build(site, result.returncode, result.stdout + result.stderr)

    def counted_build(self, patching: str, env: dict | None = None) -> bytes:
        """A build (``mkdocs build --strict``, run as ``build`` runs it) with ``patching`` run
        first: Python that counts calls by writing a byte to the file descriptor ``counts`` each
        time, from the build and its forked processes alike. The bytes written."""
        counts = self.path / "counts"
        counts.write_bytes(b"")
        opened = f"import os\ncounts = os.open({str(counts)!r}, os.O_WRONLY | os.O_APPEND | os.O_CREAT)\n"
        done = self.patched_build(opened + patching, env)
        assert done.returncode == 0, done.log
        return counts.read_bytes()

    def patched_build(self, patching: str, env: dict | None = None) -> Build:
        """A build (``mkdocs build --strict`` into ``site/``, run as ``build`` runs it) with
        ``patching`` run first, in the build's process: Python that changes what the build meets."""
        script = f"import sys\n{patching}\nfrom mkdocs.__main__ import cli\n"
        script += 'cli(["build", "--strict", "-f", sys.argv[1], "-d", sys.argv[2]])\n'
        self.write_config()
        environ = {**os.environ, "PYTHONPATH": str(ROOT / "hooks"), "NO_MKDOCS_2_WARNING": "1", "NEWSROOM_NOW": NOW}
        site = self.path / "site"
        done = subprocess.run(
            [sys.executable, "-c", script, "mkdocs.yml", str(site)],
            cwd=self.path,
            env={**environ, **(env or {})},
            capture_output=True,
            text=True,
        )
        return Build(site, done.returncode, done.stdout + done.stderr)

    def check(self, now: str | None = NOW) -> subprocess.CompletedProcess:
        """`make check` on this project (``python -m newsroom check``), as an editor runs it."""
        self.write_config()
        environ = {k: v for k, v in os.environ.items() if k != "NEWSROOM_NOW"}
        environ["PYTHONPATH"] = str(ROOT / "hooks")
        if now is not None:
            environ["NEWSROOM_NOW"] = now
        return subprocess.run(
            [sys.executable, "-m", "newsroom", "-f", str(self.path / "mkdocs.yml"), "check"],
            cwd=self.path,
            env=environ,
            capture_output=True,
            text=True,
        )

    @contextlib.contextmanager
    def serving(self, output: Any = subprocess.DEVNULL, now: str = NOW) -> Iterator[str]:
        """`mkdocs serve --dirty` on this project (as `make serve` runs it), on a free port of
        localhost, its log to ``output``; yields its base URL, and stops it afterwards."""
        self.write_config()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NEWSROOM_NOW": now}
        command = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"]
        server = subprocess.Popen(
            [*command, "-f", str(self.path / "mkdocs.yml")],
            cwd=self.path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait()

    def failing_build(self, *expected: str, check: bool = True, **kwargs) -> Build:
        """Build over a previous site that must survive: the build must exit non-zero, its log must
        hold every ``expected`` text, ``site/`` must be byte for byte what it was, and (``check``)
        `make check` must fail with the same messages."""
        site = self.path / "site"
        previous = {
            "index.html": b"<!doctype html><title>previous</title>\n",
            "news/index.html": b"old news\n",
            "feed.xml": b"<rss/>\n",
        }
        shutil.rmtree(site, ignore_errors=True)
        for name, data in previous.items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(data)
        before = snapshot(site)
        build = self.build(**kwargs)
        assert build.returncode != 0, f"the build should have failed:\n{build.log}"
        for text in expected:
            assert text in build.log, f"{text!r} not in the build log:\n{build.log}"
        assert snapshot(site) == before, "a failed build changed the previous site/"
        leftovers = [p.name for p in self.path.iterdir() if p.name.startswith(".site.newsroom")]
        assert leftovers == [], f"a failed build left scratch behind: {leftovers}"
        if check:
            checked = self.check(now=kwargs.get("now", NOW))
            assert checked.returncode == 1, (
                f"make check should fail as the build does:\n{checked.stdout}{checked.stderr}"
            )
            for text in expected:
                assert text in checked.stderr, f"{text!r} not in make check's output:\n{checked.stderr}"
        return build


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (symlinks as their target's text), by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = os.readlink(path).encode()
        elif path.is_file():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "project")


#: The editions of the repository's own site (mkdocs.yml).
REPOSITORY_LANGUAGES = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["newsroom"][
    "languages"
]


def release_text(
    title: str = "A release",
    date: str = "2020-03-03",
    summary: str = "What happened, in one sentence.",
    body: str = "(Seoul) – Body text.",
    **fields: object,
) -> str:
    """The text of a release file with the given front matter (other fields as YAML)."""
    front = {"title": title, "date": date, "summary": summary, **fields}
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Build:
    """The repository's own site, as `make build` makes it."""
    project = Project(tmp_path_factory.mktemp("sample") / "project")
    project.newsroom(languages=REPOSITORY_LANGUAGES)
    for language in REPOSITORY_LANGUAGES[1:]:  # the other editions' hand-written pages
        if (ROOT / "docs" / language).is_dir():
            shutil.copytree(ROOT / "docs" / language, project.path / "docs" / language)
    project.copy_releases(ROOT / "press_releases")
    build = project.build()
    assert build.returncode == 0, build.log
    return build


# -- a real browser ------------------------------------------------------------


def unavailable(reason: str):
    """Skip a test whose tool is missing, saying why; in CI (.ci/run) a missing tool fails instead."""
    if os.environ.get("NEWSROOM_REQUIRE_ALL_CHECKS"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; browser tests skip, saying why, where it is missing."""
    if not CHROMIUM.exists():
        unavailable(
            f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium); .ci/run installs it"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("browser tests need Playwright: make test installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):  # outside the path the site is served under: not found
            return str(Path(str(self.directory), "\x00nowhere"))
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, *args):
        pass


@functools.cache
def _server_for(site: str, prefix: str) -> str:
    handler = functools.partial(type("Handler", (_QuietHandler,), {"prefix": prefix}), directory=site)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def http_site(build: Build, prefix: str = "/") -> str:
    """A built site served as static files over HTTP on localhost (not `mkdocs serve`), under the
    path ``prefix`` as a mirror may serve it; its base URL."""
    return _server_for(str(build.site), prefix)


@contextlib.contextmanager
def site_tab(browser: Any, build: Build, init_script: str | None = None) -> Iterator[Any]:
    """A Chromium tab on the built site (served over HTTP; ``tab.base`` is its address) that fails
    the test if anything is requested from another host; ``init_script`` runs before each page's own."""
    base = http_site(build)
    context = browser.new_context()
    outside: list[str] = []

    def check(route: Any) -> None:
        if not route.request.url.startswith(base):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", check)
    if init_script:
        context.add_init_script(init_script)
    tab = context.new_page()
    tab.base = base
    yield tab
    context.close()
    assert outside == [], f"requests left the site: {outside}"


def recorded_requests(tab: Any) -> list[str]:
    """What a ``site_tab`` requests from now on, each as a path from the site's root (it grows)."""
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url[len(tab.base) :]))
    return requested
