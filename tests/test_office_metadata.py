"""Office documents that tell who wrote them, what an edit deleted and what reviewers said
(``newsroom.office_metadata``, through ``document_metadata``): refused by the build, their
names and photos' metadata removed by `make strip-photos`, their tracked changes and comments
left to the program that made them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import release_text
from newsroom import document_metadata
from newsroom.document_metadata import AUTHOR, CHANGES, COMMENTS
from newsroom.photo_metadata import GPS
from test_document_metadata import jpeg
from test_photo_metadata import strip_photos

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    f'xmlns:dc="{DC}"'
)


def archive(path: Path, parts: dict[str, str | bytes], stored_first: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        if stored_first is not None:
            out.writestr(zipfile.ZipInfo(stored_first), parts.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def docx(
    path: Path, *, author: bool = False, changes: bool = False, comments: bool = False, photo: bytes | None = None
):
    deleted = '<w:del w:id="1" w:author="Kim"><w:r><w:delText>the witness in Hyesan</w:delText></w:r></w:del>'
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Joint letter</w:t></w:r>'
        f"{deleted if changes else ''}</w:p></w:body></w:document>",
        "docProps/core.xml": f'<cp:coreProperties xmlns:cp="{CORE}" xmlns:dc="{DC}"><dc:title>Joint letter</dc:title>'
        f"{'<dc:creator>Kim Min-ji</dc:creator><cp:lastModifiedBy>Kim Min-ji</cp:lastModifiedBy>' if author else ''}"
        "</cp:coreProperties>",
    }
    if comments:
        parts["word/comments.xml"] = (
            f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Reviewer"><w:p><w:r>'
            "<w:t>Check the source's name</w:t></w:r></w:p></w:comment></w:comments>"
        )
    if photo is not None:
        parts["word/media/image1.jpeg"] = photo
    return archive(path, parts)


def odt(path: Path, *, author: bool = False, changes: bool = False, comments: bool = False) -> Path:
    tracked = '<text:tracked-changes><text:changed-region text:id="c1"/></text:tracked-changes>' if changes else ""
    note = "<office:annotation><dc:creator>Reviewer</dc:creator><text:p>Check</text:p></office:annotation>"
    names = "<meta:initial-creator>Kim Min-ji</meta:initial-creator><dc:creator>Kim Min-ji</dc:creator>"
    parts: dict[str, str | bytes] = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": f"<office:document-content {ODF_NAMESPACES}><office:body><office:text>{tracked}"
        f"<text:p>Joint letter{note if comments else ''}</text:p>"
        "</office:text></office:body></office:document-content>",
        "meta.xml": f"<office:document-meta {ODF_NAMESPACES}><office:meta><dc:title>Joint letter</dc:title>"
        f"{names if author else ''}</office:meta></office:document-meta>",
    }
    return archive(path, parts, stored_first="mimetype")


def test_a_word_document_s_author_and_photos_are_found_and_stripped_leaving_the_rest(tmp_path):
    path = docx(tmp_path / "letter.docx", author=True, photo=jpeg(gps=True))
    assert document_metadata.found_in(path) == [AUTHOR, GPS]
    with zipfile.ZipFile(path) as before:
        text, photo_bytes = before.read("word/document.xml"), before.read("word/media/image1.jpeg")
    assert document_metadata.strip(path) == [AUTHOR, GPS]
    assert document_metadata.found_in(path) == []
    with zipfile.ZipFile(path) as after:
        assert after.read("word/document.xml") == text, "the text stays, byte for byte"
        assert b"<dc:title>Joint letter</dc:title>" in after.read("docProps/core.xml")
        assert b"Kim" not in after.read("docProps/core.xml")
        with (
            Image.open(io.BytesIO(photo_bytes)) as old,
            Image.open(io.BytesIO(after.read("word/media/image1.jpeg"))) as new,
        ):
            assert old.tobytes() == new.tobytes(), "the picture stays"


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("changes.docx", lambda p: docx(p, changes=True), [CHANGES]),
        ("comments.docx", lambda p: docx(p, author=True, comments=True), [AUTHOR, COMMENTS]),
        ("all.odt", lambda p: odt(p, author=True, changes=True, comments=True), [AUTHOR, CHANGES, COMMENTS]),
        (
            "comments.xlsx",
            lambda p: archive(
                p, {"xl/comments1.xml": '<comments xmlns="x"><commentList><comment ref="A1"/></commentList></comments>'}
            ),
            [COMMENTS],
        ),
        (
            "comments.pptx",
            lambda p: archive(p, {"ppt/comments/comment1.xml": '<p:cmLst xmlns:p="p"><p:cm/></p:cmLst>'}),
            [COMMENTS],
        ),
        ("revisions.xlsx", lambda p: archive(p, {"xl/revisions/revisionHeaders.xml": "<headers/>"}), [CHANGES]),
    ],
)
def test_tracked_changes_and_comments_are_found_and_left_to_the_program_that_made_them(tmp_path, name, make, expected):
    path = make(tmp_path / name)
    assert document_metadata.found_in(path) == expected
    kept = path.read_bytes()
    with pytest.raises(
        ValueError, match=r"^holds tracked changes or comments: accept or reject the changes and delete"
    ):
        document_metadata.strip(path)
    assert path.read_bytes() == kept, "nothing is changed"


def test_an_opendocument_file_is_stripped_with_its_mimetype_first_and_unpacked(tmp_path):
    path = odt(tmp_path / "letter.odt", author=True)
    assert document_metadata.strip(path) == [AUTHOR]
    assert document_metadata.found_in(path) == []
    with zipfile.ZipFile(path) as after:
        first = after.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert after.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert b"Joint letter" in after.read("meta.xml") and b"Kim" not in after.read("meta.xml")


def test_a_clean_document_passes_and_one_that_cannot_be_looked_through_is_refused(tmp_path):
    assert document_metadata.found_in(docx(tmp_path / "clean.docx", photo=jpeg())) == []
    assert document_metadata.found_in(odt(tmp_path / "clean.odt")) == []
    not_a_zip = tmp_path / "not.docx"
    not_a_zip.write_bytes(b"<html>")
    with pytest.raises(ValueError, match=r"^is not a document that can be read \(.*\): save it again$"):
        document_metadata.found_in(not_a_zip)
    bomb = archive(tmp_path / "bomb.docx", {"word/document.xml": b"<a>" + b" " * (64 * 2**20) + b"</a>"})
    assert bomb.stat().st_size < 2**20
    with pytest.raises(ValueError, match=r"^holds a part larger than 64 MB \(word/document.xml\), which is refused"):
        document_metadata.found_in(bomb)
    entities = archive(
        tmp_path / "entities.docx",
        {"docProps/core.xml": '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a><creator>&e;</creator></a>'},
    )
    assert document_metadata.found_in(entities) == [AUTHOR], "a name made of an entity is still a name"
    assert document_metadata.strip(entities) == [AUTHOR]
    with zipfile.ZipFile(entities) as after:
        assert after.read("docProps/core.xml") == b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<a/>", (
            "the entity was never resolved (nor the file it names read)"
        )


def test_a_word_document_with_tracked_changes_fails_the_build_until_they_are_resolved(project):
    letter = docx(project.releases / "files/letter.docx", author=True, changes=True)
    project.release(
        "2021-01-01-x.md", release_text(title="X", date="2021-01-01", body="Read [the letter](files/letter.docx).")
    )
    project.failing_build(
        "press_releases/files/letter.docx: the document holds in its metadata the name of its author and tracked "
        "changes (the text an edit deleted, and who deleted it), which anyone who downloads it can read: accept or "
        "reject the tracked changes and delete the comments in the program that made it (or publish it as PDF), "
        "remove the rest with `make strip-photos`, then commit the file again"
    )
    stripped = strip_photos(project)
    assert stripped.returncode == 1
    assert stripped.stdout.startswith("press_releases/files/letter.docx: not changed: holds tracked changes")
    docx(letter, author=True)  # the changes accepted, in the word processor
    stripped = strip_photos(project)
    assert stripped.returncode == 0, stripped.stderr
    assert stripped.stdout.splitlines() == ["press_releases/files/letter.docx: removed the name of its author"]
    build = project.build()
    assert build.returncode == 0, build.log
    assert next(build.site.rglob("letter.docx")).read_bytes() == letter.read_bytes()
