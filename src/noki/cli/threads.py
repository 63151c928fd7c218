"""Run N workers as threads (drain and exit, or poll until Ctrl-C), then close the context."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from noki.app.context import AppContext
from noki.app.worker_loop import BatchWorker

R = TypeVar("R")


def run_workers(ctx: AppContext, workers: int, run: Callable[[int], None],
                stop: threading.Event) -> None:
    """Start `run(i)` for each worker; Ctrl-C sets `stop`; the context is closed at the end."""
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(workers)]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():  # join with a timeout so Ctrl-C reaches the main thread
                t.join(0.5)
    except KeyboardInterrupt:
        stop.set()
    finally:
        ctx.close()


def run_pool(
    ctx: AppContext,
    make: Callable[[int], BatchWorker[R]],
    *,
    workers: int,
    forever: bool,
    interval: float,
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """`noki work` and `noki send`: `workers` threads, each a worker from `make(i)`.

    Without `forever` each drains the queue and exits (its report is returned); with it each
    polls every `interval` seconds until Ctrl-C.
    """
    stop = threading.Event()
    reports: list[R] = []

    def run(i: int) -> None:
        worker = make(i)
        if forever:
            worker.run_forever(stop, interval)
            return
        try:
            reports.append(worker.drain(progress))
        finally:
            worker.close()

    run_workers(ctx, workers, run, stop)
    return reports
