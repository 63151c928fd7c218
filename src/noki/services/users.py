"""Accounts: argon2 password hashes, login checks and hashed API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import select

from noki.db import session_scope
from noki.db.clock import utcnow
from noki.db.models import ApiToken, User
from noki.services import audit
from noki.services.errors import Conflict, Invalid
from noki.services.passwords import password_problem
from noki.services.roles import ROLES

_hasher = PasswordHasher()


def create_user(
    engine: Engine,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    actor: str = "cli",
    exist_ok: bool = False,
) -> User:
    """Create an account (or reset its password and role when exist_ok)."""
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    problem = password_problem(password, user_inputs=(username, display_name))
    if problem:
        raise Invalid(problem)
    with session_scope(engine) as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is not None and not exist_ok:
            raise Conflict(f"user {username!r} already exists")
        user = user or User(username=username, password_hash="", role=role)
        user.password_hash = _hasher.hash(password)
        user.role = role
        user.display_name = display_name or username
        s.add(user)
        audit.record(s, actor=actor, action="user_saved", username=username, role=role)
        s.flush()
        return user


def authenticate(engine: Engine, *, username: str, password: str) -> User | None:
    """The active user with these credentials, else None."""
    with session_scope(engine) as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            _hasher.hash(password)  # same cost either way: no username probing by timing
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return user


def create_token(engine: Engine, *, username: str, name: str, actor: str = "cli") -> str:
    """Issue an API token for a user; the plain token is returned once."""
    token = "noki_" + secrets.token_urlsafe(32)
    with session_scope(engine) as s:
        user = s.exec(select(User).where(User.username == username)).first()
        if user is None or user.id is None:
            raise Invalid(f"no user {username!r}")
        s.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token)))
        audit.record(s, actor=actor, action="token_issued", username=username, name=name)
    return token


def user_for_token(engine: Engine, token: str) -> User | None:
    """The active user owning a non-revoked token, else None."""
    with session_scope(engine) as s:
        row = s.exec(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)  # type: ignore[arg-type]
            .where(ApiToken.token_hash == _digest(token), ApiToken.revoked == False)  # noqa: E712
        ).first()
        if row is None or not row[1].active:
            return None
        row[0].last_used_at = utcnow()
        return row[1]


def get_user(engine: Engine, user_id: int) -> User | None:
    """An active user by id."""
    with session_scope(engine) as s:
        user = s.get(User, user_id)
        return user if user is not None and user.active else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
