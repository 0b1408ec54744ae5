"""Press contacts: who answers questions about a release, and how to reach them.

A release names its own (``contacts:`` in its front matter, read by ``reader.records``), or gets
its organization's for its regions (``extra.newsroom.contacts`` in mkdocs.yml: region name -> list
of contacts, and ``default`` for a release no listed region covers). Email addresses are checked
by email-validator (their form only: a build never asks the network), phone numbers by
phonenumbers (Google's libphonenumber), in international form, so that the same link works for a
journalist calling from anywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .languages import BCP47_RE
from .model import Contact, Release
from .taxonomy import name_key

#: The fields of a contact, in the order they are shown.
CONTACT_FIELDS = ("name", "role", "languages", "phone", "email")
EMAIL_EXAMPLE = "press@example.org"
PHONE_EXAMPLE = "+82 2 1234 5678"
#: The key of mkdocs.yml's ``contacts`` for releases that none of the regions listed there covers.
DEFAULT = "default"

Defaults = tuple[tuple[str, tuple[Contact, ...]], ...]
"""Contacts by region name (or ``DEFAULT``), in the order mkdocs.yml gives them."""

_PHONE_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "no country has that code",
    phonenumbers.ValidationResult.TOO_SHORT: "too short",
    phonenumbers.ValidationResult.TOO_LONG: "too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "not a length numbers of that country have",
}


def email_address(text: str) -> str:
    """The address, normalized; a ValueError saying what is wrong if it is not one."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as err:
        reason = str(err).rstrip(".")
        raise ValueError(
            f"expected an email address such as {EMAIL_EXAMPLE}, got '{text}' ({reason[:1].lower()}{reason[1:]})"
        ) from None


def phone_number(text: str) -> str:
    """The number in international form (``+82 2-1234-5678``); a ValueError saying what is wrong
    if it is not one in use."""
    expected = f"expected a phone number in international form, with + and the country code, such as {PHONE_EXAMPLE}"
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as err:
        if err.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE and not text.lstrip().startswith(
            "+"
        ):
            raise ValueError(f"{expected}, got '{text}' (it does not start with + and the country code)") from None
        raise ValueError(f"{expected}, got '{text}'") from None
    if not phonenumbers.is_valid_number(number):
        reason = _PHONE_REASONS.get(phonenumbers.is_possible_number_with_reason(number), "no such number")
        raise ValueError(f"{expected}, got '{text}' ({reason})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_uri(phone: str) -> str:
    """A ``tel:`` link to a number as ``phone_number`` wrote it: E.164, and its extension if any."""
    number = phonenumbers.parse(phone, None)
    uri = "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.extension:
        uri += ";ext=" + quote(number.extension, safe="")
    return uri


def mailto_uri(email: str) -> str:
    """A ``mailto:`` link to an address (RFC 6068: characters other than its own percent-encoded)."""
    return "mailto:" + quote(email, safe="@+")


def language_tag(text: str) -> str:
    if not BCP47_RE.match(text):
        raise ValueError(f"expected a BCP 47 language tag such as 'en', 'ko' or 'pt-BR', got '{text}'")
    return text


def unknown_field(key: object) -> str:
    hint = difflib.get_close_matches(str(key), CONTACT_FIELDS, n=1, cutoff=0.6)
    maybe = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"unknown contact field{maybe} (a contact has {', '.join(CONTACT_FIELDS)})"


def of(release: Release, defaults: Defaults) -> tuple[Contact, ...]:
    """Who to contact about ``release``: its own contacts if it names any (``contacts: []`` names
    none), else those of its regions, in its order, else the default ones."""
    if release.contacts is not None:
        return release.contacts
    by_region = {name_key(region): contacts for region, contacts in defaults if region != DEFAULT}
    found = [contact for region in release.regions for contact in by_region.get(name_key(region), ())]
    if not found:
        found = [contact for region, contacts in defaults if region == DEFAULT for contact in contacts]
    return tuple(dict.fromkeys(found))  # a contact of two of its regions once


# -- the defaults in mkdocs.yml -----------------------------------------------------------------


def read_defaults(value: Any, where: str) -> Defaults:
    """The ``contacts`` setting (``where`` names it in messages), checked; a ValueError naming the
    first thing wrong, as ``<where>.<region>[<n>].<field>: what is wrong``."""
    example = f"{{Asia: [{{name: Press office, email: {EMAIL_EXAMPLE}}}], {DEFAULT}: [...]}}"
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{where}: expected region names, each with a list of contacts, such as {example}, got {value!r}"
        )
    found = []
    for region, entries in value.items():
        if not isinstance(region, str) or not region.strip():
            raise ValueError(f"{where}: expected region names, each with a list of contacts, got {region!r}")
        at = f"{where}.{region}"
        if isinstance(entries, Mapping):
            entries = [entries]
        if not isinstance(entries, list):
            raise ValueError(f"{at}: expected a list of contacts, each with 'name:', got {entries!r}")
        found.append(
            (" ".join(region.split()), tuple(_contact(entry, f"{at}[{n}]") for n, entry in enumerate(entries, 1)))
        )
    return tuple(found)


def _contact(entry: Any, at: str) -> Contact:
    if not isinstance(entry, Mapping):
        raise ValueError(f"{at}: expected a contact with 'name:' and {_OTHERS}, got {entry!r}")
    for key in entry:
        if key not in CONTACT_FIELDS:
            raise ValueError(f"{at}.{key}: {unknown_field(key)}")
    name = _text(entry.get("name"), f"{at}.name")
    if not name:
        raise ValueError(f"{at}.name: missing; give the name of the person or office to contact")
    languages = entry.get("languages")
    tags: Sequence[Any] = [] if languages is None else [languages] if isinstance(languages, str) else languages
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValueError(f"{at}.languages: expected a list of BCP 47 language tags such as [en, ko], got {languages!r}")
    phone, email = entry.get("phone"), entry.get("email")
    try:
        checked = tuple(dict.fromkeys(language_tag(tag.strip()) for tag in tags))
    except ValueError as err:
        raise ValueError(f"{at}.languages: {err}") from None
    return Contact(
        name=name,
        role=_text(entry.get("role"), f"{at}.role"),
        languages=checked,
        phone=_checked(phone_number, phone, f"{at}.phone", f' (write it in quotes, with its +: "{PHONE_EXAMPLE}")'),
        email=_checked(email_address, email, f"{at}.email", ""),
    )


_OTHERS = "any of 'role:', 'languages:', 'phone:', 'email:'"


def _text(value: Any, at: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{at}: expected text, got {value!r} (put it in quotes to use it as text)")
    return value.strip() or None


def _checked(check: Callable[[str], str], value: Any, at: str, hint: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{at}: expected text, got {value!r}{hint}")
    try:
        return check(value.strip())
    except ValueError as err:
        raise ValueError(f"{at}: {err}") from None
