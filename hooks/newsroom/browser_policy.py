"""What a browser may do with the site's pages: the Content-Security-Policy and the other
security headers, and the address of the site's onion mirror.

Every page carries the policy in a ``<meta http-equiv>`` element; hosts that read a ``_headers``
file (Netlify, Cloudflare Pages) also send it, with what only a header can say (``frame-ancestors``).
The policy allows nothing from another host (but the ``embed_hosts`` a site lists for media in
bodies) and no inline script but the theme's own, each allowed by the SHA-256 digest of its text.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html

#: Script types a browser runs (HTML's "JavaScript MIME type essence" list, and modules);
#: any other type (``application/json``, ``application/ld+json``) is data, which no policy governs.
RUNNABLE_TYPES = frozenset(
    {
        "",
        "module",
        "application/ecmascript",
        "application/javascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    }
)

#: File the build writes for hosts that read headers from the site (Netlify, Cloudflare Pages).
HEADERS_FILE = "_headers"


def digest(text: str) -> str:
    """A CSP hash source for an inline script or style: ``'sha256-<base64>'``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script a browser would run in ``html`` (a page or a fragment)."""
    if not html.strip():
        return []
    start = html.lstrip()[:15].lower()
    if start.startswith(("<!doctype", "<html")):
        roots = [lxml.html.document_fromstring(html)]
    else:
        roots = [e for e in lxml.html.fragments_fromstring(html) if isinstance(e, lxml.html.HtmlElement)]
    return [
        script.text or ""
        for root in roots
        for script in root.iter("script")
        if script.get("src") is None and (script.get("type") or "").strip().lower() in RUNNABLE_TYPES
    ]


@dataclass(frozen=True, slots=True)
class BrowserPolicy:
    scripts: frozenset[str] = frozenset()
    """Hash sources of the inline scripts pages may run."""
    styles: frozenset[str] = frozenset()
    """Hash sources of inline ``<style>`` elements pages may hold."""
    embed_hosts: tuple[str, ...] = ()
    """Hosts release bodies may load images, media and frames from (``Settings.embed_hosts``)."""
    onion_location: str | None = None
    """The site's address as an onion service, ending in ``/``."""
    preview: bool = False
    """For ``mkdocs serve``, whose live-reload script changes on every page it serves: inline
    scripts are allowed (``'unsafe-inline'``) instead of by hash."""

    def allows(self, script: str) -> bool:
        return self.preview or digest(script) in self.scripts

    def content_security_policy(self, header: bool = False) -> str:
        """The policy, for a ``<meta http-equiv>`` or (``header``) for the HTTP header, which may
        also forbid framing the site."""
        hosts = [f"https://{host}" for host in self.embed_hosts]
        directives = [
            ("default-src", ["'none'"]),
            # Pagefind's search runs WebAssembly, which needs 'wasm-unsafe-eval' (not 'unsafe-eval').
            (
                "script-src",
                ["'self'", "'wasm-unsafe-eval'", *(["'unsafe-inline'"] if self.preview else sorted(self.scripts))],
            ),
            ("style-src", ["'self'", *sorted(self.styles)]),
            # Material's icons are data: URIs in its style sheet.
            ("img-src", ["'self'", "data:", *hosts]),
            ("media-src", ["'self'", *hosts]),
            ("font-src", ["'self'"]),
            ("connect-src", ["'self'"]),
            ("manifest-src", ["'self'"]),
            ("frame-src", hosts or ["'none'"]),
            ("worker-src", ["'self'"]),
            ("object-src", ["'none'"]),
            ("base-uri", ["'self'"]),
            ("form-action", ["'self'"]),
        ]
        if header:
            directives.append(("frame-ancestors", ["'none'"]))
        return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)

    def headers(self) -> list[tuple[str, str]]:
        """Every header the site's pages should be sent with."""
        found = [
            ("Content-Security-Policy", self.content_security_policy(header=True)),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ]
        return found

    def headers_file(self) -> str:
        """The ``_headers`` file of Netlify and Cloudflare Pages: every path gets every header; the
        Onion-Location header names the same path on the onion service (``:splat``)."""
        lines = ["# Written by the newsroom's build (hooks/newsroom/browser_policy.py): do not edit.", "/*"]
        lines += [f"  {name}: {value}" for name, value in self.headers()]
        if self.onion_location:
            lines.append(f"  Onion-Location: {self.onion_location}:splat")
        return "\n".join(lines) + "\n"

    def onion_address(self, page_url: str) -> str | None:
        """Where the page at ``page_url`` (relative to the site root) is on the onion service."""
        if not self.onion_location:
            return None
        return self.onion_location + page_url.lstrip("/")


def check_onion_location(value: object) -> str:
    """The ``onion_location`` setting, checked: an http(s) address on a ``.onion`` host, ending in ``/``;
    a ``ValueError`` saying what is expected otherwise."""
    expected = "expected the site's address as an onion service, such as http://<56 characters>.onion/"
    if not isinstance(value, str):
        raise ValueError(f"{expected}, got {value!r}")
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise ValueError(f"{expected}, got {value!r}") from None
    label = host.removesuffix(".onion").rsplit(".", 1)[-1]
    if (
        parts.scheme not in ("http", "https")
        or not host.endswith(".onion")
        or len(label) != 56
        or not label.isalnum()
        or not label.isascii()
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or port is not None
    ):
        raise ValueError(f"{expected}, got {value!r}")
    path = parts.path or "/"
    return f"{parts.scheme}://{host}{path if path.endswith('/') else path + '/'}"


def policy_for(
    scripts: Iterable[str],
    styles: Iterable[str] = (),
    embed_hosts: Iterable[str] = (),
    onion: str | None = None,
    preview: bool = False,
) -> BrowserPolicy:
    """The policy allowing exactly the given inline scripts and styles (their texts)."""
    return BrowserPolicy(
        scripts=frozenset(digest(s) for s in scripts),
        styles=frozenset(digest(s) for s in styles),
        embed_hosts=tuple(embed_hosts),
        onion_location=onion,
        preview=preview,
    )
