"""Benchmark: the KPI set for 12 weeks and sales control for 10,000 SKUs on 1,000,000 orders.

Run (PostgreSQL only; makes and drops its own database, noki_bench_kpi or --db):
  nice .venv/bin/python bench/kpi.py [--orders 1000000] [--skus 10000] [--repeat 3]
      [--db noki_bench_kpi_1m] [--reuse] [--admin-url postgresql+psycopg://...]
--reuse keeps the database and, when it is already there, measures it again without
generating (migrations and the rollups' rebuild still run).
Generated with generate_series: orders (JSON payload ~700 bytes like real ones), 3 timeline
rows per order, ETA history, ledger lines; kpi_order_facts is back-filled from the orders by
SQL (timed separately: noki refreshes it incrementally as orders change). Beside each figure:
a plain SELECT count(*) ... GROUP BY over the same tables in the same run.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select

from noki.app import AppContext
from noki.db import make_engine, migrate
from noki.db.models_kpi import KpiRefreshMark
from noki.rules.loader import load_ruleset
from noki.rules.sales_engine import SalesControlEngine
from noki.services.kpi import rollups
from noki.services.kpi.projection import MARGIN, refresh
from noki.services.kpi.report import compute
from noki.services.sales_control.facts import sku_facts
from noki.services.sales_control.store import evaluate
from noki.settings import Settings

TODAY = date(2026, 12, 2)
DB = "noki_bench_kpi"

ORDERS_SQL = """
INSERT INTO orders (order_id, customer_id, industry, sku_id, po_ref, status, state, row_version,
  shipped_qty, choice, closed_at, payload, payload_hash, created_at, updated_at)
SELECT 'B-' || g, 'c1', (ARRAY['ec','btob','auto'])[1 + g % 3], 'SKU-' || (g % :skus),
  'PO-' || (g % 500), CASE WHEN c.closed THEN 'closed' ELSE 'open' END,
  CASE WHEN c.closed AND g % 20 < 2 THEN 'cancelled' WHEN c.closed THEN 'shipped'
       ELSE (ARRAY['backordered','backordered','backordered','allocated','partially_shipped',
                   'substituted','backordered'])[1 + g % 7] END,
  1, 0, CASE WHEN g % 11 = 0 THEN 'substitute' WHEN g % 13 = 0 THEN 'wait' END,
  CASE WHEN c.closed THEN (c.closed_on + time '03:00') AT TIME ZONE 'UTC' END,
  json_build_object('order_id', 'B-' || g, 'industry', 'ec', 'channel',
    (ARRAY['web','app','edi','dealer'])[1 + g % 4], 'as_of', c.d, 'ordered_at', c.d,
    'promised_date', c.d + 3, 'eta', json_build_object('earliest', c.d + 10, 'latest', c.d + 20,
    'confidence', (ARRAY['high','medium','low'])[1 + g % 3]), 'delay_reason', 'supplier_delay',
    'quantity', 1 + g % 4, 'unit_price_jpy', 1000 + g % 9000, 'partial_available', false,
    'partial_allowed', false, 'sku', json_build_object('sku_id', 'SKU-' || (g % :skus),
    'name', 'ワイヤレスイヤホン 黒 モデル' || (g % 100), 'category', 'audio',
    'substitutes', json_build_array('SKU-1', 'SKU-2')), 'customer', json_build_object(
    'customer_id', 'c1', 'name', '山田 太郎', 'rank', 'standard', 'ltv_jpy', 12000,
    'orders_count', 3, 'fleet', false, 'contract', null, 'contact', json_build_object(
    'email', 'taro' || g || '@example.com', 'phone', '090-1234-5678',
    'preferred_channel', 'email'))),
  md5(g::text), (c.d + time '00:00') AT TIME ZONE 'UTC', now()
