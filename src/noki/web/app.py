"""The app factory: an application context in, FastAPI app out (migrations run on startup)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from noki.app import AppContext
from noki.web import openapi
from noki.web.background import Background
from noki.web.deps import CsrfFailed, LoginRequired, PermissionDenied
from noki.web.guard import Guard
from noki.web.login_throttle import LoginThrottle
from noki.web.render import render
from noki.web.routes import (
    api,
    auth,
    console,
    faq,
    inquiries,
    kpi,
    orders,
    pages,
    rule_changes,
    self_service,
    workspace,
)
from noki.web.self_service_throttle import SelfServiceThrottle
from noki.web.session_secret import session_secret


def create_app(ctx: AppContext, *, background: bool | None = None) -> FastAPI:
    """Build the console; background workers follow settings unless overridden.

    The caller owns the context (and closes it); routes get it from the lifespan state.
    """
    settings = ctx.settings
    run_background = settings.background_workers if background is None else background

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        ctx.engine  # noqa: B018 - create and migrate before the first request
        bg = Background(ctx) if run_background else None
        if bg:
            bg.start()
        yield {"ctx": ctx}
        if bg:
            bg.stop()

    # Only /healthz is public: the schema is served to token holders at /api/openapi.json.
    app = FastAPI(
        title="noki", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings  # the schema generator reads the batch bound from it
    app.state.login_throttle = LoginThrottle(settings)
    app.state.self_service_throttle = SelfServiceThrottle(settings)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie="noki_session",
        same_site="lax",
        https_only=settings.session_https_only,
        max_age=settings.session_max_age_seconds,
    )
    app.add_middleware(Guard, max_body_bytes=settings.max_body_bytes)
    for module in (api, auth, console, faq, inquiries, orders, pages, kpi, rule_changes,
                   self_service, openapi, workspace):
        app.include_router(module.router)
    openapi.install(app)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"detail": "authentication required"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(PermissionDenied)
    async def _denied(request: Request, exc: PermissionDenied) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": f"forbidden: {exc}"}, status_code=403)
        return render(
            request,
            "error.html",
            {"title": "権限がありません", "message": "このページを見る権限がありません。"},
            403,
        )

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, _exc: CsrfFailed) -> Response:
        return render(
            request,
            "error.html",
            {
                "title": "送信を受け付けられません",
                "message": "フォームの有効期限が切れました。ページを再読み込みしてください。",
            },
            403,
        )

    return app
