"""Signed, expiring self-service tokens: never a bare order id in a customer's link."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from itsdangerous import BadSignature, Signer
from itsdangerous.encoding import base64_decode, base64_encode
from itsdangerous.signer import HMACAlgorithm

_SALT = "noki.self-service.v1"
_TAG_BYTES = 12  # 96-bit tag: ample against online guessing (the page is rate-limited)


class TokenInvalid(ValueError):
    """A token that was tampered with, signed with another secret, or has expired."""


class TokenExpired(TokenInvalid):
    """A genuine token whose validity has ended."""


@dataclass(frozen=True)
class SelfServiceToken:
    """What a valid token grants: one order, until the end of a day."""

    order_id: str
    expires: date


class _TruncatedHmac(HMACAlgorithm):
    """HMAC-SHA256 cut to 96 bits, so the link stays short enough for an SMS."""

    def __init__(self) -> None:
        super().__init__(hashlib.sha256)

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.new(key, value, hashlib.sha256).digest()[:_TAG_BYTES]


def _signer(secret: str) -> Signer:
    return Signer(secret, salt=_SALT, digest_method=hashlib.sha256, algorithm=_TruncatedHmac())


def issue_token(secret: str, order_id: str, *, today: date, valid_days: int) -> str:
    """A URL-safe token for one order, valid through today + valid_days (Asia/Tokyo days).

    Format: base64url(order id) . base64url(expiry day ordinal) . base64url(96-bit HMAC);
    about 35 characters for a typical order id.
    """
    expires = (today + timedelta(days=valid_days)).toordinal()
    value = base64_encode(order_id.encode()) + b"." + base64_encode(expires.to_bytes(3, "big"))
    return _signer(secret).sign(value).decode("ascii")


def read_token(secret: str, token: str, *, today: date) -> SelfServiceToken:
    """The order a token opens; TokenInvalid when tampered or foreign, TokenExpired when old."""
    # The expiry is inside the signed value and compared with the caller's day, so a
    # simulated day (`noki tick --today`) expires tokens exactly like a real one.
    try:
        value = _signer(secret).unsign(token.encode("ascii"))
        order_b64, expires_b64 = value.split(b".")
        order_id = base64_decode(order_b64).decode()
        expires = date.fromordinal(int.from_bytes(base64_decode(expires_b64), "big"))
    except (BadSignature, UnicodeError, ValueError, OverflowError) as exc:
        raise TokenInvalid("the link is not valid") from exc
    if today > expires:
        raise TokenExpired(f"the link expired on {expires.isoformat()}")
    return SelfServiceToken(order_id, expires)