FROM generate_series(1, :n) g,
LATERAL (SELECT CAST(:today AS DATE) - (g % 182) AS d) o,
LATERAL (SELECT o.d AS d, o.d + 3 + g % 37 AS closed_on,
         g % 20 < 13 AND o.d + 3 + g % 37 <= CAST(:today AS DATE) AS closed) c
"""

TIMELINE_SQL = """
INSERT INTO order_timeline (order_id, at, kind, actor, state_from, state_to, summary, detail)
SELECT 'B-' || (1 + (g - 1) / 3), now() - ((g % 4000) || ' hours')::interval,
  (ARRAY['state','message','event'])[1 + g % 3], 'system', 'backordered',
  CASE WHEN g % 3 = 0 THEN 'allocated' END, '受注残になりました', '{}'::json
FROM generate_series(1, :n * 3) g
"""

ETA_SQL = """
INSERT INTO eta_history (order_id, earliest, latest, confidence, source, recorded_at)
SELECT 'B-' || o, CAST(:today AS DATE) - (o % 182) + 10 + k * 7,
  CAST(:today AS DATE) - (o % 182) + 20 + k * 7, 'medium', 'bench',
  now() - ((o % 30 + (1 - k) * 5) || ' days')::interval
FROM generate_series(1, :n) o, generate_series(0, 1) k WHERE k = 0 OR o % 4 = 0
"""

FACTS_SQL = """
INSERT INTO kpi_order_facts (order_id, sku_id, supplier, industry, segment, channel, quantity,
  value_jpy, ordered_on, ordered_week, created_at, state, closed_on, closed_week, first_sent_at,
  eta_slips, eta_confidence, communicated_latest, partial, offered, choice, refreshed_at)
SELECT o.order_id, o.sku_id, o.po_ref, o.industry,
  (ARRAY['standard','vip','new','key'])[1 + n % 4], o.payload->>'channel',
  CAST(o.payload->>'quantity' AS INTEGER),
  CAST(o.payload->>'quantity' AS BIGINT) * CAST(o.payload->>'unit_price_jpy' AS BIGINT),
  CAST(o.payload->>'ordered_at' AS DATE),
  CAST(date_trunc('week', CAST(o.payload->>'ordered_at' AS DATE)) AS DATE), o.created_at,
  o.state, CAST(o.closed_at AT TIME ZONE 'Asia/Tokyo' AS DATE),
  CAST(date_trunc('week', o.closed_at AT TIME ZONE 'Asia/Tokyo') AS DATE),
  CASE WHEN n % 10 <> 9 THEN o.created_at + ((n % 300) || ' minutes')::interval END,
  CASE WHEN n % 4 = 0 THEN 1 ELSE 0 END, o.payload->'eta'->>'confidence',
  CASE WHEN n % 10 <> 9 THEN CAST(o.payload->'eta'->>'latest' AS DATE) END,
  o.state = 'partially_shipped' OR n % 17 = 0,
  (ARRAY[',wait,', ',wait,substitute,', ',wait,partial_shipment,cancel_refund,'])[1 + n % 3],
  o.choice, now()
