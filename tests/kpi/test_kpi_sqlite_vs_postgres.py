"""The same fixture gives the same KPIs on SQLite (window functions) and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from noki.db import make_engine, migrate, session_scope
from noki.services.kpi import percentiles
from tests.kpi import fixture
from tests.kpi.conftest import report_on

PG = os.environ.get("NOKI_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG, reason="NOKI_TEST_DATABASE_URL is not set")


@pytest.fixture
def both(tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    assert PG
    admin_url = make_url(PG)
    name = f"noki_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engines = (make_engine(f"sqlite:///{tmp_path / 'k.db'}"),
               make_engine(admin_url.set(database=name).render_as_string(hide_password=False)))
    try:
        for eng in engines:
            migrate(eng)
            fixture.build(eng)
            report_on(eng)
            fixture.change_sku_of_d(eng)
        yield engines
    finally:
        for eng in engines:
            eng.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("by", [None, "sku", "supplier", "industry", "segment", "channel"])
def test_same_report_on_both_databases(both: tuple[Any, Any], by: str | None) -> None:
    lite, pg = both
    assert report_on(lite, by).to_json() == report_on(pg, by).to_json()


def test_histogram_percentiles_equal_percentile_cont(both: tuple[Any, Any]) -> None:
    _, pg = both
    values = [3, 3, 4, 7, 7, 7, 9, 15, 21, 40, 41]
    rows = " UNION ALL ".join(f"SELECT {v} AS v" for v in values)
    with session_scope(pg) as s:
        exact = s.execute(text(
            f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v), "
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY v) FROM ({rows}) x")).one()
        ours = percentiles.run(
            s, f"SELECT 'k' AS key, v AS val, COUNT(*) AS c FROM ({rows}) x GROUP BY 1, 2", {})
    assert ours["k"]["median"] == pytest.approx(exact[0])
    assert ours["k"]["p90"] == pytest.approx(exact[1])
    assert ours["k"]["n"] == len(values) and ours["k"]["max"] == 41
