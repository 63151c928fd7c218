"""Console and outbox benchmark: queue page latency with 10,000 pending drafts, send throughput.

Usage: .venv/bin/python bench/api.py [--orders 10000] [--messages 2000] [--workers 4]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
A fresh database `noki_bench` is created on that server (left in place for inspection).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db import make_engine, migrate
from noki.db.models import DeliveryAttempt, DraftRow, OutboxMessage
from noki.services import review, users
from noki.services.demo import sample_records
from noki.services.orders import ingest
from noki.services.roles import Actor
from noki.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


def fresh_database(server_url: str) -> str:
    url = make_url(server_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS noki_bench WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE noki_bench"))
    admin.dispose()
    return url.set(database="noki_bench").render_as_string(hide_password=False)


def queue_latency(db_url: str, requests: int) -> tuple[float, float, int]:
    """p50/p95 (ms) of GET /queue (mixed filters) against `noki serve` in a subprocess."""
    port = free_port()
    env = {**os.environ, "NOKI_DATABASE_URL": db_url, "NOKI_BACKGROUND_WORKERS": "0"}
    server = subprocess.Popen([PY, "-m", "noki.cli.main", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            page = client.get("/login").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            client.post("/login", data={"username": "bench", "password": "bench-pass-1",
                                        "csrf_token": token})
            filters = [{}, {"lane": "priority"}, {"industry": "ec"}, {"violations": "yes"},
                       {"compensation": "coupon"}, {"page": "20"}, {"age": "1h"}]
            for f in filters:  # warm up
                assert client.get("/queue", params=f).status_code == 200
            times = []
            for i in range(requests):
                t0 = time.perf_counter()
                r = client.get("/queue", params=filters[i % len(filters)])
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.95) - 1], len(times)
    finally:
        server.terminate()
        server.wait()


def send_throughput(db_url: str, workers: int, messages: int) -> tuple[float, float]:
    """Messages/s for `workers` sender processes draining to a local aiosmtpd (SMTP) server."""
    port = free_port()
    smtp = subprocess.Popen(
        [PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = make_engine(db_url)
    with Session(engine) as s:
        baseline = s.exec(select(func.coalesce(func.max(DeliveryAttempt.id), 0))).one()
    try:
        wait_port(port)
        env = {**os.environ, "NOKI_DATABASE_URL": db_url, "NOKI_MAIL_TRANSPORT": "smtp",
               "NOKI_SMS_TRANSPORT": "file", "NOKI_OUTBOX_DIR": "/tmp/noki-bench-outbox",
               "NOKI_SMTP_PORT": str(port), "NOKI_OUTBOX_BATCH_SIZE": "20"}
        t0 = time.perf_counter()
        procs = [subprocess.Popen([PY, "-m", "noki.cli.main", "send"], env=env,
                                  stdout=subprocess.DEVNULL) for _ in range(workers)]
        for p in procs:
            p.wait()
        wall = time.perf_counter() - t0
    finally:
        smtp.terminate()
        smtp.wait()
    with Session(engine) as s:
        sent = s.exec(select(func.count()).where(col(OutboxMessage.status) == "sent")).one()
        first, last = s.exec(select(func.min(DeliveryAttempt.started_at),
                                    func.max(DeliveryAttempt.finished_at))
                             .where(col(DeliveryAttempt.id) > baseline)).one()
    engine.dispose()
    assert sent == messages, f"only {sent} of {messages} sent"
    return messages / wall, messages / (last - first).total_seconds()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=10_000)
    ap.add_argument("--messages", type=int, default=2_000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--database-url", default=os.environ.get(
        "NOKI_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = ap.parse_args()
    db_url = fresh_database(args.database_url)
    engine = make_engine(db_url)
    migrate(engine)
    users.create_user(engine, username="bench", password="bench-pass-1", role="supervisor")
    records = sample_records(args.orders, seed=7)
    t0 = time.perf_counter()
    ctx = AppContext(Settings(database_url=db_url, background_workers=False), engine=engine)
    report = ingest(ctx, records, actor="bench")
    took = time.perf_counter() - t0
    print(f"ingest: {args.orders} orders decided+drafted+stored in {took:.1f} s "
          f"({args.orders / took:.0f} orders/s), {report.drafted} pending drafts")
    p50, p95, n = queue_latency(db_url, args.requests)
    print(f"queue page (GET /queue, {report.drafted} pending, {n} requests, mixed filters): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < 200 ms)")
    with Session(engine) as s:
        ids = list(s.exec(select(DraftRow.id).where(
            col(DraftRow.status) == "pending", col(DraftRow.check_ok),
            col(DraftRow.drafter) == "template", col(DraftRow.approval) == "auto",
            col(DraftRow.channel) == "email").limit(args.messages)).all())
    actor = Actor("bench", "supervisor")
    t0 = time.perf_counter()
    for start in range(0, len(ids), 200):  # bulk approve, as a supervisor would
        review.bulk_approve(engine, draft_ids=ids[start:start + 200], actor=actor)  # type: ignore[arg-type]
    took = time.perf_counter() - t0
    print(f"bulk approve: {len(ids)} approvals (each writes its outbox message) in {took:.1f} s "
          f"({len(ids) / took:.0f}/s)")
    engine.dispose()
    wall, steady = send_throughput(db_url, args.workers, len(ids))
    print(f"outbox: {len(ids)} e-mails to local aiosmtpd with {args.workers} sender processes "
          f"on {make_url(db_url).get_backend_name()}: {steady:.0f} msg/s between first and last "
          f"attempt, {wall:.0f} msg/s including process start (target >= 200 msg/s)")


if __name__ == "__main__":
    main()
