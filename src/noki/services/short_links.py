"""Short self-service links: a random code stored with its order and last day.

The signed token (domain/lifecycle/tokens.py) is about 35 characters; with the page's address
that leaves an SMS no room in one segment. A short link is a capability instead: 12 characters
drawn from 62 (71 bits, never derived from the order), looked up on every visit and refused
after its last day, on the same rate-limited page. A link is reused while it has at least
KEEP_DAYS left, so the notices of one order within weeks carry the same address.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.db import session_scope, table
from noki.db.bulk import insert_rows
from noki.db.models_lifecycle import SelfServiceLinkRow
from noki.domain.lifecycle.tokens import SelfServiceToken, TokenExpired, TokenInvalid

CODE_LENGTH = 12
ALPHABET = string.ascii_letters + string.digits
CODE = re.compile(rf"[A-Za-z0-9]{{{CODE_LENGTH}}}")
KEEP_DAYS = 30  # a link with fewer days left is replaced by a new one in the next notice


def is_code(token: str) -> bool:
    """True when the token has the form of a short link's code (not a signed token)."""
    return CODE.fullmatch(token) is not None


def new_code() -> str:
    """A fresh random code (secrets, not random: the code is the only key to the page)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def links_for(s: Session, order_ids: Sequence[str], *, today: date,
              valid_days: int) -> dict[str, str]:
    """{order_id: code}: each order's current link, made when none has KEEP_DAYS left."""
    keep = today + timedelta(days=min(KEEP_DAYS, valid_days))
    found: dict[str, tuple[date, str]] = {}
    rows = s.exec(select(SelfServiceLinkRow).where(
        col(SelfServiceLinkRow.order_id).in_(list(order_ids)),
        col(SelfServiceLinkRow.expires_on) >= keep))
    for row in rows:
        best = found.get(row.order_id)
        if best is None or (row.expires_on, row.code) > best:  # the newest, deterministically
            found[row.order_id] = (row.expires_on, row.code)
    out = {order_id: code for order_id, (_, code) in found.items()}
    expires = today + timedelta(days=valid_days)
    new = []
    for order_id in sorted(set(order_ids) - out.keys()):
        out[order_id] = new_code()
        new.append({"code": out[order_id], "order_id": order_id, "expires_on": expires})
    insert_rows(s, table(SelfServiceLinkRow), new)  # a draft batch's links in one statement
    return out


def link_code(engine: Engine, order_id: str, *, today: date, valid_days: int) -> str:
    """One order's current code, in its own short transaction."""
    with session_scope(engine) as s:
        return links_for(s, [order_id], today=today, valid_days=valid_days)[order_id]


def open_code(engine: Engine, code: str, *, today: date) -> SelfServiceToken:
    """The order a code opens; TokenInvalid when unknown, TokenExpired after its last day."""
    with Session(engine) as s:
        row = s.get(SelfServiceLinkRow, code)
    if row is None:
        raise TokenInvalid("the link is not valid")
    if today > row.expires_on:
        raise TokenExpired(f"the link expired on {row.expires_on.isoformat()}")
    return SelfServiceToken(row.order_id, row.expires_on)
