"""The crash-safe outbox sender."""

from __future__ import annotations

from noki.outbox.claim import Claimed, claim
from noki.outbox.worker import Policy, Worker
from noki.settings import Settings

__all__ = ["Claimed", "Policy", "Worker", "claim", "policy_from"]


def policy_from(settings: Settings) -> Policy:
    """The retry policy the settings ask for."""
    return Policy(
        max_attempts=settings.outbox_max_attempts,
        backoff_seconds=settings.outbox_backoff_seconds,
        backoff_max_seconds=settings.outbox_backoff_max_seconds,
        lease_seconds=settings.outbox_lease_seconds,
        batch_size=settings.outbox_batch_size,
    )
