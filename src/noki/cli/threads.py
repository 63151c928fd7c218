"""Run N worker threads until they finish or Ctrl-C, then close the application context."""

from __future__ import annotations

import threading
from collections.abc import Callable

from noki.app.context import AppContext


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
