"""Draft jobs: queued with decisions, drafted by workers, superseded drafts dropped, no job lost."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db.clock import utcnow
from noki.db.models import DraftJob, DraftRow
from noki.services import draft_jobs
from noki.services.demo import sample_records
from noki.services.draft_worker import DraftWorker
from noki.services.orders import ingest
from tests.support import make_settings

ROOT = Path(__file__).resolve().parents[2]


def _queued_ctx(database_url: str, engine: Engine, tmp_path: Path) -> AppContext:
    return AppContext(make_settings(database_url, tmp_path, draft_inline=False), engine=engine)


def _drafts(engine: Engine) -> list[DraftRow]:
    with Session(engine) as s:
        return list(s.exec(select(DraftRow)).all())


def _jobs(engine: Engine, status: str) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).where(DraftJob.status == status)).one())


def test_ingest_queues_one_job_per_decision_and_a_worker_drafts_them(database_url, engine,
                                                                      tmp_path):
    with _queued_ctx(database_url, engine, tmp_path) as ctx:
        report = ingest(ctx, sample_records(25), actor="test")
        queued = len(report.job_ids)  # on-time orders need no notice, hence no job
        assert report.created == 25 and report.drafted == 0 and 20 <= queued <= 25
        assert _drafts(engine) == [] and draft_jobs.pending_count(engine) == queued
        drained = DraftWorker(ctx, name="w").drain()
    assert drained.stored == queued and _jobs(engine, "done") == queued
    drafts = _drafts(engine)
    assert len({d.order_id for d in drafts}) == queued
    assert all(d.version == 1 and d.root_id == d.id and d.status == "pending" for d in drafts)


def test_a_draft_for_a_superseded_decision_is_dropped_not_stored(database_url, engine, tmp_path):
    with _queued_ctx(database_url, engine, tmp_path) as ctx:
        record = sample_records(1)[0]
        ingest(ctx, [record], actor="test")
        worker = DraftWorker(ctx, name="slow")
        jobs = draft_jobs.claim(engine, worker="slow", limit=10, lease_seconds=60)
        made = worker.draft(jobs)  # drafted from the first decision ...
        changed = record.model_copy(update={"po_ref": "PO-NEW"})
        ingest(ctx, [changed], actor="test")  # ... while the order is re-decided
        stored = draft_jobs.store(engine, jobs, made)
        assert stored.stored == 0 and stored.dropped == 1 and _drafts(engine) == []
        assert DraftWorker(ctx, name="w").drain().stored == 1
    with Session(engine) as s:
        latest = s.exec(select(func.max(DraftJob.decision_id))).one()
    (draft,) = _drafts(engine)
    assert draft.decision_id == latest


def test_a_worker_that_dies_loses_no_job(database_url, engine, tmp_path):
    with _queued_ctx(database_url, engine, tmp_path) as ctx:
        queued = len(ingest(ctx, sample_records(12), actor="test").job_ids)
        # A worker claims a batch and dies before storing it (its lease runs out).
        dead = draft_jobs.claim(engine, worker="dead", limit=5, lease_seconds=600)
        assert len(dead) == 5
        alive = DraftWorker(ctx, name="alive").drain().stored
        assert alive == queued - 5  # the dead worker's leased jobs are skipped
        with Session(engine) as s:  # time passes: the dead worker's lease runs out
            s.execute(update(DraftJob).where(col(DraftJob.id).in_([j.id for j in dead]))
                      .values(lease_until=utcnow() - timedelta(seconds=1)))
            s.commit()
        assert DraftWorker(ctx, name="alive").drain().stored == 5
        late = draft_jobs.store(engine, dead, DraftWorker(ctx, name="dead").draft(dead))
    assert late.stored == 0  # the dead worker's lease was taken over: nothing twice
    assert len(_drafts(engine)) == queued == len({d.order_id for d in _drafts(engine)})


def test_several_worker_processes_draft_every_job_exactly_once(database_url, engine, tmp_path):
    with _queued_ctx(database_url, engine, tmp_path) as ctx:
        queued = len(ingest(ctx, sample_records(300, seed=5), actor="test").job_ids)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOKI_")}
    env.update({"NOKI_DATABASE_URL": database_url, "NOKI_DRAFT_BATCH_SIZE": "20",
                "NOKI_OUTBOX_DIR": str(tmp_path / "outbox")})
    procs = [
        subprocess.Popen([sys.executable, "-m", "noki.cli.main", "work", "--workers", "2"],
                         cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outputs]
    stored = [int(o[0].split("drafts stored: ")[1].split(",")[0]) for o in outputs]
    drafts = _drafts(engine)
    assert sum(stored) == len(drafts) == queued > 250
    assert len({d.order_id for d in drafts}) == queued
    assert sum(1 for n in stored if n) >= 2  # the work was really shared
    assert _jobs(engine, "done") == queued and draft_jobs.pending_count(engine) == 0


def test_tick_and_inline_ingest_count_what_was_drafted(app_ctx, engine):
    report = ingest(app_ctx, sample_records(8), actor="test")
    assert report.drafted == len(report.job_ids) == len(_drafts(engine)) > 0
    with Session(engine) as s:
        done = s.exec(select(func.count()).where(col(DraftJob.status) == "done")).one()
    assert done == report.drafted