FROM (SELECT *, CAST(substr(order_id, 3) AS INTEGER) AS n FROM orders) o
"""

MARKS_SQL = """
INSERT INTO kpi_refresh_marks (source, last_id, updated_at)
SELECT 'decisions', COALESCE(MAX(id), 0), now() FROM decisions UNION ALL
SELECT 'timeline', COALESCE(MAX(id), 0), now() FROM order_timeline UNION ALL
SELECT 'events', COALESCE(MAX(id), 0), now() FROM order_events UNION ALL
SELECT 'eta_history', COALESCE(MAX(id), 0), now() FROM eta_history UNION ALL
SELECT 'outbox', COALESCE(MAX(id), 0), now() FROM outbox_messages
"""

SOURCES = {"decisions": "decisions", "timeline": "order_timeline", "events": "order_events",
           "eta_history": "eta_history", "outbox": "outbox_messages",
           "grants": "compensation_grants"}
# what a refresh would have written: the rows in the margin below each mark
SETTLE_SQL = [f"UPDATE kpi_refresh_marks SET margin_rows = (SELECT count(*) FROM {t} "
              f"WHERE id > kpi_refresh_marks.last_id - {MARGIN} "
              f"AND id <= kpi_refresh_marks.last_id) WHERE source = '{src}'"
              for src, t in SOURCES.items()]

GRANTS_SQL = """
INSERT INTO compensation_grants (order_id, type, amount_jpy, decision_id, granted_at)
SELECT 'B-' || g, 'coupon', 500 + g % 3 * 500, 1, now() - ((g % 84) || ' days')::interval
FROM generate_series(1, :n, 10) g
"""


def timed(label: str, fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"  {label:58} {seconds:8.2f} s", flush=True)
    return seconds


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def build(eng: Engine, n: int, skus: int) -> None:
    p = {"n": n, "skus": skus, "today": TODAY}
    with eng.begin() as c:
        c.execute(text("INSERT INTO customers (customer_id, name, updated_at) "
                       "VALUES ('c1', '山田', now())"))
    print(f"generating {n:,} orders, {3 * n:,} timeline rows (generate_series):")
    for label, sql in (("orders", ORDERS_SQL), ("order_timeline", TIMELINE_SQL),
                       ("eta_history", ETA_SQL)):
        with eng.begin() as c:
            timed(label, lambda sql=sql, c=c: c.execute(text(sql), p))
    with eng.begin() as c:
        c.execute(text("INSERT INTO decisions (order_id, rules_version, payload, created_at) "
                       "VALUES ('B-1', 'bench', '{}', now())"))
        timed("compensation_grants", lambda: c.execute(text(GRANTS_SQL), p))
    with eng.begin() as c:
        timed("kpi_order_facts back-fill from orders (JSON, once)",
              lambda: c.execute(text(FACTS_SQL)))
    with eng.begin() as c:  # the projection is current: refresh starts from here
        c.execute(text(MARKS_SQL))


def ensure_rollups(eng: Engine) -> None:
    """Build the rollups from the projection once (a refresh keeps them afterwards)."""
    with Session(eng) as s:
        if rollups.built({m.source: m.last_id for m in s.exec(select(KpiRefreshMark))}):
            return

        def rebuild() -> None:
            rollups.rebuild(s)
            s.commit()

        timed("rollups + ETA slips rebuilt from the projection (once)", rebuild)
        for sql in SETTLE_SQL:
            s.execute(text(sql))
        s.commit()
    with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        timed("VACUUM ANALYZE", lambda: c.execute(text("VACUUM ANALYZE")))


def measure(eng: Engine, repeat: int, rules: Settings) -> None:
    def q(sql: str) -> Callable[[], Any]:
        def run() -> None:
            with eng.connect() as c:
                c.execute(text(sql)).all()
        return run

    with eng.connect() as c:
        counts = {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in (
            "orders", "order_timeline", "eta_history", "kpi_order_facts", "compensation_grants")}
    print("rows: " + ", ".join(f"{t} {v:,}" for t, v in counts.items()))
    print(f"load average before timing: {os.getloadavg()}")
    print(f"best of {repeat} (seconds):")
    rows: list[tuple[str, float]] = [
        ("reference: SELECT state, count(*) FROM kpi_order_facts GROUP BY state",
         best(q("SELECT state, count(*) FROM kpi_order_facts GROUP BY state"), repeat)),
        ("reference: SELECT sku_id, count(*) FROM kpi_order_facts GROUP BY sku_id",
         best(q("SELECT sku_id, count(*) FROM kpi_order_facts GROUP BY sku_id"), repeat)),
        ("reference: SELECT kind, count(*) FROM order_timeline GROUP BY kind",
         best(q("SELECT kind, count(*) FROM order_timeline GROUP BY kind"), repeat)),
        ("reference: SELECT state, count(*) FROM orders GROUP BY state",
         best(q("SELECT state, count(*) FROM orders GROUP BY state"), repeat)),
    ]

    def kpis(by: str | None) -> Callable[[], Any]:
        def run() -> None:
            with Session(eng) as s:
                compute(s, TODAY, by=by)
        return run

    rows.append(("KPI set, 12 ISO weeks (all KPIs, weekly trend)", best(kpis(None), repeat)))
    for by in ("sku", "supplier", "industry", "segment", "channel"):
        rows.append((f"KPI set, 12 weeks + breakdown by {by}", best(kpis(by), repeat)))

    def refresh_unchanged() -> None:
        with Session(eng) as s:
            refresh(s)
            s.rollback()

    rows.append(("projection refresh, nothing changed", best(refresh_unchanged, repeat)))

    step = max(1, counts["orders"] // 1000)

    def refresh_changed() -> None:
        with Session(eng) as s:  # 1,000 orders change (a timeline row each), rolled back
            s.execute(text("INSERT INTO order_timeline (order_id, at, kind, actor, summary) "
                           "SELECT 'B-' || g, now(), 'state', 'bench', '' "
                           "FROM generate_series(1, :n, :step) g"),
                      {"n": counts["orders"], "step": step})
            refresh(s)
            s.rollback()

    rows.append((f"projection refresh, {counts['orders'] // step:,} orders changed",
                 best(refresh_changed, repeat)))
    found: dict[str, Any] = {}

    def facts() -> None:
        with Session(eng) as s:
            found.update(sku_facts(s, TODAY))

    rows.append(("sales control: SKU facts (SQL)", best(facts, repeat)))
    ruleset = load_ruleset(rules.sales_control_rules_dir)
    skus = [found[k] for k in sorted(found)]
    recs: list[Any] = []

    def decide() -> None:
        engine = SalesControlEngine(ruleset)
        try:
            recs[:] = engine.recommend_all(skus)
        finally:
            engine.close()

    rows.append((f"sales control: rules for {len(skus):,} SKUs (durable-rules)",
                 best(decide, repeat)))
    rows.append(("sales control: facts + rules", rows[-1][1] + rows[-2][1]))
    ctx = AppContext(rules, engine=eng)
    try:  # the whole use case: refresh, facts, rules, and the sales_control rows written
        rows.append(("sales control: evaluate(), first (a row per SKU written)",
                     best(lambda: evaluate(ctx, TODAY), 1)))
        rows.append(("sales control: evaluate() again (every SKU's row updated)",
                     best(lambda: evaluate(ctx, TODAY), repeat)))
    finally:
        ctx.close()
    for label, seconds in rows:
        print(f"  {label:66} {seconds:7.3f}")
    fired: dict[str, int] = {}
    for r in recs:
        fired[r.recommendation] = fired.get(r.recommendation, 0) + 1
    print(f"recommendations: {fired}")
    print(f"load average after: {os.getloadavg()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--skus", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--db", default=DB, help="the bench's own database (made and dropped)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the database afterwards, and reuse it if it is already there")
    ap.add_argument("--admin-url", default=os.environ.get(
        "NOKI_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = ap.parse_args()
    admin_url = make_url(args.admin_url)
    if not args.db.startswith(DB):
        ap.error(f"--db must start with {DB} (the bench drops it)")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        exists = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                           {"d": args.db}).first() is not None
        if exists and not args.reuse:
            c.execute(text(f'DROP DATABASE "{args.db}" WITH (FORCE)'))
        if not exists or not args.reuse:
            c.execute(text(f'CREATE DATABASE "{args.db}"'))
    eng = make_engine(admin_url.set(database=args.db).render_as_string(hide_password=False))
    try:
        migrate(eng)
        if exists and args.reuse:
            print(f"reusing {args.db} (generated before)")
        else:
            build(eng, args.orders, args.skus)
        ensure_rollups(eng)
        measure(eng, args.repeat, Settings(env="test", session_secret="bench-" + "x" * 30))
    finally:
        eng.dispose()
        if not args.reuse:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
