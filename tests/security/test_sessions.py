"""Item 3: no forgeable sessions; logout and deactivation end them; the secret is generated."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine
from sqlmodel import Session, select

from noki.app import AppContext
from noki.db.models import User
from noki.services.accounts import set_active
from noki.settings import Settings
from noki.web.app import create_app
from noki.web.session_secret import session_secret
from tests.security.conftest import csrf_of, log_in


def _cookie(data: dict[str, object], secret: str) -> str:
    """A session cookie exactly as Starlette's SessionMiddleware signs one."""
    payload = base64.b64encode(json.dumps(data).encode())
    return TimestampSigner(secret).sign(payload).decode()


def _admin_id(engine: Engine) -> int:
    with Session(engine) as s:
        user = s.exec(select(User).where(User.username == "admin")).one()
        assert user.id is not None
        return user.id


@pytest.mark.parametrize("secret", ["dev-secret", "generated"])
def test_a_signed_uid_cookie_opens_nothing(
    client: TestClient, settings: Settings, app_engine: Engine, secret: str
) -> None:
    # Signed with the old default, or even with the app's real key: a user id is not a session.
    key = session_secret(settings) if secret == "generated" else secret
    client.cookies.set("noki_session", _cookie({"uid": _admin_id(app_engine)}, key))
    r = client.get("/queue")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_guessed_session_id_opens_nothing(client: TestClient, settings: Settings) -> None:
    client.cookies.set("noki_session", _cookie({"sid": "x" * 43}, session_secret(settings)))
    assert client.get("/queue").status_code == 303


def test_secret_is_generated_once_kept_0600_and_shared(
    settings: Settings, app_engine: Engine
) -> None:
    first_app = create_app(AppContext(settings, engine=app_engine))
    with TestClient(first_app, follow_redirects=False) as first:
        assert log_in(first, "agent") == 303
        cookie = first.cookies.get("noki_session")
    path = settings.secret_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = path.read_text().strip()
    assert len(kept) >= 32 and kept not in {"dev-secret", "secret"}
    # A restart (a second app on the same file) keeps the key: the session still works.
    second_app = create_app(AppContext(settings, engine=app_engine))
    with TestClient(second_app, follow_redirects=False) as second:
        second.cookies.set("noki_session", cookie or "")
        assert second.get("/queue").status_code == 200
    assert path.read_text().strip() == kept


def test_secret_file_readable_by_others_is_refused(settings: Settings) -> None:
    from noki.web.session_secret import SecretFileError

    settings.secret_file.parent.mkdir(parents=True)
    settings.secret_file.write_text("k" * 64)
    settings.secret_file.chmod(0o644)
    with pytest.raises(SecretFileError, match="chmod 600"):
        session_secret(settings)


@pytest.mark.parametrize("env", ["dev", "test", "prod"])
@pytest.mark.parametrize("bad", ["x", "dev-secret", "short-secret-123"])
def test_short_or_placeholder_secret_refused_in_every_env(env: str, bad: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env=env, session_secret=bad)


def test_cookie_copied_before_logout_stops_working(client: TestClient) -> None:
    assert log_in(client, "admin") == 303
    copied = client.cookies.get("noki_session")
    assert client.get("/queue").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client, "/queue")})
    client.cookies.clear()
    client.cookies.set("noki_session", copied or "")
    r = client.get("/queue")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_deactivation_ends_live_sessions_and_tokens(
    client: TestClient, app_engine: Engine, token
) -> None:
    headers = token("supervisor")
    assert log_in(client, "supervisor") == 303
    assert client.get("/queue").status_code == 200
    assert client.get("/api/queue", headers=headers).status_code == 200
    assert set_active(app_engine, username="supervisor", active=False) == 1
    assert client.get("/queue").status_code == 303
    assert client.get("/api/queue", headers=headers).status_code == 401
    assert log_in(client, "supervisor") == 401
