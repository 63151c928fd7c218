"""Every page as every role: no untranslated code (snake_case or a labelled code) shown to a user.

Text a person reads is checked; attributes, scripts and elements marked translate="no" (names,
order numbers, the notice text, rule ids) are not. Each known code must have a label.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from noki.db.models import DraftRow
from noki.services.roles import ROLES
from noki.web.labels import FROM_VOCABULARY, LABELS, Labels, known_codes

SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
SKIP_TAGS = {"script", "style", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SKIP_PATHS = ("/static", "/api", "/healthz", "/openapi", "/docs", "/redoc", "/logout",
              "/voc/report", "/b/", "/login")


class Visible(HTMLParser):
    """The text of a page a person reads (no attributes, scripts or translate="no" parts)."""

    def __init__(self) -> None:
        super().__init__()
        self.skip: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if self.skip or tag in SKIP_TAGS or ("translate", "no") in attrs:
            self.skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


def untranslated(html: str, codes: set[str]) -> set[str]:
    """Codes found in the visible text."""
    parser = Visible()
    parser.feed(html)
    text = " ".join(parser.text)
    found = set(SNAKE.findall(text))
    words = set(re.findall(r"(?<![\w@./-])[a-z][a-z]+(?![\w@/-])", text))
    return found | (words & codes)


def test_every_code_has_a_label(app_ctx) -> None:
    vocab = app_ctx.rules.ruleset.vocabulary
    words = Labels(vocab)
    for group, table in LABELS.items():
        for code in table:
            assert words(code, group) != code or code.isupper() or code in ("SMS", "LLM"), code
    for group, field in FROM_VOCABULARY.items():
        for value in vocab.values(field):
            assert words(value, group) != value, (group, value)


def test_the_checker_finds_a_code() -> None:
    assert untranslated("<p>代車 loaner_car と high</p>", {"high"}) == {"loaner_car", "high"}
    assert untranslated('<p translate="no">loaner_car</p><p>代車</p>', {"high"}) == set()


def _routes(routes: list) -> list[APIRoute]:
    out: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and hasattr(inner, "routes"):
            out += _routes(list(inner.routes))
    return out


def _get_paths(client: TestClient) -> list[str]:
    paths = [r.path for r in _routes(list(client.app.routes))  # type: ignore[attr-defined]
             if "GET" in r.methods and "{" not in r.path]
    paths = [p for p in paths if not p.startswith(SKIP_PATHS) and p != "/"]
    assert "/queue" in paths and "/outbox" in paths, paths
    return sorted(set(paths))


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_code(client: TestClient, login, csrf, app_engine: Engine, app_ctx,
                              role: str) -> None:
    codes = known_codes(app_ctx.rules.ruleset.vocabulary) - {"ec"}
    _prepare(client, login, csrf, app_engine)
    client.cookies.clear()
    login(role)
    pages = {p: client.get(p) for p in _get_paths(client)}
    with Session(app_engine) as s:
        ids = s.exec(select(DraftRow.id).order_by(col(DraftRow.id))).all()
        ids = [ids[0], ids[-1], *list(ids[1:-1])[:6]]
    for i in ids:
        pages[f"/drafts/{i}"] = client.get(f"/drafts/{i}")
    for f in ({"state": "allocated"}, {"q": "nothing"}, {"sort": "delay", "channel": "sms"}):
        pages[f"/queue?{f}"] = client.get("/queue", params=f)
    if "ルール" in pages.get("/rules", client.get("/queue")).text:
        token = csrf(client, "/rules")
        pages["/rules/simulate (bad)"] = client.post(
            "/rules/simulate", data={"csrf_token": token, "order_json": '{"order_id": 1}'})
    found = {}
    for path, r in pages.items():
        if r.status_code == 200 and "text/html" in r.headers.get("content-type", ""):
            bad = untranslated(r.text, codes)
            if bad:
                found[path] = sorted(bad)
    assert found == {}, f"untranslated codes shown to {role}: {found}"


def _prepare(client: TestClient, login, csrf, engine: Engine) -> None:
    """A rejected draft, a failing edit and a note, so their pages are walked too."""
    login("agent")
    with Session(engine) as s:
        rows = s.exec(select(DraftRow).where(DraftRow.status == "pending")
                      .order_by(col(DraftRow.id))).all()
    token = csrf(client, f"/drafts/{rows[0].id}")
    client.post(f"/drafts/{rows[0].id}/reject", data={"csrf_token": token, "reason": "電話済み"})
    client.post(f"/drafts/{rows[1].id}/edit", data={"csrf_token": token,
                                                    "body": rows[1].body + "〇〇様"})
    client.post(f"/orders/{rows[2].order_id}/notes", data={"csrf_token": token, "text": "メモ"})
    client.post(f"/drafts/{rows[3].id}/approve", data={"csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
