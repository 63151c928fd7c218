"""kill -9 a `noki work` process mid-job: once its lease runs out, other workers draft every job
exactly once (nothing lost, nothing stored twice)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from noki.app import AppContext
from noki.db.models import DraftJob, DraftRow
from noki.services.demo import sample_records
from noki.services.orders import ingest
from tests.support import make_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drafting"))
from llm_stub_server import StubReply, StubServer  # noqa: E402

NOKI = [sys.executable, "-m", "noki.cli.main", "work"]
LEASE = 3  # seconds


def _env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOKI_", "OPENAI_"))}
    env.update({"NOKI_DATABASE_URL": database_url, "NOKI_OUTBOX_DIR": str(tmp_path / "out"),
                "NOKI_DRAFT_BATCH_SIZE": "10", "NOKI_DRAFT_LEASE_SECONDS": str(LEASE), **extra})
    return env


def _running(engine) -> list[DraftJob]:
    with Session(engine) as s:
        return list(s.exec(select(DraftJob).where(DraftJob.status == "running")).all())


def test_a_worker_killed_mid_job_loses_and_duplicates_nothing(database_url, engine, tmp_path):
    with AppContext(make_settings(database_url, tmp_path, draft_inline=False), engine=engine) as c:
        queued = len(ingest(c, sample_records(60, seed=3), actor="test").job_ids)
    # The victim drafts through a model that takes 30 s a call: it is killed while it holds
    # its claimed jobs (leased, status running) and is waiting on the model.
    with StubServer(lambda _b: StubReply(content='{"subject": "s", "body": "b"}',
                                         delay_s=30)) as stub:
        victim = subprocess.Popen(
            NOKI, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=_env(database_url, tmp_path, NOKI_LLM_BASE_URL=stub.url, NOKI_LLM_API_KEY="t",
                     NOKI_LLM_MODEL="stub", NOKI_LLM_MAX_CONCURRENCY="4",
                     NOKI_LLM_MAX_RETRIES="0"))
        deadline = time.monotonic() + 120
        while not _running(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        held = _running(engine)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert len(held) == 4, "the victim should hold one model batch when it dies"
    # Two workers (template drafter) drain the rest now; the victim's jobs wait for its lease.
    workers = [subprocess.Popen(NOKI, cwd=tmp_path, env=_env(database_url, tmp_path),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), [o[1][-2000:] for o in outs]
    left = _running(engine)
    if left:  # drained before the lease ran out: those are still the dead worker's
        assert {j.id for j in left} == {j.id for j in held}
        time.sleep(LEASE + 0.5)
        again = subprocess.run(NOKI, cwd=tmp_path, env=_env(database_url, tmp_path),
                               capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr[-2000:]
    with Session(engine) as s:
        drafts = list(s.exec(select(DraftRow)).all())
        done = s.exec(select(func.count()).where(col(DraftJob.status) == "done")).one()
        retried = s.exec(select(DraftJob).where(col(DraftJob.id).in_([j.id for j in held])))
        retried_attempts = {j.id: j.attempts for j in retried.all()}
    assert len(drafts) == queued == done  # nothing lost
    assert len({d.order_id for d in drafts}) == queued  # nothing drafted twice
    assert all(n == 2 for n in retried_attempts.values()), retried_attempts  # re-claimed once
