"""The theme's own copy of Material's base.html stays Material's, for the Material in use."""

from __future__ import annotations

from material_base import OURS, expected


def test_base_html_is_the_installed_materials_with_the_newsroom_changes():
    """Material writes the hashed names of its bundles into its base.html: a copy made from another
    version asks for stylesheets and scripts the build no longer ships, and the pages lose their
    look and behaviour without an error. overrides/base.html must be made from the installed one."""
    assert OURS.read_text(encoding="utf-8") == expected(), (
        "overrides/base.html is not the installed Material's base.html with the newsroom's changes "
        "(was Material upgraded?): run .venv/bin/python tests/material_base.py, and review the diff"
    )
