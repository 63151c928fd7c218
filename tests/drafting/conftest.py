"""Fixtures for drafting tests: sample orders with decisions, and a local OpenAI-compatible stub."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from draft_helpers import decided, find
from llm_stub_server import StubServer


@pytest.fixture(scope="session")
def pairs():
    """Sample orders that get a notice (on-time orders get none), with their decisions."""
    return [p for p in decided(600, seed=4) if p[1].notice_purpose != "none"]


@pytest.fixture
def ec_pair(pairs):
    """An EC order with a coupon (an amount) and several options."""
    return find(pairs, lambda o, d: o.industry == "ec" and d.compensation.type == "coupon")


@pytest.fixture
def stub() -> Iterator[StubServer]:
    """A fresh OpenAI-compatible server on a free 127.0.0.1 port."""
    with StubServer() as server:
        yield server
