"""The one worker loop: claim a batch, handle it, repeat; drain and exit, or poll until stopped.

Draft workers (`noki work`) and senders (`noki send`) are both a `BatchWorker`; the CLI runs N of
them as threads (`noki.cli.threads`), the console runs them in the background.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

R = TypeVar("R")
log = logging.getLogger(__name__)


class BatchWorker(ABC, Generic[R]):
    """A worker over a leased queue; subclasses say how one batch runs and what they report."""

    name: str
    report: R  # what the current drain did; run_once adds each batch to it

    @abstractmethod
    def new_report(self) -> R:
        """An empty report (each drain starts one)."""

    @abstractmethod
    def run_once(self) -> int:
        """Claim one batch and handle it; returns how many rows were claimed (0: none due)."""

    def close(self) -> None:
        """Release what the worker holds (connections); called when a loop ends."""

    def drain(self, progress: Callable[[int], None] | None = None) -> R:
        """Run batches until nothing is claimable; `progress` gets each batch's size."""
        self.report = self.new_report()
        while claimed := self.run_once():
            if progress is not None:
                progress(claimed)
        return self.report

    def run_forever(self, stop: threading.Event, interval: float) -> None:
        """Work until `stop` is set, waiting `interval` seconds whenever nothing was due."""
        try:
            while not stop.is_set():
                try:
                    claimed = self.run_once()
                except Exception:  # keep the worker alive (e.g. the database restarts)
                    log.exception("worker %s: batch failed", self.name)
                    claimed = 0
                if not claimed:
                    stop.wait(interval)
        finally:
            self.close()
