"""newsroom: the domain of a press-release archive, free of any site engine.

The modules, one concern each:

- ``model``: what a release is (plain dataclasses)
- ``reader``: reading and validating release files
- ``archive``: the whole collection, cross-file checks and publication state
- ``publication``: drafts, embargoes and the build's clock
- ``taxonomy``: terms, their slugs, related releases
- ``urls``: the URL scheme
- ``views``: what each page shows (views for the templates)
- ``listings``: home, news, years, taxonomy indexes, term pages, pagination
- ``feeds``: RSS, Atom and JSON Feed
- ``search``: the Pagefind index
- ``sitemap``, ``redirects``, ``images``: sitemap.xml, redirect pages, thumbnails
- ``settings``, ``errors``, ``progress``: settings, problems for editors, build timings
- ``cli``: ``make check`` and ``make new``
- ``mkdocs_site``: the only package that knows MkDocs
"""
