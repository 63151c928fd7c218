"""Sample orders with decisions for the inbound tests."""

from __future__ import annotations

import pytest

from noki.domain.decision import Decision
from noki.domain.order import Order
from noki.faq import FaqIndex, load_faq
from noki.rules.store import RuleStore
from noki.sample.orders import sample_orders

decide = RuleStore().decide  # the shipped rules


@pytest.fixture(scope="session")
def pairs() -> list[tuple[Order, Decision]]:
    """80 sample orders with their decisions."""
    out = []
    for doc in sample_orders(80, seed=11):
        order = Order.model_validate(doc)
        out.append((order, decide(order)))
    return out


@pytest.fixture(scope="session")
def faq() -> FaqIndex:
    """The shipped FAQ."""
    return FaqIndex(load_faq())


@pytest.fixture
def with_substitute(pairs):
    """An order whose decision offers a substitute and cancellation."""
    return next(p for p in pairs if {"substitute", "cancel_refund"} <= set(p[1].options))


@pytest.fixture
def without_substitute(pairs):
    """An order whose decision offers no substitute."""
    return next(p for p in pairs if "substitute" not in p[1].options)
