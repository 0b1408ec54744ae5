"""The edge between the newsroom domain and MkDocs: the only package that imports MkDocs.

``hooks/newsroom_hooks.py`` forwards MkDocs events to one ``NewsroomSite``,
which turns the archive into MkDocs files and pages and hands views to the
templates. Moving to another engine (ProperDocs, or another) means rewriting
this package only:

- ``site``: the build's state and the MkDocs events
- ``pages``: release, listing and redirect pages as MkDocs pages
- ``rendering``: release bodies converted with one parser per build, in parallel on full builds
- ``theme``: Material's shared page parts rendered once, interface strings looked up once
"""

from .site import NewsroomSite

__all__ = ["NewsroomSite"]
