"""Reading and validating press releases.

Front matter is split off with python-frontmatter and parsed by PyYAML's
composer (the C one where available), which keeps the line of every value,
so that each problem can name its file, line and field. Nothing is
constructed from YAML tags: a value is taken as text, a list or a mapping,
and typed here, field by field, by the kind ``schema`` declares for it.

- ``release``: ``parse_release`` and ``read_release``, one file from its bytes to a ``Release``
- ``characters``: the characters no release may hold
- ``nodes``: the YAML layer (lines, tags, keys given twice, aliases)
- ``moments``: ``parse_moment``, dates and times with their range and clock-change rules
- ``values``: fields written as text (text, names, moments, true/false, slug, language, aliases)
- ``records``: fields written as mappings (image, corrections, translations, extra), and
  ``FieldReader``, which reads each field by its kind
"""

from .moments import DATE_HINT, MAX_YEAR, MIN_YEAR, parse_moment
from .nodes import MAX_VALUES, FrontMatterHandler
from .records import IMAGE_FIELDS, IMAGE_TYPES, PhotoCheck
from .release import parse_release, read_bytes, read_release, release_files
from .values import MAX_ALIAS, MAX_SLUG, MAX_TERM, default_slug, normalize_alias

__all__ = [
    "DATE_HINT",
    "IMAGE_FIELDS",
    "IMAGE_TYPES",
    "MAX_ALIAS",
    "MAX_SLUG",
    "MAX_TERM",
    "MAX_VALUES",
    "MAX_YEAR",
    "MIN_YEAR",
    "FrontMatterHandler",
    "PhotoCheck",
    "default_slug",
    "normalize_alias",
    "parse_moment",
    "parse_release",
    "read_bytes",
    "read_release",
    "release_files",
]
