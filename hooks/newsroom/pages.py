"""Moved to ``views`` (what each page shows, as data for the templates): ``pages`` was also the
name of ``mkdocs_site.pages``, MkDocs' page classes. Only the site glue still imports this name
while it is being restructured; delete this module once it imports ``..views``."""

from .views import Formatter, ReleaseView, release_view

__all__ = ["Formatter", "ReleaseView", "release_view"]
