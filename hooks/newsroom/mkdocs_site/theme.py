"""Material's page parts that many pages share, rendered once; interface strings, looked up once."""

from __future__ import annotations

import fnmatch
import logging
import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, TemplateError, TemplateNotFound, nodes
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .check import ADVICE_LOGGER
from .pages import edition_prefix

#: A string missing from the site language's file is reported, not failed: English stands in.
advice = logging.getLogger(ADVICE_LOGGER)
#: What was reported, per environment (a build's): the site and its text-only edition look strings
#: up separately, and each missing string is reported once.
_reported: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def string_keys(env: Any, name: str) -> list[str] | None:
    """The keys of a strings file (a macro ``t(key)`` holding one dict literal), in their order,
    read from its parsed template; None if it is written some other way."""
    source = env.loader.get_source(env, name)[0]
    found = list(env.parse(source).find_all(nodes.Dict))
    if len(found) != 1:
        return None
    keys = [pair.key.value for pair in found[0].items if isinstance(pair.key, nodes.Const)]
    return keys if len(keys) == len(found[0].items) else None


class Translations:
    """The interface strings of the site's language, from the theme's language files.

    A key is looked up, once per build, in the newsroom's strings
    (``partials/newsroom/strings/<language>.html``, else English) for ``newsroom.*``
    keys, and in Material's ``partials/languages/<language>.html`` (else English)
    for the others, exactly as Material's own ``partials/language.html`` does.
    A newsroom string the site's language lacks is reported once, as advice (it does
    not fail a --strict build), and shown in English.
    """

    def __init__(self, env: Any, language: str):
        self.env = env
        self.cache: dict[str, str] = {}
        own = language if self._exists(f"partials/newsroom/strings/{language}.html") else "en"
        self.own = [f"partials/newsroom/strings/{own}.html", "partials/newsroom/strings/en.html"]
        self.theme = [f"partials/languages/{language}.html", "partials/languages/en.html"]
        self.reported = _reported.setdefault(env, set())
        if own == "en" and language != "en":
            self._report(
                "",
                f"the site's language is {language!r}, and the newsroom's interface has no strings in it "
                f"(partials/newsroom/strings/{language}.html): it is in English; copy "
                "overrides/partials/newsroom/strings/en.html to that name to translate it",
            )
        elif own != "en":
            self._missing()

    def _missing(self) -> None:
        """Reports every key of English that the site language's file lacks."""
        try:
            theirs, english = string_keys(self.env, self.own[0]), string_keys(self.env, self.own[1])
        except (TemplateError, OSError):
            return  # the file is checked as it is used (``__call__``)
        if theirs is not None and english is not None:
            for key in english:
                if key not in theirs:
                    self._fell_back(key)

    def _fell_back(self, key: str) -> None:
        self._report(
            key,
            f"the interface string {key!r} is missing from {self.own[0]}: the English one is used "
            "(add it there, translated, from partials/newsroom/strings/en.html)",
        )

    def _report(self, key: str, message: str) -> None:
        if key not in self.reported:
            self.reported.add(key)
            advice.info("advice: " + message)

    def _exists(self, name: str) -> bool:
        try:
            self.env.get_template(name)
        except TemplateNotFound:
            return False
        return True

    def __call__(self, key: str) -> str:
        found = self.cache.get(key)
        if found is None:
            found = key
            names = self.own if key.startswith("newsroom.") else self.theme
            for name in names:
                value = str(self.env.get_template(name).module.t(key))
                if value:
                    found = value
                    if name != names[0] and names is self.own:
                        self._fell_back(key)
                    break
            self.cache[key] = found
        return found


