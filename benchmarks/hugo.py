"""The same archive built by Hugo, as the issue's comparison asks: a minimal site with the
releases' pages, the four taxonomies with their term pages and RSS, paginated by 20; and that
site indexed by Pagefind ("Hugo + Pagefind"). Hugo is Debian's package (``apt install hugo``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CONFIG = """\
baseURL = "https://newsroom.example.org/"
languageCode = "en"
title = "Newsroom"
paginate = 20
disableKinds = []

[taxonomies]
region = "regions"
country = "countries"
topic = "topics"
organization = "organizations"

[markup.goldmark.renderer]
unsafe = true
"""

LAYOUTS = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{ range .AlternativeOutputFormats -}}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{- end }}
</head>
<body>
<nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/regions/">Regions</a> <a href="/countries/">Countries</a>
<a href="/topics/">Topics</a> <a href="/organizations/">Organizations</a></nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p>{{ with .Params.dateline }}{{ . }} · {{ end }}
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "January 2, 2006" }}</time></p>
<p>{{ .Params.summary }}</p>
{{ .Content }}
{{ range $taxonomy := slice "regions" "countries" "topics" "organizations" }}
<p>{{ range $.GetTerms $taxonomy }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ end }}
</article>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate (cond .IsHome .Site.RegularPages .Pages) }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "January 2, 2006" }} · {{ .Params.summary }}</p></article>
{{ end }}
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>
{{ end }}</ul>
{{ end }}
""",
}


def hugo_project(project: Path) -> Path:
    """The Hugo site of ``project``'s releases, beside it (``<project>-hugo``), made once: its
    content is the same Markdown files, linked, not copied."""
    site = project.with_name(project.name + "-hugo")
    stamp = site / ".generated"
    releases = sorted((project / "press_releases").glob("[!_]*.md"))
    if stamp.exists() and stamp.read_text() == str(len(releases)):
        return site
    shutil.rmtree(site, ignore_errors=True)
    content = site / "content" / "news"
    content.mkdir(parents=True)
    (site / "config.toml").write_text(CONFIG)
    for name, text in LAYOUTS.items():
        target = site / "layouts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for path in releases:
        os.link(path, content / path.name)
    stamp.write_text(str(len(releases)))
    return site


def hugo_command(site: Path, output: Path) -> list[str]:
    binary = shutil.which("hugo")
    if binary is None:
        raise SystemExit("--compare hugo needs Hugo: apt install hugo (Debian's package)")
    return [binary, "--quiet", "--source", str(site), "--destination", str(output)]


def pagefind_command(output: Path) -> list[str]:
    from pagefind.service import get_executable

    return [str(get_executable()), "--site", str(output), "--silent"]
