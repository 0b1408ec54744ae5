"""The front matter of a release: every top-level field, in the order editors see them, as
``model.Release`` declares them (each attribute with ``fieldspec.front_matter`` in its metadata).

Each field says what kind of value it holds (the reader has one reader per kind, ``reader.records``),
whether a release needs it, what it holds (the README's field table is ``readme_table()``, and a test
holds the README to it: ``python -m newsroom fields`` prints it) and how a new release shows it
(``make new`` writes ``new_release_front_matter()``). A field's value becomes the ``model.Release``
attribute of the same name.

Adding a field: declare it on ``model.Release``, with its type and its ``front_matter(...)``; show it
in the template that renders it. If no kind fits, add one to ``fieldspec.Kind`` and its reader.
``test_schema`` then asks for the README's table to be pasted from ``python -m newsroom fields``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace

from .fieldspec import KEY, Field, Kind
from .model import Release

__all__ = ["BY_NAME", "FIELDS", "REQUIRED", "Field", "Kind", "new_release_front_matter", "readme_table"]


FIELDS: tuple[Field, ...] = tuple(replace(f.metadata[KEY], name=f.name) for f in fields(Release) if KEY in f.metadata)
"""Every front-matter field, in the order ``model.Release`` declares them."""

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)


def _runs(fields: tuple[Field, ...], key: str) -> Iterator[list[Field]]:
    """Consecutive fields with the same ``key`` attribute, together."""
    run: list[Field] = []
    for f in fields:
        if run and getattr(f, key) != getattr(run[0], key):
            yield run
            run = []
        run.append(f)
    if run:
        yield run


def readme_table() -> str:
    """The field reference of the README (under "Front matter"), as a Markdown table."""
    rows = ["| field | | what it holds |", "|---|---|---|"]
    for run in _runs(FIELDS, "about"):
        names = ", ".join(f"`{f.name}`" for f in run)
        required = " required " if any(f.required for f in run) else " "
        rows.append(f"| {names} |{required}| {run[0].about} |")
    return "\n".join(rows) + "\n"


def new_release_front_matter() -> str:
    """The lines between the '---' of a new release: every field with its hint, those not ``active``
    commented out. A ``str.format`` template (see ``Field.example``)."""
    lines = []
    for run in _runs(FIELDS, "hint"):
        required = "Required. " if run[0].required else ""
        lines.append(f"# {required}{run[0].hint}")
        for f in run:
            prefix = "" if f.active or f.required else "# "
            lines.extend(prefix + line for line in f.example_lines())
    return "\n".join(lines) + "\n"
