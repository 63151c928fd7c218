"""Draft workers: claim jobs, draft with no transaction open, store in a short transaction.

Any number of workers (threads in `noki work`, the console, other machines) share one queue:
claims skip each other's rows, a lease that runs out (a killed worker) makes its jobs claimable
again, and a draft for a decision that was superseded meanwhile is dropped, not stored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from noki.app import AppContext
from noki.domain.draft import Draft
from noki.services import draft_jobs, notice_facts
from noki.services.draft_jobs import ClaimedJob

log = logging.getLogger(__name__)


@dataclass
class DrainReport:
    """What a drain did."""

    claimed: int = 0
    stored: int = 0
    dropped: int = 0
    failed: int = 0

    def add(self, other: draft_jobs.StoreReport, claimed: int) -> None:
        """Count one batch in."""
        self.claimed += claimed
        self.stored += other.stored
        self.dropped += other.dropped
        self.failed += other.failed


class DraftWorker:
    """One draft worker; with a model its calls run concurrently on the context's drafter."""

    def __init__(self, ctx: AppContext, *, name: str, batch_size: int | None = None) -> None:
        self.ctx, self.name = ctx, name
        settings = ctx.settings
        size = batch_size or settings.draft_batch_size
        # A model batch is as large as the calls that may run at once: leases stay short.
        self.batch_size = min(size, ctx.drafter.concurrency) if ctx.drafter.uses_model else size
        self.lease_seconds = settings.draft_lease_seconds

    def run_once(self, only: Sequence[int] | None = None) -> tuple[int, draft_jobs.StoreReport]:
        """Claim one batch, draft it, store it; returns (claimed, what was stored)."""
        jobs = draft_jobs.claim(
            self.ctx.engine,
            worker=self.name,
            limit=self.batch_size,
            lease_seconds=self.lease_seconds,
            only=only,
        )
        if not jobs:
            return 0, draft_jobs.StoreReport()
        made = self.draft(jobs)  # no transaction is open here
        return len(jobs), draft_jobs.store(self.ctx.engine, jobs, made)

    def draft(self, jobs: Sequence[ClaimedJob]) -> dict[int, Draft | BaseException]:
        """Draft every job; a failure is kept per job (the job is retried or marked failed)."""
        drafter = self.ctx.drafter
        out: dict[int, Draft | BaseException] = {}
        # Lifecycle facts, ledger and link: one short read, closed before any drafting.
        notices = notice_facts.notices_for(self.ctx, jobs)
        if not drafter.uses_model:
            for job in jobs:
                try:
                    out[job.id] = drafter.draft(job.order, job.decision,
                                                notice=notices.get(job.id))
                except Exception as exc:  # a broken template must not stop the batch
                    out[job.id] = exc
            return out
        futures = {job.id: drafter.submit(job.order, job.decision, notice=notices.get(job.id))
                   for job in jobs}
        for job_id, future in futures.items():
            try:
                out[job_id] = future.result()
            except Exception as exc:
                out[job_id] = exc
        return out

    def drain(
        self,
        only: Sequence[int] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> DrainReport:
        """Run batches until nothing is claimable; `progress` gets each batch's size."""
        report = DrainReport()
        while True:
            claimed, stored = self.run_once(only)
            if not claimed:
                return report
            report.add(stored, claimed)
            if progress is not None:
                progress(claimed)

    def run_forever(self, stop: threading.Event, interval: float) -> None:
        """Draft until stop is set, waiting `interval` seconds when the queue is empty."""
        while not stop.is_set():
            try:
                claimed, _ = self.run_once()
            except Exception:  # keep the worker alive; the error is logged
                log.exception("draft worker %s: batch failed", self.name)
                claimed = 0
            if not claimed:
                stop.wait(interval)


def draft_inline(ctx: AppContext, job_ids: Sequence[int]) -> int:
    """Draft these jobs now in this process (template drafter only); returns drafts stored."""
    if not job_ids or ctx.drafter.uses_model or not ctx.settings.draft_inline:
        return 0
    return DraftWorker(ctx, name="inline").drain(only=job_ids).stored
