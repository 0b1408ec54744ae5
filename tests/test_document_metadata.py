"""PDFs that tell who wrote them, or hold photos that tell where they were taken
(``newsroom.document_metadata``): refused by the build and `make check`, cleaned by
`make strip-photos` without touching the text or the pictures."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pikepdf import Name, PdfImage
from PIL import Image
from PIL.ExifTags import IFD, Base

from conftest import release_text
from newsroom import document_metadata
from newsroom.document_metadata import AUTHOR
from newsroom.photo_cache import PhotoInspections
from newsroom.photo_metadata import GPS, SERIAL
from test_photo_metadata import SEOUL_GPS, fails_until_stripped, xmp

TEXT = b"BT /F1 12 Tf 20 150 Td (Joint letter to President Moon Jae-in) Tj ET"


def jpeg(*, gps: bool = False, orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[Base.Make] = "Canon"
    if gps:
        exif[IFD.GPSInfo] = SEOUL_GPS
    if orientation:
        exif[Base.Orientation] = orientation
    out = io.BytesIO()
    image = Image.new("RGB", (64, 32), (200, 30, 30))
    for x in range(16):
        image.putpixel((x, 3), (0, 0, 255))
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def pdf(
    path: Path,
    *,
    author: str | None = None,
    creator_xmp: str | None = None,
    picture: bytes | None = None,
    picture_xmp: bytes | None = None,
) -> Path:
    """A one-page PDF with a line of text, a title, and what is asked for."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(200, 200))
    page = document.pages[0]
    font = pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    content = TEXT
    if picture is not None:
        image = pikepdf.Stream(document, picture)
        image.Type, image.Subtype, image.Filter = Name.XObject, Name.Image, Name.DCTDecode
        image.Width, image.Height, image.ColorSpace, image.BitsPerComponent = 64, 32, Name.DeviceRGB, 8
        if picture_xmp is not None:
            image.Metadata = pikepdf.Stream(document, picture_xmp)
        resources.XObject = pikepdf.Dictionary(Im0=image)
        content += b" q 64 0 0 32 10 10 cm /Im0 Do Q"
    page.Resources = resources
    page.Contents = pikepdf.Stream(document, content)
    document.docinfo["/Title"] = "Joint letter"
    if author is not None:
        document.docinfo["/Author"] = author
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = "Joint letter"
        if creator_xmp is not None:
            meta["dc:creator"] = [creator_xmp]
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def picture_of(path: Path) -> bytes:
    with pikepdf.open(path) as document:
        image = document.pages[0].Resources.XObject.Im0
        assert isinstance(image, pikepdf.Stream)
        return PdfImage(image).as_pil_image().tobytes()


CASES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "author.pdf": ({"author": "Kim Min-ji"}, [AUTHOR]),
    "xmp-creator.pdf": ({"creator_xmp": "Kim Min-ji"}, [AUTHOR]),
    "photo-gps.pdf": ({"picture": jpeg(gps=True, orientation=6)}, [GPS]),
    "photo-xmp.pdf": (
        {"picture": jpeg(), "picture_xmp": xmp("<aux:SerialNumber>0123</aux:SerialNumber>", 'xmlns:aux="a"')},
        [SERIAL],
    ),
    "all.pdf": ({"author": "Kim Min-ji", "picture": jpeg(gps=True)}, [AUTHOR, GPS]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_author_or_a_telling_photo_is_found_and_stripped_leaving_text_and_pictures(tmp_path, name):
    options, expected = CASES[name]
    path = pdf(tmp_path / name, **options)
    pictures = picture_of(path) if "picture" in options else None
    assert document_metadata.found_in(path) == expected
    assert document_metadata.strip(path) == expected
    assert document_metadata.found_in(path) == []
    with pikepdf.open(path) as document:
        assert document.docinfo["/Title"] == "Joint letter", "the rest of the metadata stays"
        assert document.pages[0].Contents.read_bytes().startswith(TEXT), "the text stays"
        with document.open_metadata() as meta:
            assert meta.get("dc:title") == "Joint letter"
    if pictures is not None:
        assert picture_of(path) == pictures, "the picture stays, pixel for pixel"
    kept = path.read_bytes()
    assert document_metadata.strip(path) == [] and path.read_bytes() == kept


def test_a_clean_pdf_passes_and_a_pdf_that_cannot_be_read_is_refused(tmp_path):
    clean = pdf(tmp_path / "clean.pdf", picture=jpeg())
    assert document_metadata.found_in(clean) == []
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + bytes(50))
    with pytest.raises(ValueError, match=r"^is not a PDF that can be read \(.*\): save it again as PDF$"):
        document_metadata.found_in(damaged)
    unreadable_xmp = tmp_path / "unreadable-xmp.pdf"
    with pikepdf.open(clean) as document:
        document.Root.Metadata = pikepdf.Stream(document, b"not deflated")
        document.Root.Metadata.Filter = Name.FlateDecode
        document.save(unreadable_xmp, fix_metadata_version=False)
    with pytest.raises(ValueError, match=r"^holds metadata that cannot be read \(damaged\): save it again as PDF$"):
        document_metadata.found_in(unreadable_xmp)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(clean) as document:
        document.save(locked, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with pytest.raises(ValueError, match=r"^is a PDF locked with a password, which the build cannot look into$"):
        document_metadata.found_in(locked)


def test_a_pdf_is_opened_once_while_it_stays_the_same_file(tmp_path, monkeypatch):
    project = tmp_path / "project"
    path = pdf(project / "press_releases/files/letter.pdf", author="Kim Min-ji")
    opened = []
    real = document_metadata.found_in

    def counting(path):
        opened.append(path)
        return real(path)

    monkeypatch.setattr(document_metadata, "found_in", counting)
    for _ in range(2):
        kept = PhotoInspections(project, project / "press_releases")
        assert document_metadata.inspect(path, kept) == [AUTHOR]
        kept.save()
    assert len(opened) == 1, "the second build found what the first one found"
    pdf(path)  # rewritten: another version of the file
    kept = PhotoInspections(project, project / "press_releases")
    assert document_metadata.inspect(path, kept) == []
    assert len(opened) == 2


def test_a_pdf_that_names_its_author_fails_the_build_until_make_strip_photos_cleans_it(project):
    letter = pdf(project.releases / "files/letter.pdf", author="Kim Min-ji", picture=jpeg(gps=True))
    project.release(
        "2021-01-01-x.md",
        release_text(title="X", date="2021-01-01", body="Read [the letter](files/letter.pdf)."),
    )
    build = fails_until_stripped(
        project,
        "press_releases/files/letter.pdf: the document holds in its metadata the name of its author and in the "
        "metadata of a photo inside it the GPS position where it was taken, which anyone who downloads it can "
        "read: remove them with `make strip-photos` (the text and pictures are not changed), then commit the "
        "file again",
        "press_releases/files/letter.pdf: removed the name of its author and the GPS position where it was taken",
    )
    published = next(build.site.rglob("letter.pdf"))
    assert published.read_bytes() == letter.read_bytes()
