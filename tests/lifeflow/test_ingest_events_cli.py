"""`noki ingest events FILE` (JSONL and CSV): line-numbered errors, good lines kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from typer.testing import CliRunner

from noki.cli.main import app
from noki.services.orders import ingest
from tests.lifeflow.support import order_in, order_row


def _run(database_url: str, path: Path) -> Any:
    return CliRunner().invoke(app, ["ingest", "events", str(path)],
                              env={"NOKI_DATABASE_URL": database_url})


def test_jsonl_events_with_a_bad_line(
    database_url: str, engine: Engine, app_ctx: Any, tmp_path: Path
) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([
        json.dumps({"event_id": "a1", "kind": "allocated", "order_id": "EC-L1"}),
        "{not json",
        "",
        json.dumps({"event_id": "p1", "kind": "partially_shipped", "order_id": "EC-L1",
                    "quantity": 9, "tracking_number": "T1"}),
    ]), encoding="utf-8")
    result = _run(database_url, path)
    assert result.exit_code == 1
    assert "line 2: (json): invalid JSON" in result.output
    assert "line 4: event 'p1': quantity:" in result.output
    assert "applied 1, duplicates 0" in result.output
    assert order_row(engine, "EC-L1").state == "allocated"


def test_csv_events(database_url: str, engine: Engine, app_ctx: Any, tmp_path: Path) -> None:
    ingest(app_ctx, [order_in()], actor="test")
    path = tmp_path / "events.csv"
    path.write_text(
        "event_id,kind,order_id,eta_earliest,eta_latest,tracking_number,carrier\n"
        "e1,eta,EC-L1,2026-12-08,2026-12-12,,\n"
        "s1,shipped,EC-L1,,,T-9,佐川急便\n"
        "s2,shipped,EC-L1,,,T-9,佐川急便\n", encoding="utf-8")
    result = _run(database_url, path)
    assert result.exit_code == 1, result.output
    assert "line 4: event 's2': kind: shipped is not allowed" in result.output
    assert "applied 2" in result.output
    assert order_row(engine, "EC-L1").status == "closed"
    again = _run(database_url, path)
    assert "applied 0, duplicates 2" in again.output