class ChromeCache:
    """Renders the parts of Material's page that many pages share once per build.

    Material renders the navigation, tabs, scripts and configuration of every page
    from scratch. They depend only on the page's depth (``base_url``), on how far its
    address runs along each address they link (a link is written relative to the page:
    ``news/`` is ``../`` from ``news/2/`` and ``../../news/`` from ``topics/torture/``), on
    which nav entry is active and on what the page hides; releases and listing pages are
    not in the nav, so thousands of them share one rendering. Pages with their own
    table of contents are rendered as usual.
    """

    def __init__(self, nav: Any, prefixes: Sequence[str] = ()):
        pages = getattr(nav, "pages", ())
        self.in_nav = {id(page) for page in pages}
        # The addresses the nav leads to, as another edition's tabs lead to its own version of each
        # (``context.edition_tabs``): such a page is the target of one of them, linked as "./".
        self.nav_urls = {"" if page.url in ("./", ".") else page.url for page in pages}
        self.prefixes = prefixes  # of the editions: a hand-written page's is in its address
        # Every address the chrome links (the nav's, in each edition, and each edition's home), in segments.
        linked = {prefix + url for prefix in ("", *prefixes) for url in self.nav_urls} | {"", *prefixes}
        self.linked = sorted(tuple(url.split("/")[:-1]) for url in linked)
        self.deepest = max((len(parts) for parts in self.linked), default=0)
        self._runs: dict[tuple[str, ...], tuple[int, ...]] = {}
        self.store: dict[tuple, str] = {}
        self.uncacheable: set[tuple] = set()

    def runs(self, url: str) -> tuple[int, ...]:
        """How many leading segments the address ``url`` shares with each linked address."""
        start = tuple(url.split("/")[: self.deepest])
        found = self._runs.get(start)
        if found is None:
            found = self._runs[start] = tuple(_shared(start, parts) for parts in self.linked)
        return found

    #: Stands for the page title in the cached header, which is the same on every page but for it.
    TITLE = "\x00newsroom-page-title\x00"

    def __call__(self, block: str, page: Any, base_url: str, render: Any) -> str:
        key = self.key(block, page, base_url)
        if key is None:
            return render()
        if block == "header":
            return self.header(key, page, render)
        found = self.store.get(key)
        if found is None:
            found = self.store[key] = render()
        return found

    def header(self, key: tuple, page: Page, render: Any) -> str:
        """The header, rendered once with a stand-in for the title, which Material prints as given."""
        title = page.meta.get("title") or page.title or ""
        if key in self.uncacheable:
            return render()
        found = self.store.get(key)
        if found is None:
            had, saved = "title" in page.meta, page.meta.get("title")
            page.meta["title"] = self.TITLE
            try:
                found = render()
            finally:
                if had:
                    page.meta["title"] = saved
                else:
                    del page.meta["title"]
            if found.count(self.TITLE) != 1:  # the header shows the title elsewhere too: do not cache it
                self.uncacheable.add(key)
                return render()
            self.store[key] = found
        return found.replace(self.TITLE, str(title))

    def key(self, block: str, page: Any, base_url: str) -> tuple | None:
        if page is None or not isinstance(page, Page):
            return None
        edition = edition_prefix(page, self.prefixes)  # each edition's chrome is in its language
        if block in ("config", "styles", "scripts", "footer_meta"):
            return (block, base_url, edition)
        hide = tuple(page.meta.get("hide") or ())
        if block == "site_nav" and "toc" not in hide:
            return None
        in_nav = id(page) in self.in_nav or (edition and page.url[len(edition) :] in self.nav_urls)
        return (block, base_url, self.runs(page.url), page.url if in_nav else None, hide, edition)


def _shared(one: Sequence[str], other: Sequence[str]) -> int:
    count = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        count += 1
    return count


#: The newsroom's changes to Material's base.html: (Material's text, the newsroom's), each found
#: exactly once. Applied when the template is loaded, to the installed Material's own file, so the
#: hashed names of its bundles written in that file are always the ones the build ships.
BASE_CHANGES = [
    (
        # HTML allows `autocomplete` only on text-like inputs: the Nu HTML Checker refuses these.
        """<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">""",
        """<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">""",
    ),
    (
        """<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">""",
        """<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search">""",
    ),
    (
        # A hidden table of contents is not sent (nor cached by ChromeCache with another page's headings).
        """{% include "partials/toc.html" %}""",
        """{% if not (page.meta and page.meta.hide and "toc" in page.meta.hide) %}"""
        """{% include "partials/toc.html" %}{% endif %}""",
    ),
    (
        # Material's own search is not shipped (UNREQUESTED): its worker is named nowhere. No page has
        # the form that would start it.
        """"search": "assets/javascripts/workers/search.a7633da7.min.js" | url,\n          "annotate": """,
        """"annotate": """,
    ),
    (
        # Material renders the announcement block twice, once only to see whether it is empty (the
        # newsroom's holds the text-only link and the language switcher): rendered once, and kept.
        # The block stays defined, so that a template extending base.html may still fill it.
        """{% if self.announce() %}""",
        """{% set newsroom_announce = self.announce() %}{% if newsroom_announce %}""",
    ),
    (
        """{% block announce %}{% endblock %}""",
        """{{ newsroom_announce }}{% if false %}{% block announce %}{% endblock %}{% endif %}""",
    ),
    (
        # The page's direction on <html> too (Material sets it on <body> only), as on text pages.
        # Strings that every page looks up are asked of ``newsroom_t`` itself, which is what the
        # ``lang.t`` macro calls (partials/language.html), without a macro call each.
        """<html lang="{{ lang.t('language') }}" class="no-js">""",
        """<html lang="{{ newsroom_t('language') }}" dir="{{ config.theme.direction or newsroom_t('direction') }}" """
        """class="no-js">""",
    ),
    (
        """{% set direction = config.theme.direction or lang.t("direction") %}""",
        """{% set direction = config.theme.direction or newsroom_t("direction") %}""",
    ),
    (
        """{{ lang.t("action.skip") }}""",
        """{{ newsroom_t("action.skip") }}""",
    ),
]


