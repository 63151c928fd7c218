"""Short self-service links (SQLite and PostgreSQL): random stored codes, reused, expiring;
links signed before them still open; the SMS the worker drafts carries one and fits 70."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from noki.app.context import Clock
from noki.db.models import DraftRow
from noki.db.models_lifecycle import SelfServiceLinkRow
from noki.domain.lifecycle.tokens import issue_token
from noki.services import short_links
from noki.services.self_service import self_service_url, token_secret
from tests.selfservice.conftest import offering


def _code(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[1]


def test_a_link_is_twelve_random_characters_reused_until_it_runs_short(orders) -> None:
    order_id, _ = offering(orders, "substitute")
    first = _code(self_service_url(orders, order_id))
    assert short_links.is_code(first) and order_id not in first
    assert _code(self_service_url(orders, order_id)) == first  # the same link, same day
    valid = orders.settings.self_service_valid_days
    start = orders.clock.now()
    orders.clock = Clock(lambda: start + timedelta(days=valid - short_links.KEEP_DAYS))
    assert _code(self_service_url(orders, order_id)) == first  # still KEEP_DAYS left
    orders.clock = Clock(lambda: start + timedelta(days=valid - short_links.KEEP_DAYS + 1))
    second = _code(self_service_url(orders, order_id))
    assert second != first and short_links.is_code(second)
    with Session(orders.engine) as s:
        rows = s.exec(select(SelfServiceLinkRow).where(
            SelfServiceLinkRow.order_id == order_id).order_by(col(SelfServiceLinkRow.expires_on))
        ).all()
    assert [r.code for r in rows] == [first, second]
    assert rows[1].expires_on == orders.clock.today() + timedelta(days=valid)


def test_two_orders_never_share_a_code(orders) -> None:
    with Session(orders.engine) as s:
        codes = short_links.links_for(s, ["EC-000001", "EC-000002", "BB-000003"],
                                      today=orders.clock.today(), valid_days=30)
    assert len(set(codes.values())) == 3


def test_short_link_opens_the_page_then_expires(client: TestClient, orders) -> None:
    order_id, _ = offering(orders, "substitute")
    path = urlsplit(self_service_url(orders, order_id)).path
    page = client.get(path)
    assert page.status_code == 200 and order_id in page.text
    unknown = path[:-1] + ("A" if not path.endswith("A") else "B")
    assert client.get(unknown).status_code == 400
    later = orders.clock.now() + timedelta(days=orders.settings.self_service_valid_days + 1)
    orders.clock = Clock(lambda: later)
    assert client.get(path).status_code == 410


def test_a_signed_link_sent_before_short_links_still_opens(client: TestClient, orders) -> None:
    order_id, _ = offering(orders, "substitute")
    token = issue_token(token_secret(orders.settings), order_id, today=orders.clock.today(),
                        valid_days=30)
    assert not short_links.is_code(token)
    r = client.get(f"/b/{token}")
    assert r.status_code == 200 and order_id in r.text


def test_sms_drafted_by_the_worker_carries_the_stored_link_in_one_segment(orders) -> None:
    # The worker drafted every ingested order (sample_records); SMS ones use the app settings.
    assert orders.settings.notice_sms_max_segments == 1
    with Session(orders.engine) as s:
        sms = s.exec(select(DraftRow).where(DraftRow.channel == "sms")).all()
        stored = {r.code: r.order_id for r in s.exec(select(SelfServiceLinkRow)).all()}
    assert sms, "the sample has SMS customers"
    for draft in sms:
        assert len(draft.body.encode("utf-16-le")) // 2 <= 70, draft.body
        code = draft.body.rsplit("/b/", 1)[1]
        assert stored.get(code) == draft.order_id, draft.body
        assert draft.check_ok, (draft.body, draft.violations)
