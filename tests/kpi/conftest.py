"""The hand-made KPI fixture on a fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from noki.db import session_scope
from noki.services.kpi.projection import refresh
from noki.services.kpi.report import KpiReport, compute
from tests.kpi import fixture


def report_on(engine: Any, by: str | None = None) -> KpiReport:
    with session_scope(engine) as s:
        refresh(s)
    with session_scope(engine) as s:
        return compute(s, fixture.TODAY, since=fixture.SINCE, by=by)


@pytest.fixture
def kpi_engine(engine: Any) -> Any:
    """The fixture's orders, projected once with D under S9, then D moved to S2."""
    fixture.build(engine)
    report_on(engine)
    fixture.change_sku_of_d(engine)
    return engine
