"""Importing an existing archive: feeds, WordPress exports and saved HTML pages become releases.

``items`` is the shape every source is read into (plain data, no files written); the readers
(``feeds``, ``wordpress``, ``html_pages``) turn a source into items; ``mapping`` reads the
mapping file; ``writer`` turns items into release files and the report; ``command`` is
``python -m newsroom import`` (``make import``).
"""
