"""The browser policy (newsroom.browser_policy) in a MkDocs build: made from the theme's own inline
scripts at ``on_env``, given to every page's ``<head>``, checked on one page of each kind as it is
written, and sent as headers through ``_headers`` at ``on_post_build``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from .. import text_edition
from ..browser_policy import HEADERS_FILE, BrowserPolicy, digest, inline_scripts, policy_for
from .state import BuildState

#: The theme's partials that hold inline scripts every page runs (Material's, as the newsroom
#: changes them: theme.SCRIPT_CHANGES). A page holding any other is caught by ``check_page``.
SCRIPT_PARTIALS = (
    "partials/javascripts/base.html",
    "partials/javascripts/palette.html",
    "partials/javascripts/content.html",
)


def make_policy(state: BuildState, env: Any, config: MkDocsConfig) -> BrowserPolicy:
    """The policy allowing the theme's inline scripts, made once per build; ``newsroom_csp`` in templates."""
    scripts: list[str] = []
    for name in SCRIPT_PARTIALS:
        scripts += inline_scripts(env.get_template(name).render(config=config, base_url="."))
    settings = state.settings
    policy = policy_for(
        scripts,
        # The text edition's one style, so that the policy sent as a header (_headers) lets it apply there.
        styles=[text_edition.STYLE],
        embed_hosts=settings.embed_hosts,
        onion=settings.onion_location,
        preview=state.serving,
    )
    state.browser_policy = policy
    # As an attribute value between double quotes: its single quotes need no escaping (a lighter page).
    env.globals["newsroom_csp"] = Markup(
        html.escape(policy.content_security_policy(), quote=False).replace('"', "&quot;")
    )
    env.globals["newsroom_onion"] = policy.onion_address
    return policy


def check_page(state: BuildState, page: Page, output: str) -> None:
    """Fail the build if a page runs an inline script the policy would block: the page would not
    work. Every hand-written page is checked, and the first of each other kind (their scripts come
    from the same templates)."""
    policy = state.browser_policy
    if policy is None:
        return
    kind = (type(page).__name__, type(getattr(page, "listing", None)).__name__)
    if kind != ("Page", "NoneType"):  # a hand-written page is checked on its own
        if kind in state.policy_checked:
            return
        state.policy_checked.add(kind)
    blocked = [script for script in inline_scripts(output) if not policy.allows(script)]
    if blocked:
        shown = " ".join(blocked[0].split())[:120]
        raise PluginError(
            f"{page.file.src_uri}: its page ({page.url or './'}) runs an inline script the Content-Security-Policy "
            "does not allow "
            f"({digest(blocked[0])}): {shown!r}; move it into a file under overrides/assets/javascripts/, or add "
            "the template that writes it to SCRIPT_PARTIALS in hooks/newsroom/mkdocs_site/browser.py"
        )


def write_headers(state: BuildState, site_dir: str) -> None:
    """The ``_headers`` file of hosts that read one (Netlify, Cloudflare Pages)."""
    if state.browser_policy is not None:
        Path(site_dir, HEADERS_FILE).write_text(state.browser_policy.headers_file(), encoding="utf-8")
