"""Contact data checked at the boundary: real e-mail syntax (no DNS) and E.164 phone numbers."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "JP"  # numbers written without +country are Japanese (090-..., 03-...)


def normalise_email(value: str) -> str:
    """The address in normal form; ValueError (in the reader's words) when it is not one."""
    if any(ch in value for ch in "\r\n\0"):
        raise ValueError("e-mail address contains a line break or NUL")
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not an e-mail address: {value!r} ({exc})") from None
    return str(checked.normalized)


def normalise_phone(value: str) -> str:
    """The number in E.164 (+819012345678); ValueError when it is not a valid number."""
    if any(ch in value for ch in "\r\n\0"):
        raise ValueError("phone number contains a line break or NUL")
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"not a valid phone number: {value!r} (expected e.g. 090-1234-5678 or +819012345678)"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
