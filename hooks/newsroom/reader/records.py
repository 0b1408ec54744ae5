"""Reading the front-matter fields written as mappings (image, corrections, contacts, translations,
extra), and ``FieldReader``, which reads every field by its kind (``schema.Kind``)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import contacts, images
from ..languages import not_an_edition
from ..model import Contact, Correction, Image
from ..schema import Field, Kind
from ..sources import MISSING
from .nodes import INT, NULL, STR, Source
from .values import BCP47_RE, ValueReader, unknown

#: The fields of ``image:``.
IMAGE_FIELDS = ("src", "alt", "caption", "credit")
#: The photo types a release may have (an SVG may carry script that would run from the site's address).
IMAGE_TYPES = set(images.PHOTO_FORMATS)

PhotoCheck = Callable[[str], "str | None"]
"""Why the file at a path relative to the releases folder may not be a photo (``sources.Photos``), or None."""


class FieldReader(ValueReader):
    """Types the value of every front-matter field, reporting what does not fit: ``read`` a field
    by its kind (``READERS``)."""

    def __init__(
        self, src: Source, zone: ZoneInfo, name: str, photos: PhotoCheck, language: str, editions: tuple[str, ...] = ()
    ):
        super().__init__(src, zone, name)
        self.photos = photos
        self.language_default = language
        """The site's language, a release's unless it says otherwise."""
        self.editions = editions
        """The site's editions (``Settings.languages``): a release's language and its translations'
        must be among them; empty, any language may be."""

    def read(self, field: Field, node: Node | None) -> Any:
        """The value of ``field`` for ``model.Release``, from its node (None when it is not given)."""
        return READERS[field.kind](self, field, node)

    def image(self, node: Node | None, name: str, photos: PhotoCheck) -> Image | None:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return None
        if not isinstance(node, MappingNode):
            self._expect(node, "image", "a mapping with 'src:' (the image file) and 'alt:' (its description)")
            return None
        values: dict[str, str | None] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in IMAGE_FIELDS:
                self.src.error(key_node, f"image.{key}", unknown("image field", key, IMAGE_FIELDS))
                continue
            values[key] = self.text(f"image.{key}", value_node)
        src, alt = values.get("src"), values.get("alt")
        ok = True
        if not src:
            self.src.error(node, "image.src", "missing; give the path of the image file, relative to the release")
            ok = False
        if not alt:
            self.src.error(
                node, "image.alt", ("missing; an image needs alt text describing it for readers who cannot see it")
            )
            ok = False
        if not src:
            return None
        src_node = next(v for k, v in node.value if k.value == "src")
        relative = resolve_asset(name, src)
        if relative is None:
            self.src.error(
                src_node, "image.src", (f"'{src}' must be a relative path to a file inside the releases folder")
            )
            return None
        extension = posixpath.splitext(relative)[1].lower()
        if extension == ".svg":
            self.src.error(
                src_node,
                "image.src",
                (
                    f"'{src}' is an SVG drawing; export it as PNG or JPEG: an SVG can carry script that would "
                    "run from the site's own address"
                ),
            )
            return None
        if extension not in IMAGE_TYPES:
            self.src.error(
                src_node, "image.src", (f"'{src}' is not an image; expected one of {', '.join(sorted(IMAGE_TYPES))}")
            )
            return None
        issue = photos(relative)
        if issue == MISSING:
            self.src.error(
                src_node,
                "image.src",
                f"the image file '{src}' does not exist (looked for {self.src.path.split('/')[0]}/{relative})",
            )
            return None
        if issue is not None:
            self.src.error(src_node, "image.src", f"the image file '{src}' {issue}")
            return None
        if not ok:
            return None
        return Image(src=relative, alt=alt or "", caption=values.get("caption"), credit=values.get("credit"))

    def corrections(self, node: Node | None) -> tuple[Correction, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return ()
        expected = "a list of corrections, each with 'date:' and 'note:'"
        if not isinstance(node, SequenceNode):
            self._expect(node, "corrections", expected)
            return ()
        found: list[Correction] = []
        for item in node.value:
            if not isinstance(item, MappingNode):
                self._expect(item, "corrections", expected)
                continue
            values = {k.value: v for k, v in item.value}
            for key, key_node in ((k.value, k) for k, _ in item.value):
                if key not in ("date", "note"):
                    self.src.error(key_node, f"corrections.{key}", unknown("correction field", key, ("date", "note")))
            when = self.moment("corrections.date", values.get("date"), required=True)
            note = self.text("corrections.note", values.get("note"), required=True)
            if "date" not in values:
                self.src.error(item, "corrections.date", "missing; when was the release corrected?")
            if "note" not in values:
                self.src.error(item, "corrections.note", "missing; say what was corrected")
            if when and note:
                found.append(Correction(when, note))
        return tuple(sorted(found, key=lambda c: c.date.astimezone(UTC)))

    def contacts(self, node: Node | None) -> tuple[Contact, ...] | None:
        """The release's own contacts (None when it names none: its regions' are shown instead).
        Each is ``contacts[n]`` in messages, counted from 1."""
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return None
        expected = "a list of contacts, each with 'name:' and any of 'role:', 'languages:', 'phone:', 'email:'"
        if not isinstance(node, SequenceNode):
            self._expect(node, "contacts", expected)
            return None
        found: list[Contact] = []
        for number, item in enumerate(node.value, 1):
            at = f"contacts[{number}]"
            if not isinstance(item, MappingNode):
                self._expect(item, at, "a contact: 'name:' and any of 'role:', 'languages:', 'phone:', 'email:'")
                continue
            values: dict[str, Node] = {}
            for key_node, value_node in item.value:
                key = key_node.value
                if key in contacts.CONTACT_FIELDS:
                    values[key] = value_node
                else:
                    self.src.error(key_node, f"{at}.{key}", contacts.unknown_field(key))
            if "name" not in values:
                self.src.error(item, f"{at}.name", "missing; give the name of the person or office to contact")
            name = self.text(f"{at}.name", values.get("name"), required=True)
            contact = Contact(
                name=name or "",
                role=self.text(f"{at}.role", values.get("role")),
                languages=self.language_tags(f"{at}.languages", values.get("languages")),
                phone=self.checked(contacts.phone_number, f"{at}.phone", values.get("phone"), "a phone number"),
                email=self.checked(contacts.email_address, f"{at}.email", values.get("email"), "an email address"),
            )
            if name:
                found.append(contact)
        return tuple(found)

    def language_tags(self, field: str, node: Node | None) -> tuple[str, ...]:
        """A language tag or a list of them, each once."""
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return ()
        expected = "a list of BCP 47 language tags such as [en, ko]"
        tags: list[str] = []
        for item in node.value if isinstance(node, SequenceNode) else [node]:
            value = self._scalar_text(item, field, expected)
            if value is None:
                continue
            try:
                tag = contacts.language_tag(value)
            except ValueError as err:
                self.src.error(item, field, str(err))
                continue
            if tag not in tags:
                tags.append(tag)
        return tuple(tags)

    def checked(self, check: Callable[[str], str], field: str, node: Node | None, expected: str) -> str | None:
        """Text that ``check`` accepts (it says what is wrong in a ValueError), as it gives it back.
        A number is taken as written: an unquoted ``+82212345678`` is one to YAML."""
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return None
        if isinstance(node, ScalarNode) and node.tag in (STR, INT):
            value = node.value.strip()
        else:
            self._expect(node, field, expected)
            return None
        try:
            return check(value)
        except ValueError as err:
            self.src.error(node, field, str(err))
            return None

    def edition(self, node: Node | None) -> str | None:
        """The release's language, which must be one of the site's editions when it has several."""
        value = self.language(node)
        wrong = not_an_edition(value, self.editions) if value and self.editions else None
        if wrong is not None and node is not None:
            self.src.error(node, "language", wrong)
            return None
        return value

    def translations(self, node: Node | None, name: str = "") -> dict[str, str]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return {}
        if not isinstance(node, MappingNode):
            self._expect(
                node, "translations", "a mapping of language tags to release files, such as 'ko: 2020-03-03-x-ko.md'"
            )
            return {}
        found: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key, str) or not BCP47_RE.match(key):
                self.src.error(key_node, "translations", f"expected a BCP 47 language tag such as 'ko', got '{key}'")
                continue
            wrong = not_an_edition(key, self.editions) if self.editions else None
            if wrong is not None:
                self.src.error(key_node, f"translations.{key}", wrong)
                continue
            value = self._scalar_text(value_node, f"translations.{key}", "the file name of the translated release")
            if value and value == name:
                self.src.error(
                    value_node,
                    f"translations.{key}",
                    (f"'{value}' is this release itself; list the files of its other languages"),
                )
            elif value:
                found[key] = value
        return found

    def extra(self, node: Node | None) -> dict[str, Any]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return {}
        if not isinstance(node, MappingNode):
            self._expect(node, "extra", "a mapping of custom fields")
            return {}
        try:
            value = yaml.SafeLoader("").construct_document(node)
        except (yaml.YAMLError, ValueError) as err:
            self.src.error(node, "extra", f"cannot be read: {err}")
            return {}
        return value


#: How each kind of field is read: (the reader, the field, its node or None) -> its value for
#: ``model.Release``. The kinds slug, language, image, corrections, contacts, translations and extra
#: are each one field's, and their messages name it.
READERS: dict[Kind, Callable[[FieldReader, Field, Node | None], Any]] = {
    Kind.TEXT: lambda r, f, node: r.text(f.name, node, f.required),
    Kind.NAMES: lambda r, f, node: r.names(f.name, node),
    Kind.MOMENT: lambda r, f, node: r.moment(f.name, node, f.required),
    Kind.BOOLEAN: lambda r, f, node: bool(r.boolean(f.name, node)),
    Kind.SLUG: lambda r, f, node: r.slug(node, r.name),
    Kind.LANGUAGE: lambda r, f, node: r.edition(node) or r.language_default,
    Kind.IMAGE: lambda r, f, node: r.image(node, r.name, r.photos),
    Kind.ALIASES: lambda r, f, node: r.aliases(node),
    Kind.CORRECTIONS: lambda r, f, node: r.corrections(node),
    Kind.WARNING: lambda r, f, node: r.warning(f.name, node),
    Kind.CONTACTS: lambda r, f, node: r.contacts(node),
    Kind.TRANSLATIONS: lambda r, f, node: r.translations(node, r.name),
    Kind.EXTRA: lambda r, f, node: r.extra(node),
}


def resolve_asset(name: str, src: str) -> str | None:
    """The path of ``src``, relative to the releases folder, seen from release ``name``; None if outside."""
    if not src or src.startswith("/") or "\\" in src or "://" in src:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), src))
    if joined.startswith(("../", "/")) or joined == "..":
        return None
    return joined
