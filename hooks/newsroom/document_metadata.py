"""Who wrote a PDF, and the photos inside it that tell where they were taken; and removing both.

A PDF saved from a word processor carries its author's name (the document information's
``/Author``, XMP's ``dc:creator``): the researcher who wrote a report, or whoever typed a joint
letter, whom the organization may never have meant to name. A photo placed in a document is
often embedded whole (a JPEG, ``DCTDecode``), with its camera's metadata: the GPS position where
it was taken among it. A release may ship a PDF next to it, published as it was committed, so
the build refuses one that holds any of these (``inspect``, kept between builds as a photo's
inspection is), and ``strip`` removes them: the author's name from the document information and
its XMP, and the metadata segments (APP1: EXIF and XMP; APP13: IPTC) of each embedded JPEG,
whose picture stays byte for byte (a PDF draws a picture as its pixels lie, so no orientation
tag is needed). Only the document's latest version is read: text an editor's incremental saves
left behind in the file is not looked for.

Reading and writing use pikepdf (qpdf), pinned. Office documents (Word, Excel, PowerPoint,
OpenDocument) are read by ``office_metadata``.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeGuard

from lxml import etree

from . import embedded, images, office_metadata, photo_cache, photo_metadata

PDF = ".pdf"
#: The documents read: PDFs here, office documents by ``office_metadata``.
SUFFIXES = frozenset({PDF}) | office_metadata.SUFFIXES
AUTHOR, CHANGES, COMMENTS = office_metadata.AUTHOR, office_metadata.CHANGES, office_metadata.COMMENTS
#: Every kind, in the order messages name them (a photo's, as found in the photos it holds).
KINDS = (AUTHOR, CHANGES, COMMENTS, photo_metadata.GPS, photo_metadata.SERIAL, photo_metadata.OWNER)
_DC = "http://purl.org/dc/elements/1.1/"


def message(name: str, found: list[str]) -> str:
    """What is wrong with the document ``name`` that holds ``found`` (a sentence after its name)."""
    parts = [f"in its metadata {AUTHOR}"] if AUTHOR in found else []
    parts += [what for what in (CHANGES, COMMENTS) if what in found]
    photos = [what for what in found if what not in (AUTHOR, CHANGES, COMMENTS)]
    if photos:
        parts.append(f"in the metadata of a photo inside it {photo_metadata.joined(photos)}")
    held = f"the document holds {photo_metadata.joined(parts)}, which anyone who downloads it can read: "
    if CHANGES in found or COMMENTS in found:
        rest = ", remove the rest with `make strip-photos`" if AUTHOR in found or photos else ""
        return (
            held + "accept or reject the tracked changes and delete the comments in the program that made it "
            f"(or publish it as PDF){rest}, then commit the file again"
        )
    return (
        held + f"remove {'them' if len(found) > 1 else 'it'} with `make strip-photos` (the text and pictures are "
        "not changed), then commit the file again"
    )


def inspect(path: Path, kept: photo_cache.PhotoInspections | None = None) -> list[str]:
    """``found_in``, once for each version of the file (``images``' key of it), kept in ``kept``
    between builds. Raises ValueError for a file that is not a document that can be read."""
    name = os.fspath(path)
    key = hashlib.sha256(f"{images.version_key(name, os.stat(name))}\0pdf\0{_pikepdf_version()}".encode()).hexdigest()
    value = kept.entry(key, name) if kept is not None else None
    if kept is not None and _is_kept(value):
        kept.keep(key, name)
        issue, found = value[1], value[2]
    else:
        try:
            issue, found = None, found_in(path)
        except ValueError as err:
            issue, found = str(err), []
        if kept is not None:
            kept.put(key, name, ["pdf", issue, found])
    if issue is not None:
        raise ValueError(issue)
    return list(found)


def _is_kept(value: object) -> TypeGuard[list]:
    return (
        isinstance(value, list)
        and len(value) == 3
        and value[0] == "pdf"
        and (value[1] is None or isinstance(value[1], str))
        and isinstance(value[2], list)
        and all(what in KINDS for what in value[2])
    )


@functools.cache
def _pikepdf_version() -> str:
    from importlib import metadata

    return metadata.version("pikepdf")


def found_in(path: Path | str) -> list[str]:
    """What the document at ``path`` tells of who wrote it, what was changed in it and said about
    it, and its photos of where they were taken (``KINDS``), each once, in that order. Raises
    ValueError for a file that is not a document that can be read."""
    if os.fspath(path).lower().endswith(PDF):
        return _found_in_pdf(path)
    found = office_metadata.found_in(path)
    return [what for what in KINDS if what in found]


def _found_in_pdf(path: Path | str) -> list[str]:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return _found(pdf)
    except pikepdf.PasswordError:
        raise ValueError("is a PDF locked with a password, which the build cannot look into") from None
    except (pikepdf.PdfError, OSError) as err:
        raise ValueError(f"is not a PDF that can be read ({err}): save it again as PDF") from None


def _found(pdf: Any) -> list[str]:
    found: set[str] = set()
    author = pdf.docinfo.get("/Author") if "/Info" in pdf.trailer else None
    if author is not None and str(author).strip():
        found.add(AUTHOR)
    packet = _metadata_of(pdf.Root)
    if packet is not None:
        found.update(_in_document_xmp(packet))
    for stream, is_jpeg in _images(pdf):
        if is_jpeg:
            found.update(embedded.identifying(bytes(stream.read_raw_bytes())))
        packet = _metadata_of(stream)
        if packet is not None:
            found.update(photo_metadata.in_xmp(packet))
    return [what for what in KINDS if what in found]


def _metadata_of(owner: Any) -> bytes | None:
    import pikepdf

    stream = owner.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return None
    try:
        return bytes(stream.read_bytes())
    except pikepdf.PdfError:  # what it holds cannot be told: refused, never published unread
        raise ValueError("holds metadata that cannot be read (damaged): save it again as PDF") from None


def _in_document_xmp(packet: bytes) -> set[str]:
    found = photo_metadata.in_xmp(packet)
    try:
        root = photo_metadata.xmp_root(packet)
    except etree.XMLSyntaxError:
        return found | ({AUTHOR} if b"creator" in packet else set())
    for element in root.iter(f"{{{_DC}}}creator") if root is not None else ():
        if "".join(element.itertext()).strip():
            found.add(AUTHOR)
    return found


def _images(pdf: Any) -> Iterator[tuple[Any, bool]]:
    """Every picture the PDF holds, and whether it is a JPEG as it was (its only filter ``DCTDecode``)."""
    import pikepdf

    for item in pdf.objects:
        if isinstance(item, pikepdf.Stream) and item.get("/Subtype") == pikepdf.Name.Image:
            filters = item.get("/Filter")
            yield (
                item,
                filters == pikepdf.Name.DCTDecode
                or (isinstance(filters, pikepdf.Array) and list(filters) == [pikepdf.Name.DCTDecode]),
            )


def strip(path: Path | str) -> list[str]:
    """Remove from the document at ``path``, in place, its author's name and its photos' identifying
    metadata; what it held before (``found_in``). Raises ValueError when some is still there (or,
    for an office document, when it holds tracked changes or comments: ``office_metadata.strip``)."""
    if not os.fspath(path).lower().endswith(PDF):
        found = office_metadata.strip(path)
        return [what for what in KINDS if what in found]
    import pikepdf

    before = found_in(path)
    if not before:
        return []
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if "/Info" in pdf.trailer and "/Author" in pdf.docinfo:
            del pdf.docinfo["/Author"]
        if "/Metadata" in pdf.Root:
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                for name in list(meta):
                    local = etree.QName(name).localname
                    if name == f"{{{_DC}}}creator" or local.startswith("GPS") or local in photo_metadata.XMP_NAMES:
                        del meta[name]
        for stream, is_jpeg in _images(pdf):
            data = bytes(stream.read_raw_bytes()) if is_jpeg else b""
            if is_jpeg and embedded.identifying(data):
                parameters = stream.get("/DecodeParms")
                stream.write(embedded.without_metadata(data), filter=pikepdf.Name.DCTDecode, decode_parms=parameters)
            if "/Metadata" in stream:
                del stream["/Metadata"]
        pdf.save(path)
    left = found_in(path)
    if left:
        raise ValueError(f"still holds {photo_metadata.joined(left)}: export the document again without them")
    return before


def strip_all(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """``strip`` each of ``paths``; what was done to each, as a line to show."""
    return photo_metadata.strip_each(paths, strip)
