"""newsroom: the domain of a press-release archive, free of any site engine.

The modules, one concern each:

- ``model``: what a release is (plain dataclasses)
- ``reader``: reading and validating release files
- ``archive``: the whole collection, cross-file checks and publication state
- ``urls``: the URL scheme
- ``settings``: the site's newsroom settings
- ``errors``: problems reported to editors
- ``mkdocs_site``: the only module that knows MkDocs
"""