#: The same for Material's first inline script, which writes each page's depth into its text: the
#: depth moves to an attribute, so the script's text, and the hash the Content-Security-Policy
#: allows it by, is the same on every page (newsroom.browser_policy).
SCRIPT_CHANGES = [
    (
        """<script>__md_scope=new URL("{{ config.extra.scope | d(base_url) }}",location),""",
        """<script data-scope="{{ config.extra.scope | d(base_url) | e }}">"""
        """__md_scope=new URL(document.currentScript.dataset.scope,location),""",
    ),
]

#: The newsroom's changes to Material's script bundle. Material fetches ``sitemap.xml`` beside the
#: address of every ``<link rel="alternate">`` of a page, for its own language selector, which the
#: newsroom does not use: with a release's hreflang alternates, every reader of a translated
#: release would make that request (to the canonical host, from a mirror). The selector is
#: narrowed to links no page has.
BUNDLE_CHANGES = [('M("link[rel=alternate]")', 'M("link[rel=alternate][data-md-language-selector]")')]
BUNDLE = "assets/javascripts/bundle.*.min.js"


def change_bundle(files: Files, config: MkDocsConfig) -> None:
    """Ship Material's script bundle with ``BUNDLE_CHANGES`` (a TemplateError naming what to adjust
    when an upgrade of Material changed the text a change applies to)."""
    for file in list(files):
        if file.generated_by is not None or not fnmatch.fnmatchcase(file.src_uri, BUNDLE) or not file.abs_src_path:
            continue
        source = Path(file.abs_src_path).read_text(encoding="utf-8")
        source = apply_changes(source, BUNDLE_CHANGES, f"script bundle ({file.abs_src_path})", "BUNDLE_CHANGES")
        files.remove(file)
        files.append(File.generated(config, file.src_uri, content=source))


#: Files of the theme that no page of the site ever requests, left out of it: Material's own search
#: (lunr and its worker: the newsroom's search is Pagefind's, and no page has the form that would
#: start Material's) and the source maps of its bundles (read only by a browser's developer tools).
UNREQUESTED = (
    "assets/javascripts/lunr/*",
    "assets/javascripts/workers/*",
    "assets/javascripts/*.map",
    "assets/stylesheets/*.map",
)


def leave_out_unrequested(files: Files, docs_dir: str) -> None:
    """Drop the theme's ``UNREQUESTED`` files (a file of the same name in docs/ is kept)."""
    for file in list(files):
        source = file.abs_src_path or ""
        if (
            file.generated_by is None
            and not source.startswith(docs_dir)
            and any(fnmatch.fnmatchcase(file.src_uri, pattern) for pattern in UNREQUESTED)
        ):
            files.remove(file)


#: Templates the newsroom changes as they load, with their changes.
THEME_CHANGES = {"base.html": BASE_CHANGES, "partials/javascripts/base.html": SCRIPT_CHANGES}


def change_base(source: str, filename: str | None, template: str = "base.html") -> str:
    """Material's template with the newsroom's changes; a TemplateError naming what to adjust when
    an upgrade of Material changed the text a change applies to."""
    return apply_changes(source, THEME_CHANGES[template], f"{template} ({filename})", "THEME_CHANGES")


