"""Draft workers: claim jobs, draft with no transaction open, store in a short transaction.

Any number of workers (threads in `noki work`, the console, other machines) share one queue:
claims skip each other's rows, a lease that runs out (a killed worker) makes its jobs claimable
again, and a draft for a decision that was superseded meanwhile is dropped, not stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from noki.app import AppContext
from noki.app.worker_loop import BatchWorker
from noki.domain.draft import Draft
from noki.services import draft_jobs, notice_facts
from noki.services.draft_jobs import ClaimedJob


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


class DraftWorker(BatchWorker[DrainReport]):
    """One draft worker; with a model its calls run concurrently on the context's drafter.

    `only` restricts it to given job ids (an ingest drafting its own jobs inline).
    """

    def __init__(self, ctx: AppContext, *, name: str, batch_size: int | None = None,
                 only: Sequence[int] | None = None) -> None:
        self.ctx, self.name, self.only = ctx, name, only
        settings = ctx.settings
        size = batch_size or settings.draft_batch_size
        # A model batch is as large as the calls that may run at once: leases stay short.
        self.batch_size = min(size, ctx.drafter.concurrency) if ctx.drafter.uses_model else size
        self.lease_seconds = settings.draft_lease_seconds
        self.report = DrainReport()

    def new_report(self) -> DrainReport:
        """Nothing drafted yet."""
        return DrainReport()

    def run_once(self) -> int:
        """Claim one batch, draft it, store it; returns how many jobs were claimed."""
        jobs = draft_jobs.claim(
            self.ctx.engine,
            worker=self.name,
            limit=self.batch_size,
            lease_seconds=self.lease_seconds,
            only=self.only,
        )
        if not jobs:
            return 0
        made = self.draft(jobs)  # no transaction is open here
        self.report.add(draft_jobs.store(self.ctx.engine, jobs, made), len(jobs))
        return len(jobs)

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


def draft_inline(ctx: AppContext, job_ids: Sequence[int]) -> int:
    """Draft these jobs now in this process (template drafter only); returns drafts stored."""
    if not job_ids or ctx.drafter.uses_model or not ctx.settings.draft_inline:
        return 0
    return DraftWorker(ctx, name="inline", only=job_ids).drain().stored
