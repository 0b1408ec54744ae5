"""The edge between the newsroom domain and MkDocs: the only package that imports MkDocs.

``hooks/newsroom_hooks.py`` forwards MkDocs events to one ``NewsroomSite``,
which turns the archive into MkDocs files and pages and hands views to the
templates. Moving to another engine (ProperDocs, or another) means rewriting
this package only:

- ``site``: the hook-facing class; each event handed to its phase (the table there)
- ``state``: what lives across `mkdocs serve` rebuilds (``PreviewCache``) and what lives for one
  build (``BuildState``)
- the phases, in order: ``reading`` (settings, the archive), ``collecting`` (the site's files,
  every address claimed once), ``rendering`` (bodies converted and checked), ``context`` (what
  templates get), ``writing`` (search index, sitemap, feeds, publishing)
- ``pages``: release, listing and redirect pages as MkDocs pages
- ``theme``: Material's shared page parts rendered once, interface strings looked up once
- ``check``: ``make check``, the build stopped before it writes
"""

from .site import NewsroomSite

__all__ = ["NewsroomSite"]