def apply_changes(source: str, changes: list[tuple[str, str]], what: str, table: str) -> str:
    """``source`` (a file of Material's) with each of ``changes`` made; a TemplateError when a text
    to change is not there exactly once (an upgrade of Material changed it: adjust ``table``)."""
    for theirs, ours in changes:
        if source.count(theirs) != 1:
            raise TemplateError(
                f"Material's {what} holds {source.count(theirs)} times, not once, the text the newsroom "
                f"changes:\n{theirs}\nsee what Material changed there, and adjust {table} in "
                "hooks/newsroom/mkdocs_site/theme.py"
            )
        source = source.replace(theirs, ours)
    return source


#: The partials that every page includes, by the template that includes them (the newsroom's own
#: and Material's). Each ``{% include %}`` costs a page a template lookup and a copy of its whole
#: context (together about a sixth of a release page's rendering), so their text is put in place
#: of the include as the template loads (``inline_partials``): the same output, from the same
#: files, which a site may still replace in its own overrides.
INLINED = {
    "main.html": tuple(
        f"partials/newsroom/{name}.html"
        for name in ("policy-meta", "feeds-head", "alternates", "text-link", "edition-switcher")
    ),
    "release.html": ("partials/newsroom/release-meta.html", "partials/newsroom/release-extra.html"),
    "base.html": (
        "partials/javascripts/base.html",
        "partials/integrations/analytics.html",
        "partials/javascripts/content.html",
        "partials/footer.html",
    ),
}


def inline_partials(loader: BaseLoader, environment: Environment, source: str, paths: tuple[str, ...]) -> str:
    """``source`` with each ``{% include "<path>" %}`` of ``paths`` replaced by that partial's text
    (from ``loader``), as included: in a scope of its own (``{% with %}``, so that what it sets
    stays in it, and its whitespace control stops at its edges), without the one newline that
    ends a template's text (Jinja drops it from a template of its own). A partial that extends a
    template or defines blocks stays an include; one that Jinja cannot read fails with an error
    naming that partial and its line, as its include would."""
    for path in paths:
        tag = f'{{% include "{path}" %}}'
        if tag not in source:
            continue
        partial, filename, _ = loader.get_source(environment, path)
        parsed = environment.parse(partial, path, filename)  # a mistake in it is reported as its own
        if parsed.find(nodes.Extends) is not None or parsed.find(nodes.Block) is not None:
            continue
        for ending in ("\r\n", "\n", "\r"):
            if partial.endswith(ending):
                partial = partial[: -len(ending)]
                break
        source = source.replace(tag, "{% with %}" + partial + "{% endwith %}")
    return source


#: The indentation that starts a line of a template's own text.
INDENT = re.compile(r"\n[ \t]+")


class Unindented(Extension):
    """Leaves out the indentation of the lines of the site's HTML templates (Material's and the
    newsroom's), as they are compiled: a line break and the spaces after it show a reader what a
    line break alone shows, and every page carried about 2 KB of them. Where spaces stood, some
    white space still stands. Only the templates' own text changes, never what a variable prints
    (a body, a title), nor a Jinja expression. Left as they are: a template whose text holds a
    ``<pre>`` or a ``<textarea>`` (where spaces show), and the text-only edition's templates,
    already written tight."""

    KEEPS_SPACES = ("<pre", "<textarea")

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        name = stream.name or ""
        tokens = list(stream)
        kept = any(tag in t.value.lower() for t in tokens if t.type == "data" for tag in self.KEEPS_SPACES)
        if kept or not name.endswith(".html") or name.startswith("text/"):
            yield from tokens
            return
        previous: Token | None = None
        for token in tokens:
            if token.type == "data":
                value = INDENT.sub("\n", token.value)
                if previous is not None and previous.type == "block_end" and token.lineno > previous.lineno:
                    # A line after a tag's line, whose break trim_blocks took: its indentation may be
                    # the only space between two words, so one line break stands for it.
                    stripped = value.lstrip(" \t")
                    if stripped != value:
                        value = "\n" + stripped
                if value != token.value:
                    token = Token(token.lineno, "data", value)
            previous = token
            yield token


class ChangedBase(BaseLoader):
    """The theme's loader, with ``change_base`` applied to the templates of THEME_CHANGES as they
    load, and the partials of ``INLINED`` put in place of their includes."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template in THEME_CHANGES:
            source = change_base(source, filename, template)
        if template in INLINED:  # the partials as this loader gives them (Material's with the newsroom's changes)
            source = inline_partials(self, environment, source, INLINED[template])
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()
