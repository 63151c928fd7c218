"""Ending access: deactivate an account (its sessions end at once), list and revoke API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, update
from sqlmodel import col, select

from noki.db import session_scope
from noki.db.models import ApiToken, User
from noki.services import audit, sessions
from noki.services.errors import Invalid, NotFound


def set_active(engine: Engine, *, username: str, active: bool, actor: str = "cli") -> int:
    """(De)activate a user; deactivation ends every session. Returns sessions ended."""
    with session_scope(engine) as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is None or user.id is None:
            raise NotFound(f"no user {username!r}")
        s.connection().execute(
            update(User).where(col(User.id) == user.id).values(active=active)
        )
        ended = 0 if active else sessions.end_all_for_user(s, user.id, reason="deactivated")
        audit.record(
            s,
            actor=actor,
            action="user_activated" if active else "user_deactivated",
            username=username,
            sessions_ended=ended,
        )
        return ended


@dataclass(frozen=True)
class TokenInfo:
    """An API token as `noki tokens list` shows it (never the token itself)."""

    id: int
    username: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def list_tokens(engine: Engine, *, username: str | None = None) -> list[TokenInfo]:
    """Every token (optionally of one user), oldest first."""
    with session_scope(engine) as s:
        q = select(ApiToken, User).join(User, col(User.id) == col(ApiToken.user_id))
        if username:
            q = q.where(User.username == username)
        rows = s.exec(q.order_by(col(ApiToken.id))).all()
        return [
            TokenInfo(t.id or 0, u.username, t.name, t.created_at, t.last_used_at, t.revoked)
            for t, u in rows
        ]


def revoke_tokens(
    engine: Engine,
    *,
    token_id: int | None = None,
    username: str | None = None,
    name: str | None = None,
    actor: str = "cli",
) -> int:
    """Revoke one token by id, or a user's tokens (all, or those with a label); returns count."""
    if token_id is None and not username:
        raise Invalid("give a token id, or --user (with --name to pick a label)")
    with session_scope(engine) as s:
        q = select(ApiToken.id).join(User, col(User.id) == col(ApiToken.user_id))
        if token_id is not None:
            q = q.where(col(ApiToken.id) == token_id)
        if username:
            q = q.where(User.username == username)
        if name:
            q = q.where(ApiToken.name == name)
        ids = list(s.exec(q.where(col(ApiToken.revoked).is_(False))).all())
        if not ids and token_id is not None and s.get(ApiToken, token_id) is None:
            raise NotFound(f"no token with id {token_id}")
        if ids:
            s.connection().execute(
                update(ApiToken).where(col(ApiToken.id).in_(ids)).values(revoked=True)
            )
        audit.record(s, actor=actor, action="token_revoked", token_ids=ids)
        return len(ids)
