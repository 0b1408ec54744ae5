"""Reading and validating one release: ``parse_release`` takes the bytes of a file through the
checks of its text (UTF-8, forbidden characters), of its front matter as YAML (``nodes``) and of
each field by its kind (``records.FieldReader``, over ``schema.FIELDS``), to a ``model.Release``
or the problems that keep it from being published."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from ..editions import release_prefix
from ..errors import Problem
from ..model import Release
from ..packing import pack
from ..schema import BY_NAME, FIELDS, REQUIRED
from ..settings import Settings
from ..sources import MAX_TEXT_BYTES, MISSING, Photos, scan, text_size_issue
from .characters import (
    BIDI_CONTROL_BYTES,
    BIDI_CONTROLS,
    CANNOT_START_FORBIDDEN,
    FORBIDDEN,
    character_message,
    find_forbidden,
    find_unclosed,
)
from .nodes import (
    BOOL,
    FLOAT,
    INT,
    NULL,
    STR,
    FrontMatterHandler,
    Source,
    alias_trouble,
    field_at,
    field_of,
    field_of_node,
    inspect_nodes,
    short_tag,
)
from .records import FieldReader, PhotoCheck
from .values import unknown

#: The values a release cannot be made without: the required fields', and its slug (given, or
#: from the file name). Each is None only with a problem saying why.
_NEEDED = (*REQUIRED, "slug")

#: At most this many characters are reported for one file.
MAX_CHARACTER_PROBLEMS = 10


def parse_release(
    data: bytes,
    name: str,
    settings: Settings,
    file_exists: Callable[[str], bool] | None = None,
    photos: PhotoCheck | None = None,
) -> tuple[Release | None, list[Problem]]:
    """Validate one release from the bytes of its file.

    ``name`` is the file's path relative to the releases folder. Returns the
    release, or None with the problems that keep it from being published.
    ``photos`` checks the file an ``image.src`` names (by default ``sources.Photos``:
    a regular file inside the project, holding the image its extension says);
    ``file_exists`` instead only asks whether it exists (for tests without files).
    """
    source = f"{settings.releases_dir}/{name}"
    if photos is None:
        if file_exists is not None:
            exists = file_exists

            def photos(relative: str) -> str | None:
                return None if exists(relative) else MISSING
        else:
            photos = Photos(settings)

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start]
        return None, [
            Problem(source, f"invalid UTF-8 at byte {err.start} (0x{byte:02x}); save the file as UTF-8", line)
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    unmarked = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a byte-order mark is allowed
    found = find_forbidden(text) if unmarked.translate(None, CANNOT_START_FORBIDDEN) else []
    if BIDI_CONTROL_BYTES.search(unmarked) is not None:
        found = sorted(found + find_unclosed(text))
    if not found:
        return _parse_text(text, name, source, settings, photos)
    # Report every character where it is, and read the rest as if they were not there.
    text = BIDI_CONTROLS.sub("\ufffd", FORBIDDEN.sub("\ufffd", text))
    _, problems = _parse_text(text, name, source, settings, photos)
    problems.extend(character_problems(text, found, source))
    problems.sort(key=lambda p: p.line or 0)
    return None, problems


def character_problems(text: str, found: list[tuple[int, str]], source: str) -> list[Problem]:
    """A problem for each forbidden character of ``text`` (at the positions in ``found``), naming
    the front-matter field that holds it."""
    stripped = text.lstrip()
    first_line = text[: len(text) - len(stripped)].count("\n") + 1
    handler = FrontMatterHandler()
    root = None
    if handler.detect(stripped):
        try:
            root = handler.load(handler.split(stripped)[0])
        except (ValueError, yaml.YAMLError):
            root = None
    problems = []
    for position, character in found[:MAX_CHARACTER_PROBLEMS]:
        line_start = text.rfind("\n", 0, position) + 1
        line = text.count("\n", 0, position) + 1
        # The front matter's text starts on the line of its opening '---'.
        field = field_at(root, line - first_line, position - line_start) if root is not None else None
        problems.append(Problem(source, character_message(character), line, field))
    if len(found) > MAX_CHARACTER_PROBLEMS:
        line = text.count("\n", 0, found[MAX_CHARACTER_PROBLEMS][0]) + 1
        rest = found[MAX_CHARACTER_PROBLEMS:]
        kinds = (
            "control characters, noncharacters or open bidirectional controls"
            if any(FORBIDDEN.match(c) is None for _, c in rest)
            else "control characters or noncharacters"
        )
        problems.append(
            Problem(
                source,
                (f"and {len(found) - MAX_CHARACTER_PROBLEMS} more {kinds} from here on; delete them all"),
                line,
            )
        )
    return problems


def _parse_text(
    text: str, name: str, source: str, settings: Settings, photos: PhotoCheck
) -> tuple[Release | None, list[Problem]]:
    """Validate one release from its text (decoded, with '\\n' line ends)."""
    problems: list[Problem] = []
    if not text.strip():
        problems.append(
            Problem(source, "the file is empty; a release starts with front matter holding title, date and summary", 1)
        )
        return None, problems

    stripped = text.lstrip()
    skipped_lines = text[: len(text) - len(stripped)].count("\n")
    handler = FrontMatterHandler()
    if not handler.detect(stripped):
        problems.append(
            Problem(
                source,
                "no front matter; a release starts with a line '---', then fields such as "
                "'title:', 'date:' and 'summary:', then a line '---'",
                skipped_lines + 1,
            )
        )
        return None, problems
    try:
        fm, body = handler.split(stripped)
    except ValueError:
        problems.append(
            Problem(source, "the front matter opened here is never closed by a line '---'", skipped_lines + 1)
        )
        return None, problems

    src = Source(source, skipped_lines + 1, problems)
    # The closing '---' is on line first + fm.count("\n"); the body starts after the blank lines below it.
    body_line = skipped_lines + 1 + fm.count("\n") + len(body) - len(body.lstrip("\n"))
    try:
        root = handler.load(fm)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = src.first_line + mark.line if mark else src.first_line
        detail = " ".join(str(p) for p in (err.context, err.problem) if p)
        src.error(line, None, f"YAML syntax error in the front matter: {detail}")
        return None, problems
    except yaml.YAMLError as err:
        src.error(src.first_line, None, f"YAML error in the front matter: {err}")
        return None, problems

    if root is None or (isinstance(root, ScalarNode) and root.tag == NULL):
        src.error(src.first_line, None, "the front matter is empty; a release needs title, date and summary")
        return None, problems
    inspection = inspect_nodes(root, aliases="*" in fm)
    for bad in inspection.unsafe:
        src.error(
            bad,
            field_of(root, bad),
            (
                f"YAML tag '{short_tag(bad.tag)}' is not allowed; front matter holds only text, "
                "numbers, true/false, lists and mappings"
            ),
        )
    if inspection.unsafe:
        return None, problems
    if inspection.shared:
        trouble = alias_trouble(root)
        if trouble is not None:
            src.error(trouble[0], field_of(root, trouble[0]), trouble[1])
            return None, problems
    if not isinstance(root, MappingNode):
        src.error(root, None, "the front matter must be 'field: value' lines, such as 'title: ...'")
        return None, problems
    for first, again in inspection.duplicates:
        src.error(
            again,
            field_of_node(root, again),
            f"appears twice (lines {src.line(first)} and {src.line(again)}); keep one",
        )
    for node, character in inspection.escaped:
        src.error(node, field_of_node(root, node), character_message(character, escaped=True))

    nodes: dict[str, Node] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key is None or key_node.tag not in (STR, INT, FLOAT, BOOL, NULL):
            src.error(key_node, None, "a field name must be a plain word such as 'title'")
            continue
        if key in nodes:
            src.error(key_node, key, f"appears twice (lines {lines[key]} and {src.line(key_node)}); keep one")
            continue
        if key not in BY_NAME:
            src.error(key_node, key, unknown("field", key, BY_NAME) + "; put custom fields under 'extra:'")
            continue
        nodes[key] = value_node
        lines[key] = src.line(key_node)

    for key in REQUIRED:
        if key not in nodes:
            src.error(src.first_line, key, f"missing; every release needs a {key}")

    fields = FieldReader(src, settings.zone, name, photos, settings.language, settings.languages)
    values = {f.name: fields.read(f, nodes.get(f.name)) for f in FIELDS}
    when, updated = values["date"], values["updated"]
    if when and updated and updated.astimezone(UTC) < when.astimezone(UTC):
        src.error(
            nodes["updated"],
            "updated",
            (
                f"{nodes['updated'].value} is before the release's date ({nodes['date'].value}); 'updated' says "
                "when the release last changed, after it was published"
            ),
        )

    if problems or any(values[key] is None for key in _NEEDED):
        problems.sort(key=lambda p: p.line or 0)
        return None, problems
    return Release(
        source=source,
        name=name,
        packed_body=pack(body.strip("\n")),
        lines=lines,
        body_line=body_line,
        edition=release_prefix(values["language"], settings),
        **values,
    ), problems


def read_release(
    settings: Settings,
    name: str,
    file_exists: Callable[[str], bool] | None = None,
    photos: PhotoCheck | None = None,
) -> tuple[Release | None, list[Problem]]:
    """Read and validate the release at ``name``, relative to the releases folder (a file
    ``sources.scan`` found: a regular file inside the project)."""
    data, problems = read_bytes(settings, name)
    if data is None:
        return None, problems
    return parse_release(data, name, settings, file_exists, photos)


def read_bytes(settings: Settings, name: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of the release file at ``name``, or why they cannot be read."""
    source = f"{settings.releases_dir}/{name}"
    try:
        # Never blocks: should the file have become a named pipe since the walk, it is refused below.
        descriptor = os.open(settings.releases_path / name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        return None, [Problem(source, f"cannot be read: {err.strerror}")]
    with open(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None, [Problem(source, "the file is not a regular file; only regular files are read: remove it")]
        data = file.read(MAX_TEXT_BYTES + 1)  # no more, should the file grow as it is read
        issue = text_size_issue(max(len(data), os.fstat(descriptor).st_size) if len(data) > MAX_TEXT_BYTES else 0)
        if issue is not None:
            return None, [Problem(source, f"the file {issue}")]
        return data, []


def release_files(settings: Settings) -> list[str]:
    """The release files of the releases folder, relative to it, sorted (see ``sources.scan``,
    which also says what is wrong with the others)."""
    return scan(settings).releases
