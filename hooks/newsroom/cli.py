"""Editor tools: ``check`` validates every release without building HTML; ``new`` starts a release;
``fields`` prints the README's table of front-matter fields (``schema.readme_table``).

    python -m newsroom check [-f mkdocs.yml]
    python -m newsroom new "Title of the release" [-f mkdocs.yml]
    python -m newsroom fields
    python -m newsroom import FROM [--as rss|wordpress|html] [--map import-map.yml] [--dry-run]

(``make check`` and ``make new TITLE="..."`` run these.) ``check`` runs the
build's own checks through the build itself, stopping before it writes anything
(``mkdocs_site.check``), and exits 1 on any problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from . import schema
from .publication import build_time
from .settings import Settings, SettingsError


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for the few settings we need, whatever tags (!ENV, !!python/name) it holds."""


def _ignore_tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def load_settings(config_file: Path) -> Settings:
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    theme = config.get("theme") or {}
    options = (config.get("extra") or {}).get("newsroom")
    return Settings.from_mapping(
        Path(os.path.abspath(config_file)).parent,
        options,
        language=(theme.get("language") if isinstance(theme, dict) else None) or "en",
        site_url=config.get("site_url"),
    )


#: A new release: every field with what it holds (``schema``), those it needs filled in, and a draft.
NEW_RELEASE = "---\n" + schema.new_release_front_matter() + "---\n\n({dateline_hint}) – Write the release here.\n"


#: Where ``make new`` puts the title: through the environment, never through a shell command
#: line, so that a title holding $, backquotes or quotes is taken exactly as written.
TITLE_VARIABLE = "NEWSROOM_TITLE"


def new(settings: Settings, title: str) -> int:
    """Create ``press_releases/YYYY-MM-DD-<slug>.md`` dated now, print its path."""
    title = " ".join(title.split())
    control = next((c for c in title if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        print(f"new: the title holds the control character U+{ord(control):04X}; write it without", file=sys.stderr)
        return 2
    slug = slugify(title, max_length=80, word_boundary=True)
    if not slug:
        print('new: give the release a title with letters or digits: make new TITLE="..."', file=sys.stderr)
        return 2
    try:
        now = build_time(settings.zone)
    except ValueError as err:
        print(f"new: {err}", file=sys.stderr)
        return 2
    day = now.date().isoformat()
    path = settings.releases_path / f"{day}-{slug}.md"
    if path.exists():
        print(f"new: {path.relative_to(settings.project_dir)} already exists; choose another title", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        NEW_RELEASE.format(
            title=yaml.safe_dump(title, allow_unicode=True, default_style='"', width=1_000_000).strip(),
            date=now.isoformat(),
            timezone=settings.timezone,
            slug=slug,
            year=now.year,
            language=settings.language,
            day=day,
            dateline_hint="City",
        ),
        encoding="utf-8",
    )
    print(path.relative_to(settings.project_dir).as_posix())
    return 0


def strip_photos(settings: Settings) -> int:
    """Remove the identifying metadata of every photo, video, recording and PDF of the releases
    folder, saying what was done."""
    from . import document_metadata, photo_metadata, video_metadata
    from .images import PHOTO_FORMATS
    from .sources import scan

    assets = [settings.releases_path / relative for relative in scan(settings).assets]
    photos = [path for path in assets if path.suffix.lower() in PHOTO_FORMATS]
    videos = [path for path in assets if path.suffix.lower() in video_metadata.SUFFIXES]
    documents = [path for path in assets if path.suffix.lower() in document_metadata.SUFFIXES]
    done = photo_metadata.strip_all(photos) + video_metadata.strip_all(videos) + document_metadata.strip_all(documents)
    for path, what in done:
        print(f"{path.relative_to(settings.project_dir).as_posix()}: {what}")
    if not done:
        print(
            f"strip-photos: none of the {len(photos)} photos held a GPS position, a serial number or an owner's "
            f"name, none of the {len(videos)} videos and recordings a GPS position, and none of the "
            f"{len(documents)} documents an author's name or such a photo"
        )
    return 1 if any(what.startswith("not changed") for _, what in done) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsroom", description="Newsroom editor tools.")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate every release without building the site")
    commands.add_parser("fields", help="print the README's table of front-matter fields")
    commands.add_parser(
        "strip-photos",
        help="remove GPS positions, serial numbers and owners' names from the photos, positions from the videos "
        "and recordings, and authors' names from the PDFs of the releases folder",
    )
    create = commands.add_parser("new", help="start a new release dated now")
    create.add_argument("title", nargs="?", help=f"the title (else the environment variable {TITLE_VARIABLE})")
    from .importer.arguments import add_arguments

    add_arguments(commands.add_parser("import", help="import an existing archive (feeds, WordPress, HTML)"))
    args = parser.parse_args(argv)
    if args.command == "fields":
        print(schema.readme_table(), end="")
        return 0
    if args.command == "check":
        from .mkdocs_site.check import check_site

        return check_site(args.config_file)
    try:
        settings = load_settings(args.config_file)
    except (OSError, SettingsError, yaml.YAMLError) as err:
        print(f"{args.config_file}: {err}", file=sys.stderr)
        return 2
    if args.command == "strip-photos":
        return strip_photos(settings)
    if args.command == "import":
        from .importer import command as importer

        return importer.run(settings, args)
    title = args.title if args.title is not None else os.environ.get(TITLE_VARIABLE, "")
    return new(settings, title)
