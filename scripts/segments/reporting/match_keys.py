"""Match keys: the hashed email and phone an ad platform matches its users on.

The warehouse's `email_hash` is salted, so it matches nothing outside it. An
export with `--match-keys FORMAT` adds the unsalted SHA-256 (hex) of each
customer's clear email and phone, normalised the way that platform asks. The
formats, their normalisation and their columns: docs/operations.md, "Exports".
"""

from __future__ import annotations

import hashlib

import phonenumbers

FORMATS = ("none", "plain-sha256", "meta", "google")
COLUMNS = {
    "plain-sha256": ("email_sha256", "phone_sha256"),
    "meta": ("em", "ph"),
    "google": ("hashed_email", "hashed_phone_number"),
}
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")


def normalised_email(email: str | None, fmt: str) -> str | None:
    """The email as `fmt` hashes it; None for a blank one."""
    text = (email or "").strip().lower()
    if "@" not in text:
        return None
    local, domain = text.rsplit("@", 1)
    if fmt == "google" and domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def normalised_phone(phone: str | None, country_code: str | None, fmt: str) -> str | None:
    """The phone in E.164 (`meta`: without the `+`); None when it cannot be a number."""
    if not (phone or "").strip():
        return None
    try:
        number = phonenumbers.parse(phone, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164.lstrip("+") if fmt == "meta" else e164


def sha256(text: str | None) -> str | None:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None


def email_key(email: str | None, fmt: str) -> str | None:
    return sha256(normalised_email(email, fmt))


def phone_key(phone: str | None, country_code: str | None, fmt: str) -> str | None:
    return sha256(normalised_phone(phone, country_code, fmt))
