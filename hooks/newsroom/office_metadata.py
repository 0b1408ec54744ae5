"""What an office document tells beyond its text: who wrote it, what an edit deleted, comments,
and the photos inside it; removing what can be removed.

A Word, Excel or PowerPoint file (Office Open XML) or an OpenDocument file is a zip archive of
XML parts. Its properties name its author and whoever saved it last (``docProps/core.xml``,
``meta.xml``); its tracked changes keep the text an edit deleted, with who deleted it and when;
its comments keep what reviewers said and their names; its photos keep their cameras' metadata.
A release may ship such a file next to it, and every download carries all of it. The build
refuses one that holds any (``found_in``, through ``document_metadata.inspect``); ``strip``
removes the names from the properties and the metadata of the JPEG photos inside, and leaves
the tracked changes and comments, which only the program that made the file can resolve, to the
editor (or publish the document as PDF).

The archive is read with the standard library's ``zipfile`` and each XML part with lxml, without
entities, DTDs or network; a part larger than ``MOST_PART_BYTES`` or an archive of more than
``MOST_PARTS`` parts (what a zip bomb is made of) is refused.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from . import embedded, photo_metadata

OOXML = frozenset({".docx", ".xlsx", ".pptx"})
ODF = frozenset({".odt", ".ods", ".odp"})
SUFFIXES = OOXML | ODF
AUTHOR = "the name of its author"
CHANGES = "tracked changes (the text an edit deleted, and who deleted it)"
COMMENTS = "comments, with their authors' names"
MOST_PARTS = 10_000
MOST_PART_BYTES = 64 * 2**20

#: The properties that name a person: OOXML's ``dc:creator`` and ``cp:lastModifiedBy``, ODF's
#: ``dc:creator`` and ``meta:initial-creator``.
_NAMES = frozenset({"creator", "lastModifiedBy", "initial-creator"})
#: Tracked changes in Word's parts: insertions, deletions, moves and changes of formatting.
_CHANGES = frozenset(
    {"ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange"}
    | {"tcPrChange", "numberingChange"}
)
#: A comment, in Word, Excel (and its threaded comments) and PowerPoint.
_COMMENTS = frozenset({"comment", "threadedComment", "cm"})


def found_in(path: Path | str) -> set[str]:
    """What the document at ``path`` holds (``AUTHOR``, ``CHANGES``, ``COMMENTS``, and its photos'
    ``photo_metadata`` kinds). Raises ValueError for a file that is not such a
    document, or that is too large to look through."""
    found: set[str] = set()
    with _opened(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if name in ("docProps/core.xml", "meta.xml"):
                if any(_text(element) for element in _elements(archive, info, _NAMES)):
                    found.add(AUTHOR)
            elif name in ("content.xml", "styles.xml"):  # OpenDocument's
                for element in _elements(archive, info, {"tracked-changes", "annotation"}):
                    if etree.QName(element).localname == "annotation":
                        found.add(COMMENTS)
                    elif len(element):
                        found.add(CHANGES)
            elif name.startswith("xl/revisions/"):
                found.add(CHANGES)
            elif _is_comments(name):
                if any(True for _ in _elements(archive, info, _COMMENTS)):
                    found.add(COMMENTS)
            elif name.startswith("word/") and name.endswith(".xml"):
                if any(True for _ in _elements(archive, info, _CHANGES)):
                    found.add(CHANGES)
            elif _is_photo(name):
                found.update(embedded.identifying(_read(archive, info)))
    return found


def _opened(path: Path | str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ValueError(f"is not a document that can be read ({err}): save it again") from None
    if len(archive.infolist()) > MOST_PARTS:
        archive.close()
        raise ValueError(f"holds more than {MOST_PARTS:,} parts, which no office program writes: save it again")
    return archive


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes, at most ``MOST_PART_BYTES`` of them whatever its header claims."""
    try:
        with archive.open(info) as part:
            data = part.read(MOST_PART_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as err:
        raise ValueError(f"holds a part that cannot be read ({info.filename}: {err}): save it again") from None
    if len(data) > MOST_PART_BYTES:
        raise ValueError(
            f"holds a part larger than {MOST_PART_BYTES // 2**20} MB ({info.filename}), which is refused "
            "rather than read: save it again"
        )
    return data


def _elements(archive: zipfile.ZipFile, info: zipfile.ZipInfo, names: frozenset[str] | set[str]) -> list:
    """The elements of an XML part whose local names are in ``names``."""
    try:
        root = etree.fromstring(_read(archive, info), photo_metadata.SAFE_XML)
    except etree.XMLSyntaxError as err:
        raise ValueError(f"holds a part that cannot be read ({info.filename}: {err}): save it again") from None
    return [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in names]


def _text(element: etree._Element) -> bool:
    return bool("".join(element.itertext()).strip())


def _is_comments(name: str) -> bool:
    base = posixpath.basename(name).lower()
    return name.endswith(".xml") and (
        base.startswith(("comments", "threadedcomment")) or "/comments/" in name or "/threadedComments/" in name
    )


def _is_photo(name: str) -> bool:
    return name.lower().endswith((".jpg", ".jpeg")) and (
        name.startswith(("word/media/", "xl/media/", "ppt/media/", "Pictures/"))
    )


def strip(path: Path | str) -> set[str]:
    """Remove from the document at ``path``, in place, the names in its properties and the metadata
    of its JPEG photos; what it held before (``found_in``). Raises ValueError, changing nothing,
    when it holds tracked changes or comments, which only the program that made it can resolve."""
    before = found_in(path)
    if not before:
        return set()
    if CHANGES in before or COMMENTS in before:
        raise ValueError(
            "holds tracked changes or comments: accept or reject the changes and delete the comments in the "
            "program that made it (or publish it as PDF), then run this again"
        )
    folder = os.path.dirname(os.path.abspath(path))
    with _opened(path) as archive, tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as out:
        try:
            with zipfile.ZipFile(out, "w") as written:
                for info in archive.infolist():  # in order, each as it was stored (ODF's mimetype first, unpacked)
                    data = _read(archive, info)
                    if info.filename in ("docProps/core.xml", "meta.xml"):
                        data = _without_names(data)
                    elif _is_photo(info.filename):
                        data = embedded.without_metadata(data)
                    written.writestr(info, data, compress_type=info.compress_type)
        except BaseException:
            os.unlink(out.name)
            raise
    os.replace(out.name, path)
    left = found_in(path)
    if left:
        raise ValueError(f"still holds {', '.join(sorted(left))}: save it again without them")
    return before


def _without_names(data: bytes) -> bytes:
    root = etree.fromstring(data, photo_metadata.SAFE_XML)
    for element in [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in _NAMES]:
        element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
