"""Fixtures for the persistence and use-case tests."""

from __future__ import annotations

import pytest

from noki.services.roles import Actor


@pytest.fixture
def agent() -> Actor:
    return Actor("aoki", "agent")


@pytest.fixture
def supervisor() -> Actor:
    return Actor("sato", "supervisor")
