"""The partials every page includes are put in place of their includes as templates load
(``mkdocs_site.theme.inline_partials``): a page renders exactly as it would with the includes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import DictLoader, Environment, FileSystemLoader, TemplateSyntaxError

from conftest import ROOT
from newsroom.mkdocs_site.theme import INLINED, ChangedBase, inline_partials

PARENT = (
    "{% set v = 'outer' %}<head>\n"
    '  {% include "partials/newsroom/p.html" %}\n'
    "  {{ v }}|{{ w | default('none') }}\n"
    '{% for i in [1, 2] %}[{% include "partials/newsroom/p.html" %}]{% endfor %}'
    '{% block b %}  {% include "partials/newsroom/p.html" %}  {% endblock %}</head>\n'
)
#: Pieces of a partial: whitespace control at its edges, assignments, loops, text, line ends.
PIECES = st.sampled_from(
    [
        "{#- a comment -#}",
        "{# a comment #}",
        "{%- set v = 'inner' -%}",
        "{% set w = 'inner' %}",
        "{{ v }}",
        "{{ i | default('-') }}",
        "{%- if true -%} t {%- endif -%}",
        "{% for x in 'ab' %}{{ x }}{% endfor %}",
        "<p>text</p>",
        "\n",
        "\r\n",
        "  ",
        "{{- ' trimmed ' -}}",
    ]
)


def rendered(partial: str, *, inlined: bool) -> str:
    loader = DictLoader({"page.html": PARENT, "partials/newsroom/p.html": partial})
    env = Environment(loader=loader, auto_reload=False)  # as MkDocs makes it
    if not inlined:
        return env.get_template("page.html").render()
    return env.from_string(inline_partials(loader, env, PARENT, ("partials/newsroom/p.html",))).render()


@given(st.lists(PIECES, max_size=8).map("".join))
@settings(max_examples=300, deadline=None)
def test_an_inlined_partial_renders_as_its_include_did(partial):
    assert rendered(partial, inlined=True) == rendered(partial, inlined=False)


def test_a_partial_that_defines_blocks_or_extends_a_template_stays_an_include():
    for partial in ("{% block x %}y{% endblock %}", '{% extends "base.html" %}'):
        loader = DictLoader({"partials/newsroom/p.html": partial})
        env = Environment(loader=loader)
        assert inline_partials(loader, env, PARENT, ("partials/newsroom/p.html",)) == PARENT


def test_a_partial_jinja_cannot_read_is_named_with_its_line_as_its_include_would_be():
    loader = DictLoader({"partials/newsroom/p.html": "<p>\n{% if x %}unclosed\n"})
    env = Environment(loader=loader)
    with pytest.raises(TemplateSyntaxError) as raised:
        inline_partials(loader, env, PARENT, ("partials/newsroom/p.html",))
    assert (raised.value.name, raised.value.lineno) == ("partials/newsroom/p.html", 2)
    with pytest.raises(TemplateSyntaxError) as included:
        Environment(loader=DictLoader({"page.html": PARENT, **loader.mapping})).get_template("page.html").render()
    assert (included.value.name, included.value.lineno) == (raised.value.name, raised.value.lineno)


def test_the_pages_templates_load_with_the_partials_in_place_of_their_includes():
    """The newsroom's templates and Material's base.html, through the theme's folders as MkDocs searches them."""
    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.origin is not None
    folders = [str(ROOT / "overrides"), str(Path(spec.origin).parent / "templates")]
    inner = FileSystemLoader(folders)
    loader = ChangedBase(inner)
    env = Environment(loader=loader)
    for template, paths in INLINED.items():
        original = inner.get_source(env, template)[0]
        source = loader.get_source(env, template)[0]
        for path in paths:
            tag = f'{{% include "{path}" %}}'
            assert original.count(tag) == 1, f"{template} no longer includes {path} once: update INLINED"
            assert tag not in source
        assert source.count("{% with %}") == len(paths)
    # Material's partial is inlined with the newsroom's change to it (theme.SCRIPT_CHANGES).
    assert "document.currentScript.dataset.scope" in loader.get_source(env, "base.html")[0]
