"""`make run`: the demo moves orders into several states and prints a link that opens."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session

from noki.db.models import OrderRow
from noki.services.demo_lifecycle import seed_lifecycle


def test_demo_states_and_link(client, orders) -> None:
    moved, link = seed_lifecycle(orders)
    with Session(orders.engine) as s:
        states = {k: s.get(OrderRow, v).state for k, v in moved.items()}  # type: ignore[union-attr]
    assert states == {"allocated": "allocated", "shipped": "shipped", "cancelled": "cancelled",
                      "substituted": "substituted"}
    assert link is not None
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and "ご希望の対応をお選びください" in page.text
