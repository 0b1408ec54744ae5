"""Language tags: what a well-formed BCP 47 tag looks like (releases, translations, contacts)."""

from __future__ import annotations

import re

#: Well-formed BCP 47 tags: language, optional script, region and variants.
BCP47_RE = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*\Z"
)
