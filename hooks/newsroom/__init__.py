"""newsroom: the domain of a press-release archive, free of any site engine.

The modules, one concern each:

- ``model``: what a release is (plain dataclasses)
- ``fieldspec``, ``schema``: how a front-matter field is declared (once, on its ``model.Release``
  attribute), and the fields collected from there (reader, ``make new`` and README come from them)
- ``sources``: the one walk of the releases folder; only regular files inside the project are read
- ``reader``: reading and validating release files (a package: characters, YAML nodes, moments, fields)
- ``archive``: the whole collection, cross-file checks and publication state
- ``publication``: drafts, embargoes and the build's clock (moments compared as UTC instants)
- ``bodies``: Markdown to HTML, one parse of it for checks, page, feeds and search; the sanitizer
- ``policy``: what a body may hold (the walk that checks it, the nh3 allowlist)
- ``links``: addresses compared as browsers read them; the guard against links to held releases
- ``cache``: Markdown conversions kept between builds, by content
- ``outputs``: every address the site writes, claimed once
- ``publish``: the new site swapped in whole, or not at all
- ``taxonomy``: terms, their slugs, related releases
- ``urls``: the URL scheme
- ``views``: what each page shows (views for the templates)
- ``listings``: home, news, years, taxonomy indexes, term pages, pagination
- ``feeds``: RSS, Atom and JSON Feed
- ``search``: the Pagefind index
- ``sitemap``, ``redirects``, ``images``: sitemap.xml (and the news sitemap, robots.txt), redirect
  pages, thumbnails
- ``organization``, ``structured_data``: the publisher (its setting, logo and the feeds' icon);
  schema.org JSON-LD for search engines
- ``settings``, ``errors``, ``progress``, ``parallel``: settings, problems for editors, build
  timings, work shared out to forked processes
- ``cli``: ``make check``, ``make new`` and ``fields``
- ``mkdocs_site``: the only package that knows MkDocs
"""
