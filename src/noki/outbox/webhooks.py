"""Delivering signed webhooks: claim (SKIP LOCKED / compare-and-set), POST, retry, dead-letter."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, false, insert, or_, update
from sqlmodel import col, select

from noki.app.worker_loop import BatchWorker
from noki.db.clock import utcnow
from noki.db.lease import LeasedTable, new_lease, renew
from noki.db.lease import claim as lease_claim
from noki.db.models import AuditEvent
from noki.db.models_lifecycle import TimelineEntry
from noki.db.models_webhooks import WebhookMessage
from noki.outbox.worker import Policy
from noki.services.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, TOPIC_LABELS, sign
from noki.settings import Settings

log = logging.getLogger(__name__)
# Answers that retrying the same signed bytes cannot change: dead at once.
_RETRYABLE_4XX = frozenset({408, 409, 425, 429})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is the answer, not a hop: urllib re-sends a POST as a GET without its body."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Follow nothing: the status reaches post_signed as an HTTPError (retried, then dead)."""
        return None



@dataclass(frozen=True, kw_only=True)
class WebhookConfig(Policy):
    """Targets and secret for the webhook sender; retries, lease and batch as the outbox's."""

    urls: dict[str, str]  # topic prefix -> URL (only configured ones)
    secret: str
    timeout: float = 10.0
    max_attempts: int = 8

    @classmethod
    def from_settings(cls, s: Settings) -> WebhookConfig:
        """The configuration the NOKI_WEBHOOK_* settings ask for."""
        urls = {p: u for p, u in (("oms", s.webhook_oms_url),
                                  ("storefront", s.webhook_storefront_url)) if u}
        return cls(urls=urls, secret=s.webhook_secret, timeout=s.webhook_timeout,
                   max_attempts=s.webhook_max_attempts, backoff_seconds=s.webhook_backoff_seconds,
                   backoff_max_seconds=s.webhook_backoff_max_seconds,
                   lease_seconds=s.outbox_lease_seconds, batch_size=s.outbox_batch_size)


@dataclass(frozen=True)
class ClaimedHook:
    """A webhook this worker holds a lease on."""

    id: int
    topic: str
    key: str
    order_id: str | None
    body: str
    attempts: int
    token: str


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(col(WebhookMessage.status) == "pending", col(WebhookMessage.next_attempt_at) <= now),
        HOOKS.expired(now),
    )


HOOKS = LeasedTable(WebhookMessage, "sending", _due)


def claim_hooks(engine: Engine, cfg: WebhookConfig, *, worker: str) -> list[ClaimedHook]:
    """Lease up to batch_size due webhooks whose topic has a configured URL (noki.db.lease)."""
    if not cfg.urls:
        return []  # nothing can be delivered; the rows wait (visible as pending)
    lease = new_lease(worker, cfg.lease_seconds)
    topics = or_(false(), *[col(WebhookMessage.topic).startswith(f"{p}.") for p in cfg.urls])
    pick = (select(WebhookMessage.id).where(topics, _due(lease.now))
            .order_by(col(WebhookMessage.next_attempt_at), col(WebhookMessage.id))
            .limit(cfg.batch_size))
    w = WebhookMessage
    returning = (col(w.topic), col(w.key), col(w.order_id), col(w.body), col(w.attempts))
    # Committed before any network call.
    def build(_conn: object, rows: Sequence[Any]) -> list[ClaimedHook]:
        return [ClaimedHook(int(r[0]), r[1], r[2], r[3], r[4], r[5], lease.token) for r in rows]

    return lease_claim(engine, HOOKS, lease, pick=pick, returning=returning, build=build) or []


def post_signed(url: str, secret: str, hook: ClaimedHook, timeout: float) -> int:
    """POST the body with its signature; returns the HTTP status (raises OSError when down)."""
    body = hook.body.encode()
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(secret, body),
        TIMESTAMP_HEADER: str(int(time.time())),
        "Idempotency-Key": f"{hook.topic}:{hook.key}",
        "X-Noki-Topic": hook.topic,
        "User-Agent": "noki-webhooks/1",
    })
    try:
        # An opener per call (cheap; webhooks are few): no process-wide object to configure.
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(req, timeout=timeout) as resp:  # configured URL
            return int(resp.status or 0)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


class WebhookWorker(BatchWorker[int]):
    """One webhook sender; any number may run (threads, processes, machines)."""

    def __init__(self, engine: Engine, cfg: WebhookConfig, *, name: str) -> None:
        self.engine, self.cfg, self.name, self.report = engine, cfg, name, 0

    def new_report(self) -> int:
        """Nothing attempted yet."""
        return 0

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many webhooks were attempted."""
        batch = claim_hooks(self.engine, self.cfg, worker=self.name)
        for hook in batch:
            self._deliver(hook)
        self.report += len(batch)
        return len(batch)

    def _deliver(self, hook: ClaimedHook) -> None:
        # The lease must still be ours right before the POST (renewed for this one call).
        if not renew(self.engine, HOOKS, hook.id, hook.token, self.cfg.lease_seconds):
            return
        url = self.cfg.urls[hook.topic.split(".", 1)[0]]
        status: int | None = None
        try:
            status = post_signed(url, self.cfg.secret, hook, self.cfg.timeout)
        except (OSError, ValueError) as exc:  # refused, timeout, DNS, bad URL
            error = f"{type(exc).__name__}: {exc}"
        else:
            if 200 <= status < 300:
                self._finish(hook, status, None, dead=False)
                return
            error = f"HTTP {status} from {url}"
        permanent = status is not None and 400 <= status < 500 and status not in _RETRYABLE_4XX
        self._finish(hook, status, error, dead=permanent or hook.attempts >= self.cfg.max_attempts)

    def _finish(self, hook: ClaimedHook, status: int | None, error: str | None, *,
                dead: bool) -> None:
        now = utcnow()
        if error is None:
            values: dict[str, object] = {"status": "sent", "sent_at": now, "last_error": None}
        else:
            values = {"status": "dead" if dead else "pending", "last_error": error[:2000],
                      "next_attempt_at": now + timedelta(seconds=self.cfg.delay(hook.attempts))}
        with self.engine.begin() as conn:
            hit = conn.execute(
                update(WebhookMessage)
                .where(col(WebhookMessage.id) == hook.id, HOOKS.held(hook.token))
                .values(lease_until=None, last_status=status, **values))
            if hit.rowcount != 1:
                return  # our lease expired and another worker took over
            action = "webhook_sent" if error is None else "webhook_failed"
            conn.execute(insert(AuditEvent).values(
                at=now, actor=f"sender:{self.name}", action=action, order_id=hook.order_id,
                detail={"webhook_id": hook.id, "topic": hook.topic, "attempt": hook.attempts,
                        "status": status, "dead": dead, "error": (error or "")[:500]}))
            if hook.order_id and (error is None or dead):
                label = TOPIC_LABELS.get(hook.topic, hook.topic)
                outcome = "送信済み" if error is None else f"送信不能: {error[:120]}"
                conn.execute(insert(TimelineEntry).values(
                    order_id=hook.order_id, at=now, kind="webhook", actor=f"sender:{self.name}",
                    source=hook.topic, ref=f"webhook:{hook.id}", summary=f"{label}（{outcome}）",
                    detail={"webhook_id": hook.id, "status": status,
                            "attempts": hook.attempts}))
