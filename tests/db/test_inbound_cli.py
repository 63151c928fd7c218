"""`noki inbound` as a real process receiving SMTP, `noki ingest inquiries`, and the VOC report
with `--from-db` (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from noki.cli.main import app
from noki.db.models import InquiryRow, OrderRow
from noki.inbound.samples import sample_replies
from noki.services.demo import sample_records
from noki.services.inquiries import record_sent_message_id
from noki.services.orders import ingest

INBOX = "support@reply.noki-store.example.jp"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(database_url: str, tmp_path: Path, port: int) -> dict[str, str]:
    return {**os.environ, "NOKI_DATABASE_URL": database_url, "NOKI_INBOUND_PORT": str(port),
            "NOKI_INBOUND_ADDRESSES": json.dumps([INBOX]),
            "NOKI_INBOUND_SPOOL_DIR": str(tmp_path / "spool")}


def _orders(engine: Engine, app_ctx) -> list[str]:  # type: ignore[no-untyped-def]
    ingest(app_ctx, sample_records(6), actor="test")
    with Session(engine) as s:
        ids = list(s.exec(select(OrderRow.order_id).order_by(OrderRow.order_id)).all())
        for i, oid in enumerate(ids):
            record_sent_message_id(s, f"<notice-{i}@noki.example.jp>", oid, outbox_id=i)
        s.commit()
    return ids


def test_listener_process_turns_replies_into_inquiries(engine: Engine, app_ctx, database_url: str,
                                                       tmp_path: Path) -> None:
    ids = _orders(engine, app_ctx)
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "noki.cli.main", "inbound"],
                            env=_env(database_url, tmp_path, port), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        threads = [(f"<notice-{i}@noki.example.jp>", f"c{i}@example.jp") for i in range(6)]
        with smtp:
            for raw in sample_replies(threads, to=INBOX):
                smtp.sendmail("c@example.jp", [INBOX], raw)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    with Session(engine) as s:
        rows = s.exec(select(InquiryRow).order_by(InquiryRow.id)).all()
    assert len(rows) == 6
    assert {r.intent for r in rows} == {"eta_question", "option_choice", "cancellation",
                                        "compensation", "complaint", "other"}
    assert all(r.link_method == "thread" and r.order_id in ids for r in rows)
    assert all(r.answer and r.answer["check"]["ok"] for r in rows)
    assert not list((tmp_path / "spool" / "new").iterdir())  # every mail processed


def test_ingest_inquiries_file_and_voc_report_from_db(engine: Engine, app_ctx, database_url: str,
                                                      tmp_path: Path, monkeypatch) -> None:
    ids = _orders(engine, app_ctx)
    src = tmp_path / "inq.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "p-1", "channel": "phone", "received_at": "2026-11-30T10:00:00",
                    "text": "入電。入荷予定が未定のままで、いつ届くのか目安も分からないとのこと",
                    "order_id": ids[0]}, ensure_ascii=False),
        json.dumps({"channel": "fax", "received_at": "2026-11-30T10:00:00", "text": "x"}),
        json.dumps({"id": "w-1", "channel": "web_form", "received_at": "2026-12-01T09:00:00",
                    "text": "返金の手続き方法が分かりません"}, ensure_ascii=False),
    ]), encoding="utf-8")
    monkeypatch.setenv("NOKI_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["ingest", "inquiries", str(src)])
    assert result.exit_code == 1  # a bad line is reported, the good ones kept
    assert "line 2: channel: unknown value 'fax'" in result.output
    assert "2 inquiries stored" in result.output
    again = CliRunner().invoke(app, ["ingest", "inquiries", str(src)])
    assert "0 inquiries stored, 2 already known" in again.output

    out_json = tmp_path / "r.json"
    report = CliRunner().invoke(app, ["voc", "report", "--from-db", "--since", "2026-11-30",
                                      "--json", str(out_json), "--html", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    cats = {d["id"]: d["categories"] for d in doc["docs"]}
    assert doc["n_voices"] == 2 and any("eta_vague" in c for c in cats.values())
    later = CliRunner().invoke(app, ["voc", "report", "--from-db", "--since", "2026-12-01",
                                     "--json", str(out_json), "--html", str(tmp_path / "r.html")])
    assert later.exit_code == 0 and json.loads(out_json.read_text())["n_voices"] == 1
