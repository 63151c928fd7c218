"""Console sessions kept server-side: logout, deactivation and expiry end them for good."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import User, WebSession


def start(engine: Engine, *, user_id: int, max_age_seconds: int) -> str:
    """Open a session for a user; returns the random id the (signed) cookie carries."""
    sid = secrets.token_urlsafe(32)
    with session_scope(engine) as s:
        s.add(
            WebSession(
                sid_hash=_digest(sid),
                user_id=user_id,
                expires_at=utcnow() + timedelta(seconds=max_age_seconds),
            )
        )
    return sid


def user_for(engine: Engine, sid: str) -> User | None:
    """The active user of a live (not ended, not expired) session, else None."""
    with session_scope(engine) as s:
        row = s.exec(
            select(WebSession, User)
            .join(User, col(User.id) == col(WebSession.user_id))
            .where(
                col(WebSession.sid_hash) == _digest(sid),
                col(WebSession.ended_at).is_(None),
                col(WebSession.expires_at) > utcnow(),
            )
        ).first()
        if row is None or not row[1].active:
            return None
        return row[1]


def end(engine: Engine, sid: str, *, reason: str = "logout") -> bool:
    """End one session (logout); True when it was live."""
    with session_scope(engine) as s:
        result = s.connection().execute(
            update(WebSession)
            .where(col(WebSession.sid_hash) == _digest(sid), col(WebSession.ended_at).is_(None))
            .values(ended_at=utcnow(), ended_reason=reason)
        )
        return bool(result.rowcount)


def end_all_for_user(session: Session, user_id: int, *, reason: str) -> int:
    """End every live session of a user inside the caller's transaction; returns how many."""
    result = session.connection().execute(
        update(WebSession)
        .where(col(WebSession.user_id) == user_id, col(WebSession.ended_at).is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    return int(result.rowcount or 0)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()
