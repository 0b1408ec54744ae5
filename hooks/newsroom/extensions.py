"""Markdown extensions: which of the site's extensions every body may be converted with.

Release bodies are converted with the site's ``markdown_extensions`` (mkdocs.yml), as MkDocs
converts the hand-written pages. An extension runs on the text of every release, in the build's
process, on the machine that holds the checkout and, in CI, its secrets. One that reads files
(``pymdownx.snippets``: a release writing ``--8<-- ".git/config"`` publishes that file, which in
CI holds the checkout's access token), fetches addresses, or hands text to code (a fenced block's
formatter that runs it, as markdown-exec's does) would let anyone who can get a release into the
repository read the build machine's secrets or run code there.

So the build accepts an extension only if it is known here to turn text into HTML and do nothing
else (``INERT``), or the site's maintainers have read it and list it under
``extra.newsroom.reviewed_extensions``. The same goes for every function given in an extension's
settings (a fence's ``format``, a ``slugify``): it must come from a module known here, or be
listed. Extensions known to read files or run code (``DANGEROUS``) cannot be listed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from importlib.metadata import entry_points
from typing import Any

#: Extensions that turn text into HTML and do nothing else (no file, no address, no code of the
#: text's choosing): Python-Markdown's own and PyMdown Extensions' but those in ``DANGEROUS``.
INERT = frozenset(
    [
        *(
            f"markdown.extensions.{name}"
            for name in (
                "abbr admonition attr_list codehilite def_list extra fenced_code footnotes legacy_attrs "
                "legacy_em md_in_html meta nl2br sane_lists smarty tables toc wikilinks"
            ).split()
        ),
        *(
            f"pymdownx.{name}"
            for name in (
                "arithmatex betterem blocks.admonition blocks.caption blocks.definition blocks.details blocks.html "
                "blocks.tab bracketspan caret critic details emoji escapeall extra fancylists highlight inlinehilite "
                "keys magiclink mark pathconverter progressbar quotes saneheaders smartsymbols striphtml superfences "
                "tabbed tasklist tilde"
            ).split()
        ),
    ]
)

#: Modules whose functions may be given in an extension's settings: they format text or make
#: slugs, and touch nothing else (fences, inline code, math, emoji, heading ids).
INERT_MODULES = frozenset(
    {
        "markdown.extensions.toc",
        "material.extensions.emoji",
        "pymdownx.arithmatex",
        "pymdownx.emoji",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.slugs",
        "pymdownx.superfences",
    }
)

_READS_FILES = (
    "reads files of the machine that builds the site into the page: a release holding {example} would "
    "publish that file (in CI, the checkout's .git/config holds its access token)"
)

#: Extensions, and packages of functions, that read files or run code by design: never accepted.
DANGEROUS = {
    "pymdownx.snippets": _READS_FILES.format(example='--8<-- ".git/config"')
    + ", and with url_download, fetches any address a release names",
    "pymdownx.b64": "reads image files of the machine that builds the site into the page, from any path a release "
    "names",
    "markdown_include": _READS_FILES.format(example="{!.git/config!}"),
    "mdx_include": _READS_FILES.format(example="{! .git/config !}") + ", and fetches any address a release names",
    "markdown_exec": "runs the code of a release's fenced blocks on the machine that builds the site",
}

SETTING = "extra.newsroom.reviewed_extensions"


def module_of(name: str) -> str:
    """The module an extension's name in mkdocs.yml loads: ``toc`` (an entry point) and
    ``markdown.extensions.toc:TocExtension`` are both ``markdown.extensions.toc``."""
    return _entry_points().get(name, name).partition(":")[0]


@functools.lru_cache(maxsize=1)
def _entry_points() -> dict[str, str]:
    """The names Python-Markdown finds extensions by, and what each loads (read once a process)."""
    return {point.name: point.value for point in entry_points(group="markdown.extensions")}


def dotted_name(function: Callable[..., Any]) -> tuple[str, str]:
    """The module and the qualified name of a function given in a setting (a partial's function,
    a method's, or the class of an object that is called)."""
    target: Any = function
    while isinstance(target, functools.partial):
        target = target.func
    target = getattr(target, "__func__", target)
    if not hasattr(target, "__qualname__"):
        target = type(target)
    return str(getattr(target, "__module__", "")), str(target.__qualname__)


def _dangerous(module: str) -> str | None:
    for name, reason in DANGEROUS.items():
        if module == name or module.startswith(name + "."):
            return reason
    return None


def _functions(value: Any, where: str) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every function in an extension's settings, with where it is (``custom_fences[0].format``)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _functions(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _functions(item, f"{where}[{index}]")
    elif callable(value):
        yield where, value
        if isinstance(value, functools.partial):  # what it was given is handed on to its function
            yield from _functions(list(value.args), f"{where}(…)")
            yield from _functions(value.keywords, f"{where}(…)")


def check(names: Sequence[str], configs: Mapping[str, Any], reviewed: AbstractSet[str]) -> list[str]:
    """What stops the site's extensions from converting bodies, one message each; empty if nothing."""
    problems = []
    where = "mkdocs.yml: markdown_extensions"
    for name in names:
        module = module_of(name)
        reason = _dangerous(module)
        if reason is not None:
            problems.append(
                f"{where}: {name!r} {reason}. Every release is converted with the site's extensions, so it "
                "cannot be one of them: remove it"
            )
        elif module not in INERT and name not in reviewed and module not in reviewed:
            problems.append(
                f"{where}: {name!r} is not an extension the newsroom knows to turn text into HTML and do "
                "nothing else, and it runs on the text of every release on the machine that builds the site. "
                f"Read what it does with that text: if it reads no file, fetches no address and runs no code, "
                f"list {name!r} under {SETTING}; otherwise remove it"
            )
        for place, function in _functions(configs.get(name) or {}, ""):
            module_name, qualname = dotted_name(function)
            dotted = f"{module_name}.{qualname}"
            reason = _dangerous(module_name)
            if reason is not None:
                problems.append(
                    f"{where}: {name}: {place}: {dotted!r} {reason}. Every release is converted with the "
                    "site's extensions, so it cannot be used: remove it"
                )
            elif module_name not in INERT_MODULES and dotted not in reviewed:
                problems.append(
                    f"{where}: {name}: {place}: {dotted!r} is not a function the newsroom knows to only format "
                    "text, and it is handed the text of every release on the machine that builds the site. Read "
                    "what it does with that text: if it reads no file, fetches no address and runs no code, "
                    f"list {dotted!r} under {SETTING}; otherwise remove it"
                )
    return problems
