"""Generic fixtures: every database test runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "NOKI_TEST_DATABASE_URL"

# Tests pin the sample policy in a fixture copy of the rules, so a rule author's edit of rules/
# never breaks `make test` (the shipped rules are checked by `noki rules verify` and
# tests/rules/test_shipped_rules.py).
SAMPLE_RULES_DIR = Path(__file__).resolve().parent / "fixtures" / "rules"
os.environ.setdefault("NOKI_RULES_DIR", str(SAMPLE_RULES_DIR))


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture rules (for tests that edit, propose or reload them)."""
    target = tmp_path / "rules"
    shutil.copytree(SAMPLE_RULES_DIR, target)
    return target


def _backends() -> list[object]:
    pg = pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set"),
    )
    return ["sqlite", pg]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for this test: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'noki.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(os.environ[PG_ENV])
    name = f"noki_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[object]:
    """An engine on the fresh database with all migrations applied."""
    from noki.db import make_engine, migrate

    eng = make_engine(database_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def app_ctx(database_url: str, engine: object, tmp_path: Path) -> Iterator[object]:
    """The application context on the per-test database (test settings, shipped rules)."""
    from noki.app import AppContext
    from tests.support import SAMPLE_DAY, clock_on, make_settings

    # The sample orders are written on SAMPLE_DAY: on that day their dates are in the future,
    # whatever the real date is (a test that needs another day sets ctx.clock itself).
    ctx = AppContext(make_settings(database_url, tmp_path), engine=engine,  # type: ignore[arg-type]
                     clock=clock_on(SAMPLE_DAY))
    yield ctx
    ctx.close()
