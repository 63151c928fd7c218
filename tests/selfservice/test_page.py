"""The customer's page /b/{token}: what it shows, bad links, one choice, CSRF, rate limits."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from noki.app.context import Clock
from noki.db.models import OrderRow
from noki.db.models_lifecycle import OrderEventRow
from noki.db.models_webhooks import WebhookMessage
from noki.drafting.wording import OPTION_LABELS
from noki.services.self_service import page_view
from tests.selfservice.conftest import form_token, offering

ORIGIN = {"Origin": "http://testserver"}


def test_page_shows_state_eta_next_update_and_only_the_offered_options(
        client: TestClient, orders, link) -> None:
    order_id, options = offering(orders, "substitute")
    r = client.get(link(order_id))
    assert r.status_code == 200
    html = r.text
    assert order_id in html and "受注残" in html
    assert "お届けの見込み" in html and "次回のご連絡" in html and "見込みの確度" in html
    view = page_view(orders, order_id)
    assert view is not None and [o.name for o in view.options] == options
    for name in OPTION_LABELS:
        assert (f'value="{name}"' in html) == (name in options), name
    for option in view.options:
        assert option.label in html
    assert "set-cookie" not in r.headers  # no session for the customer
    assert r.headers["cache-control"] == "no-store"


def test_tampered_link_is_400_and_tells_what_to_do(client: TestClient, orders, link) -> None:
    order_id, _ = offering(orders, "substitute")
    path = link(order_id)
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    r = client.get(forged)
    assert r.status_code == 400
    assert "リンクが正しくありません" in r.text and "もう一度そのまま開いて" in r.text
    assert order_id not in r.text
    assert client.get("/b/not-a-token").status_code == 400


def test_expired_link_is_410(client: TestClient, orders, link) -> None:
    order_id, _ = offering(orders, "substitute")
    path = link(order_id)
    later = orders.clock.now() + timedelta(days=orders.settings.self_service_valid_days + 1)
    orders.clock = Clock(lambda: later)
    r = client.get(path)
    assert r.status_code == 410
    assert "有効期限が切れています" in r.text and order_id not in r.text


def test_choice_needs_confirmation_then_is_recorded_once(client: TestClient, orders,
                                                         link) -> None:
    order_id, _ = offering(orders, "substitute")
    path = link(order_id)
    token = form_token(client.get(path).text)
    confirm = client.post(f"{path}/confirm", data={"option": "substitute", "form_token": token},
                          headers=ORIGIN)
    assert confirm.status_code == 200 and "この内容で確定しますか" in confirm.text
    with Session(orders.engine) as s:
        assert s.get(OrderRow, order_id).choice is None  # type: ignore[union-attr]
    done = client.post(f"{path}/choose", data={"option": "substitute",
                                               "form_token": form_token(confirm.text)},
                       headers=ORIGIN)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    label = page_view(orders, order_id).choice_label  # type: ignore[union-attr]
    assert label and "ご選択を承りました" in page and label in page
    assert "確認へ進む" not in page  # the options are gone once chosen
    again = client.post(f"{path}/choose", data={"option": "cancel_refund",
                                                "form_token": token}, headers=ORIGIN)
    assert again.status_code == 303 and again.headers["location"].endswith("r=already")
    with Session(orders.engine) as s:
        row = s.get(OrderRow, order_id)
        events = s.exec(select(OrderEventRow).where(OrderEventRow.kind == "choice")).all()
        hooks = s.exec(select(WebhookMessage)).all()
    assert row is not None and (row.choice, row.state) == ("substitute", "substituted")
    assert [(e.order_id, e.payload["option"], e.payload["chosen_by"], e.source)
            for e in events] == [(order_id, "substitute", "customer", "self_service")]
    assert [(h.topic, h.order_id) for h in hooks] == [("oms.choice", order_id)]
    later = client.get(path).text  # a later visit shows the choice
    assert "ご選択いただいた対応" in later and label in later


def test_option_not_offered_is_refused(client: TestClient, orders, link) -> None:
    order_id, options = offering(orders, "wait", without="substitute")
    path = link(order_id)
    token = form_token(client.get(path).text)
    for step in ("confirm", "choose"):
        r = client.post(f"{path}/{step}", data={"option": "substitute", "form_token": token},
                        headers=ORIGIN)
        assert r.status_code == 422, step
        assert "選択肢" in r.text
    with Session(orders.engine) as s:
        assert s.get(OrderRow, order_id).choice is None  # type: ignore[union-attr]
        assert s.exec(select(OrderEventRow)).all() == []


def test_post_without_or_with_a_foreign_form_token_is_refused(client: TestClient, orders,
                                                              link) -> None:
    order_id, _ = offering(orders, "substitute")
    other_id, _ = offering(orders, "wait", without="substitute")
    path = link(order_id)
    foreign = form_token(client.get(link(other_id)).text)
    for data in ({"option": "substitute"}, {"option": "substitute", "form_token": foreign},
                 {"option": "substitute", "form_token": "x" * 40}):
        r = client.post(f"{path}/choose", data=data, headers=ORIGIN)
        assert r.status_code == 403 and "ページを開き直して" in r.text
    cross = client.post(f"{path}/choose", headers={"Origin": "https://evil.example"},
                        data={"option": "substitute", "form_token": form_token(
                            client.get(path).text)})
    assert cross.status_code == 403
    with Session(orders.engine) as s:
        assert s.get(OrderRow, order_id).choice is None  # type: ignore[union-attr]


def test_posts_are_rate_limited_per_order(orders, link) -> None:
    from fastapi.testclient import TestClient as Client

    from noki.web.app import create_app

    orders.settings = orders.settings.model_copy(update={"self_service_limit_per_token": "3/hour"})
    order_id, _ = offering(orders, "substitute")
    path = link(order_id)
    with Client(create_app(orders), follow_redirects=False) as c:
        token = form_token(c.get(path).text)
        codes = [c.post(f"{path}/confirm", data={"option": "substitute", "form_token": token},
                        headers=ORIGIN).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert "しばらくしてから" in c.post(f"{path}/confirm", headers=ORIGIN,
                                          data={"option": "wait", "form_token": token}).text
