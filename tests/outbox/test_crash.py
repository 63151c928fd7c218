"""A sender killed mid-batch loses nothing and repeats at most the message in flight."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

import pytest

NOKI = [sys.executable, "-m", "noki.cli.main"]


def test_killed_worker_loses_nothing(database_url, engine, smtp_server, approved) -> None:
    drafts = approved(25, orders=100)
    smtp_server.delay = 0.05  # slow enough to kill the worker mid-batch
    env = {
        **os.environ,
        "NOKI_DATABASE_URL": database_url,
        "NOKI_MAIL_TRANSPORT": "smtp",
        "NOKI_SMTP_HOST": "127.0.0.1",
        "NOKI_SMTP_PORT": str(smtp_server.port),
        "NOKI_OUTBOX_LEASE_SECONDS": "4",  # a loaded CI machine must not re-claim live work
        "NOKI_OUTBOX_BATCH_SIZE": "10",
        "NOKI_OUTBOX_BACKOFF_SECONDS": "0",
    }
    # The sample orders are written on 2026-11-25: they are sent on that (simulated) day.
    proc = subprocess.Popen([*NOKI, "send", "--today", "2026-11-25"], env=env)
    deadline = time.monotonic() + 60
    while len(smtp_server.messages) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 5 <= len(smtp_server.messages) < 25, "the worker should die mid-batch"
    time.sleep(4.2)  # the dead worker's lease expires
    smtp_server.delay = 0
    done = subprocess.run([*NOKI, "send", "--workers", "2", "--today", "2026-11-25"], env=env,
                          timeout=120)
    assert done.returncode == 0
    seen = collections.Counter(m["X-Noki-Outbox-Id"] for m in smtp_server.messages)
    assert len(seen) == len(drafts)  # nothing lost
    assert sum(n - 1 for n in seen.values()) <= 1  # at most the in-flight one twice
    from sqlmodel import Session, select

    from noki.db.models import OutboxMessage

    with Session(engine) as s:
        assert {m.status for m in s.exec(select(OutboxMessage)).all()} == {"sent"}


@pytest.mark.parametrize("bad", ["changethis", "x", "dev-secret"])
def test_placeholder_secret_refused_outside_dev(bad: str, monkeypatch) -> None:
    from pydantic import ValidationError

    from noki.settings import Settings

    monkeypatch.setenv("NOKI_ENV", "prod")
    monkeypatch.setenv("NOKI_SESSION_SECRET", bad)
    with pytest.raises(ValidationError, match="NOKI_SESSION_SECRET"):
        Settings()
