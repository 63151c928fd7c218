"""The console's rule change workflow: propose, a second person approves (CSRF), rollback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from tests.support import make_settings
from tests.web.conftest import PASSWORD, csrf_of

from noki.app import AppContext
from noki.db.models import AuditEvent
from noki.services import rule_versions, users
from noki.web.app import create_app


@pytest.fixture
def ctx(database_url: str, engine, tmp_path: Path, rules_copy: Path) -> Iterator[AppContext]:
    context = AppContext(make_settings(database_url, tmp_path, rules_dir=rules_copy),
                         engine=engine)
    for role in ("rule_author", "supervisor", "admin"):
        users.create_user(engine, username=role, password=PASSWORD, role=role)
    yield context
    context.close()


@pytest.fixture
def browser(ctx: AppContext) -> Iterator[object]:
    """A logged-in client per role (each its own session)."""
    clients: list[TestClient] = []

    def login(role: str) -> TestClient:
        client = TestClient(create_app(ctx), follow_redirects=False)
        client.__enter__()
        clients.append(client)
        r = client.post("/login", data={"username": role, "password": PASSWORD,
                                        "csrf_token": csrf_of(client)})
        assert r.status_code == 303, r.text
        return client

    yield login
    for c in clients:
        c.__exit__(None, None, None)


def _edit(rules: Path) -> None:
    path = rules / "30_compensation.yaml"
    text = path.read_text(encoding="utf-8")
    old = "then: {compensation.type: coupon, compensation.amount_jpy: 2000}"
    assert old in text
    path.write_text(text.replace(old, old.replace("2000", "3000"), 1), encoding="utf-8")


def test_propose_approve_and_roll_back_in_the_console(ctx, browser, rules_copy):
    author = browser("rule_author")
    first = ctx.rules.version
    _edit(rules_copy)
    # The plain reload button loads the approved version only: the edit does not go live.
    r = author.post("/rules/reload", data={"csrf_token": csrf_of(author, "/rules")})
    assert r.status_code == 303 and ctx.rules.version == first
    r = author.post("/rules/propose", data={"csrf_token": csrf_of(author, "/rules/changes"),
                                            "note": "VIP の 14日クーポンを 3,000円に"})
    assert r.status_code == 303
    proposal = next(row for row in rule_versions.history(ctx.engine) if row.status == "proposed")
    assert ctx.rules.version == first
    page = author.get(f"/rules/changes/{proposal.id}")
    assert 'id="diff-report"' in page.text and 'id="approve"' not in page.text
    assert "提案した本人は承認できません" in page.text
    forbidden = author.post(f"/rules/changes/{proposal.id}/approve",
                            data={"csrf_token": csrf_of(author, "/rules/changes")})
    assert forbidden.status_code == 403 and ctx.rules.version == first
    csv = author.get(f"/rules/changes/{proposal.id}/diff.csv")
    assert csv.status_code == 200 and "compensation_jpy,coupon" in csv.text

    boss = browser("supervisor")
    page = boss.get(f"/rules/changes/{proposal.id}")
    assert 'id="approve"' in page.text
    no_csrf = boss.post(f"/rules/changes/{proposal.id}/approve", data={})
    assert no_csrf.status_code in (400, 403) and ctx.rules.version == first
    r = boss.post(f"/rules/changes/{proposal.id}/approve",
                  data={"csrf_token": csrf_of(boss, "/rules/changes"), "note": "OK"})
    assert r.status_code == 303 and ctx.rules.version == proposal.version
    r = boss.post("/rules/rollback", data={"csrf_token": csrf_of(boss, "/rules/changes")})
    assert r.status_code == 303 and ctx.rules.version == first
    assert 'id="rollback"' not in author.get("/rules/changes").text  # authors do not roll back
    with Session(ctx.engine) as s:
        actions = [(e.actor, e.action) for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))
                   if e.action.startswith("rules.")]
    assert actions == [("rule_author", "rules.reload"), ("rule_author", "rules.propose"),
                       ("supervisor", "rules.approve"), ("supervisor", "rules.reload"),
                       ("supervisor", "rules.rollback"), ("supervisor", "rules.reload")]


def test_rules_page_shows_each_table_as_a_grid_with_japanese_labels(ctx, browser):
    page = browser("rule_author").get("/rules")
    assert page.status_code == 200
    grid = page.text[page.text.index('id="table-compensation"'):]
    grid = grid[: grid.index("</table>")]
    assert "<th title=\"delay_days\">遅延日数</th>" in grid
    assert "<th title=\"compensation.type\">補償</th>" in grid
    assert "<td>14 以上</td>" in grid and "<td>2,000 円</td>" in grid
    assert "<td>クーポン</td>" in grid  # the vocabulary's label, not `coupon`
    assert "{&#34;" not in grid and '{"' not in grid  # no JSON in cells
