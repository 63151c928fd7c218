"""Request dependencies: the application context, current user, roles, CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from noki.app import AppContext
from noki.services import users
from noki.services.roles import Actor, can
from noki.settings import Settings


class LoginRequired(Exception):
    """No valid session (browser) or token (API)."""


class PermissionDenied(Exception):
    """Logged in, but the role does not allow this."""


class CsrfFailed(Exception):
    """A form POST without the session's CSRF token."""


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in person or the token's owner."""

    id: int
    username: str
    display_name: str
    role: str

    @property
    def actor(self) -> Actor:
        """The use-case view of this user."""
        return Actor(self.username, self.role)

    def can(self, permission: str) -> bool:
        """True when the role grants the permission."""
        return can(self.role, permission)


def get_ctx(request: Request) -> AppContext:
    """The application context the lifespan put in the request state."""
    ctx: AppContext = request.state.ctx
    return ctx


CtxDep = Annotated[AppContext, Depends(get_ctx)]


def get_engine(ctx: CtxDep) -> Engine:
    """The app's engine."""
    return ctx.engine


def get_settings(ctx: CtxDep) -> Settings:
    """The app's settings."""
    return ctx.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_user(request: Request, engine: EngineDep) -> CurrentUser:
    """API paths take a bearer token only; pages take the session cookie only."""
    if request.url.path.startswith("/api/"):
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        user = users.user_for_token(engine, token.strip()) if scheme.lower() == "bearer" else None
    else:
        uid = request.session.get("uid")
        user = users.get_user(engine, uid) if isinstance(uid, int) else None
    if user is None or user.id is None:
        raise LoginRequired
    return CurrentUser(user.id, user.username, user.display_name or user.username, user.role)


UserDep = Annotated[CurrentUser, Depends(current_user)]


def need(permission: str) -> Callable[[CurrentUser], CurrentUser]:
    """A dependency that lets only roles granting `permission` through."""

    def check(user: UserDep) -> CurrentUser:
        if not user.can(permission):
            raise PermissionDenied(permission)
        return user

    return check


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a form POST whose csrf_token field does not match the session."""
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise CsrfFailed
    if not secrets.compare_digest(sent, expected):
        raise CsrfFailed


Csrf = Depends(check_csrf)
