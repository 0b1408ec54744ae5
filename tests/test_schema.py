"""The front-matter schema is the one declaration of the fields: the reader, ``make new`` and the
README's field table all come from it, and cannot drift apart."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from newsroom import cli, schema
from newsroom.model import Release
from newsroom.reader import parse_release
from newsroom.reader.records import READERS
from newsroom.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(project_dir=Path("/nowhere"), timezone="Asia/Seoul")
#: What ``make new`` fills into the template (``cli.new``).
PLACES = {
    "title": '"A title"',
    "date": "2026-11-26T10:00:00+09:00",
    "timezone": "Asia/Seoul",
    "slug": "a-title",
    "year": 2026,
    "language": "en",
    "day": "2026-11-26",
    "dateline_hint": "City",
}
#: Attributes of a release that do not come from its front matter.
NOT_FIELDS = {"source", "name", "packed_body", "lines", "body_line", "edition"}


def readme_table(readme: str) -> str:
    """The table under '### Front matter' in the README: its first run of lines starting with '|'."""
    section = readme.split("\n### Front matter\n", 1)[1]
    match = re.search(r"^\|.*\n(?:\|.*\n)*", section, re.MULTILINE)
    assert match is not None, "no table under '### Front matter'"
    return match[0]


def test_the_readme_field_table_is_the_schema():
    """When this fails, paste the output of `python -m newsroom fields` over the README's table."""
    assert readme_table((ROOT / "README.md").read_text(encoding="utf-8")) == schema.readme_table()


def test_the_fields_command_prints_the_table(capsys):
    assert cli.main(["fields"]) == 0
    assert capsys.readouterr().out == schema.readme_table()


def test_a_table_changed_by_hand_is_told_apart():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme_table(readme)
    changed = readme.replace(table, table.replace(" |\n", " (changed by hand) |\n", 3))
    assert readme_table(changed) != schema.readme_table()


def test_every_field_is_a_release_attribute_and_every_attribute_a_field():
    attributes = {f.name for f in dataclasses.fields(Release)} - NOT_FIELDS
    assert [f.name for f in schema.FIELDS] == list(dict.fromkeys(f.name for f in schema.FIELDS)), "a name twice"
    assert set(schema.BY_NAME) == attributes


def test_every_kind_has_a_reader():
    assert set(READERS) == set(schema.Kind)


def test_a_new_release_holds_every_field_under_its_explanation():
    text = cli.NEW_RELEASE.format(**PLACES)
    lines = text.split("\n")
    hints = {f: "# " + "Required. " * f.required + f.hint.format(**PLACES) for f in schema.FIELDS}
    for f in schema.FIELDS:
        (at,) = [i for i, line in enumerate(lines) if re.match(rf"(# )?{f.name}:", line)]
        assert lines[at].startswith("# ") == (not (f.active or f.required)), f"{f.name}: commented out or not"
        hint = next(line for line in reversed(lines[:at]) if line in hints.values())
        assert hint == hints[f], f"{f.name}: under another field's explanation"
    release, problems = parse_release(text.encode(), "2026-11-26-a-title.md", SETTINGS)
    assert problems == [] and release is not None and release.draft


def test_every_example_of_a_new_release_is_valid():
    """Each field as a new release shows it, commented out or not, is read without a problem."""
    front = "\n".join(line for f in schema.FIELDS for line in f.example_lines())
    text = ("---\n" + front + "\n---\n\nBody.\n").format(**PLACES)
    release, problems = parse_release(text.encode(), "2026-11-26-a-title.md", SETTINGS, file_exists=lambda _: True)
    assert problems == []
    assert release is not None
    assert set(release.lines) == set(schema.BY_NAME)
    for f in schema.FIELDS:
        if f.example not in ("", "[]"):  # left for the editor to fill in
            assert getattr(release, f.name) not in (None, (), {}), f.name
