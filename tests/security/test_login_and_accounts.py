"""Item 5: login throttling, password policy, `noki users deactivate`, `noki tokens revoke`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from noki.cli.main import app as cli
from noki.services import users
from noki.services.errors import Invalid
from tests.security.conftest import PASSWORD, csrf_of, log_in


def _attempt(client: TestClient, username: str, password: str):
    token = csrf_of(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_wrong_passwords_lock_the_account_even_for_the_right_one(client: TestClient) -> None:
    for _ in range(5):
        assert _attempt(client, "agent", "wrong-password-1").status_code == 401
    locked = _attempt(client, "agent", PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 60
    assert "ロック" in locked.text
    # Another account from the same client is not locked by agent's failures.
    assert log_in(client, "supervisor") == 303


def test_a_right_password_before_the_limit_clears_the_count(client: TestClient) -> None:
    for _ in range(4):
        assert _attempt(client, "agent", "wrong-password-1").status_code == 401
    assert log_in(client, "agent") == 303
    for _ in range(4):
        assert _attempt(client, "agent", "wrong-password-1").status_code == 401
    assert log_in(client, "agent") == 303


def test_one_client_spraying_many_accounts_is_throttled(client: TestClient) -> None:
    codes = [_attempt(client, f"user{i}", "wrong-password-1").status_code for i in range(31)]
    assert codes[:30] == [401] * 30 and codes[30] == 429


@pytest.mark.parametrize(
    "weak", ["11111111", "1111111111", "password123", "agent-demo", "qwertyuiop", "agentagent1"]
)
def test_weak_passwords_are_refused(engine: Engine, weak: str) -> None:
    with pytest.raises(Invalid, match="password"):
        users.create_user(engine, username="agent", password=weak, role="agent")


def test_strong_password_is_accepted(engine: Engine) -> None:
    strong = "plum-anchor-velvet-42"
    user = users.create_user(engine, username="aoki", password=strong, role="agent")
    assert user.username == "aoki"


def _cli(database_url: str, *args: str, input: str | None = None):
    env = {"NOKI_DATABASE_URL": database_url}
    return CliRunner().invoke(cli, list(args), env=env, input=input)


def test_cli_refuses_weak_password(database_url: str) -> None:
    r = _cli(database_url, "users", "create", "bob", "--role", "agent", "--password", "11111111")
    assert r.exit_code == 1 and "password" in r.output


def test_cli_deactivate_ends_sessions_and_tokens(
    client: TestClient, app_engine: Engine, database_url: str, token
) -> None:
    headers = token("agent")
    assert log_in(client, "agent") == 303
    r = _cli(database_url, "users", "deactivate", "agent")
    assert r.exit_code == 0, r.output
    assert "sessions ended: 1" in r.output
    assert client.get("/queue").status_code == 303
    assert client.get("/api/queue", headers=headers).status_code == 401
    assert _cli(database_url, "users", "deactivate", "nobody").exit_code == 1


def test_cli_tokens_list_and_revoke(client: TestClient, database_url: str, token) -> None:
    first, second = token("admin"), token("admin")
    listed = _cli(database_url, "tokens", "list", "--user", "admin")
    assert listed.exit_code == 0 and listed.output.count("\tadmin\t") == 2
    assert "noki_" not in listed.output  # the token itself is never shown again
    token_id = listed.output.splitlines()[0].split("\t")[0]
    r = _cli(database_url, "tokens", "revoke", token_id)
    assert r.exit_code == 0 and "tokens revoked: 1" in r.output
    assert client.get("/api/queue", headers=first).status_code == 401
    assert client.get("/api/queue", headers=second).status_code == 200
    r = _cli(database_url, "tokens", "revoke", "--user", "admin")
    assert r.exit_code == 0 and "tokens revoked: 1" in r.output
    assert client.get("/api/queue", headers=second).status_code == 401
    assert _cli(database_url, "tokens", "revoke", "999").exit_code == 1
