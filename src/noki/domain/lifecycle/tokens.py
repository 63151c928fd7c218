"""Signed, expiring self-service tokens: never a bare order id in a customer's link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "noki.self-service.v1"


class TokenInvalid(ValueError):
    """A token that was tampered with, signed with another secret, or has expired."""


@dataclass(frozen=True)
class SelfServiceToken:
    """What a valid token grants: one order, until the end of a day."""

    order_id: str
    expires: date


def issue_token(secret: str, order_id: str, *, today: date, valid_days: int) -> str:
    """A URL-safe token for one order, valid through today + valid_days (Asia/Tokyo days)."""
    expires = today + timedelta(days=valid_days)
    return URLSafeSerializer(secret, salt=_SALT).dumps({"o": order_id, "e": expires.isoformat()})


def read_token(secret: str, token: str, *, today: date) -> SelfServiceToken:
    """The order a token opens; TokenInvalid when tampered, foreign or expired."""
    # The expiry is inside the signed payload and compared with the caller's day, so a
    # simulated day (`noki tick --today`) expires tokens exactly like a real one.
    try:
        payload = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature as exc:
        raise TokenInvalid("the link is not valid") from exc
    try:
        order_id, expires = str(payload["o"]), date.fromisoformat(payload["e"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid("the link is not valid") from exc
    if today > expires:
        raise TokenInvalid(f"the link expired on {expires.isoformat()}")
    return SelfServiceToken(order_id, expires)
