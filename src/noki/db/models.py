"""SQLModel tables: orders, decisions, drafts, reviews, outbox, audit, users."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from noki.db.clock import utcnow
from noki.db.models_ws import QUEUE_SORT_INDEXES, DraftPresence  # noqa: F401 (registers it)

OPEN_NOTICE = "status IN ('pending', 'approved') AND kind <> 'answer'"


class User(SQLModel, table=True):
    """A person (or machine account) who can log in; role decides what they see."""

    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=80)
    display_name: str = Field(default="", max_length=120)
    password_hash: str
    role: str = Field(max_length=20)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A bearer token for machines; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked: bool = False


class Customer(SQLModel, table=True):
    """A customer as last seen in an order."""

    __tablename__ = "customers"
    customer_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    updated_at: datetime = Field(default_factory=utcnow)


class OrderRow(SQLModel, table=True):
    """A backordered order line; payload is the validated Order document."""

    __tablename__ = "orders"
    # The queue's state filter and SKU search read these indexes alone (index-only scans).
    __table_args__ = (Index("ix_orders_state_order", "state", "order_id"),
                      Index("ix_orders_sku_order", "sku_id", "order_id"))
    order_id: str = Field(primary_key=True, max_length=64)
    customer_id: str = Field(foreign_key="customers.customer_id", index=True, max_length=64)
    industry: str = Field(max_length=10)
    sku_id: str = Field(max_length=64)  # indexed with order_id: ix_orders_sku_order
    po_ref: str | None = Field(default=None, index=True, max_length=64)
    status: str = Field(default="open", index=True, max_length=10)  # open | closed
    # Lifecycle (noki.domain.lifecycle.states); changed only by a compare-and-set on row_version.
    state: str = Field(
        default="backordered", max_length=20,  # indexed with order_id: ix_orders_state_order
        sa_column_kwargs={"server_default": "backordered"},
    )
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    shipped_qty: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    choice: str | None = Field(default=None, max_length=20)  # the option the customer chose
    overdue_escalated_on: date | None = None  # eta.latest passed: escalated once, this day
    closed_at: datetime | None = None
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    payload_hash: str = Field(max_length=64)
    next_update_date: date | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EtaHistory(SQLModel, table=True):
    """Every ETA an order has had, and where it came from."""

    __tablename__ = "eta_history"
    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="orders.order_id", index=True, max_length=64)
    earliest: date
    latest: date
    confidence: str = Field(max_length=10)
    source: str = Field(max_length=40)
    recorded_at: datetime = Field(default_factory=utcnow)


class DecisionRow(SQLModel, table=True):
    """One decision taken for an order (kept for every re-decision)."""

    __tablename__ = "decisions"
    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="orders.order_id", index=True, max_length=64)
    rules_version: str = Field(max_length=80)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class DraftRow(SQLModel, table=True):
    """One version of a notice; edits and regenerations add versions."""

    __tablename__ = "drafts"
    __table_args__ = (
        UniqueConstraint("order_id", "version", name="uq_drafts_order_version"),
        # The queue: per-lane range scans and facet counts over pending drafts only.
        # channel and order_id too: the filtered counts (channel, order state, search) read
        # this index alone, without the wide draft rows.
        Index(
            "ix_drafts_pending",
            "lane",
            "created_at",
            "id",
            "industry",
            "compensation",
            "check_ok",
            "drafter",
            "approval",
            "channel",
            "order_id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # At most one open (pending or approved) notice per order and channel. Answers to
        # inquiries (kind 'answer') are one per inquiry instead (inquiries.answer_draft_id).
        Index(
            "uq_drafts_open",
            "order_id",
            "channel",
            unique=True,
            postgresql_where=text(OPEN_NOTICE),
            sqlite_where=text(OPEN_NOTICE),
        ),
        *QUEUE_SORT_INDEXES,
    )
    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="orders.order_id", index=True, max_length=64)
    decision_id: int = Field(foreign_key="decisions.id", index=True)
    version: int
    parent_id: int | None = Field(default=None, foreign_key="drafts.id")
    root_id: int | None = Field(default=None, index=True)
    kind: str = Field(default="initial", max_length=20)  # initial | eta_change | followup
    status: str = Field(default="pending", max_length=12)
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # CAS counter
    channel: str = Field(max_length=8)
    subject: str | None = Field(default=None, sa_column=Column(Text))
    body: str = Field(sa_column=Column(Text, nullable=False))
    drafter: str = Field(max_length=12)  # template | llm | agent
    author: str = Field(max_length=80)  # "system" or a username
    check_ok: bool
    violations: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    industry: str = Field(max_length=10)
    lane: str = Field(max_length=10)
    compensation: str = Field(max_length=20)
    approval: str = Field(max_length=10)
    override_reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    decided_at: datetime | None = None
    # The agent's workspace (issue 14): sort keys copied from the order and decision, the
    # first time the notice entered the queue (kept across versions), and who works on it.
    queued_at: datetime = Field(default_factory=utcnow)
    urgency: int = Field(default=3, sa_column_kwargs={"server_default": "3"})
    need_by: date | None = None
    delay_days: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_contact: date | None = None
    assigned_to: str | None = Field(default=None, max_length=80)


class Review(SQLModel, table=True):
    """A person's (or the system's) action on a draft."""

    __tablename__ = "reviews"
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="drafts.id", index=True)
    actor: str = Field(max_length=80)
    action: str = Field(max_length=20)
    reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class OutboxMessage(SQLModel, table=True):
    """A notice to send; exactly one per (draft version, channel)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("draft_id", "channel", name="uq_outbox_draft_channel"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="drafts.id")
    order_id: str = Field(index=True, max_length=64)
    channel: str = Field(max_length=8)
    recipient: str = Field(max_length=200)
    subject: str | None = Field(default=None, sa_column=Column(Text))
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=10)  # pending|sending|sent|dead|cancelled
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    handed_at: datetime | None = None  # passed the CAS at hand-off: in flight, not cancellable
    last_error: str | None = None
    segments: int | None = None
    provider_ref: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    # E-mail threading (0005_inq): our Message-ID (make_msgid, set before the first send and
    # kept for retries), and for an answer the customer's mail it replies to.
    message_id: str | None = Field(default=None, unique=True, max_length=300)
    in_reply_to: str | None = Field(default=None, max_length=300)
    references: list[str] | None = Field(default=None, sa_column=Column(JSON))
    inquiry_id: int | None = Field(default=None, index=True)


class DeliveryAttempt(SQLModel, table=True):
    """One try at sending an outbox message."""

    __tablename__ = "delivery_attempts"
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outbox_messages.id", index=True)
    attempt_no: int
    worker: str = Field(max_length=80)
    ok: bool
    error: str | None = None
    started_at: datetime
    finished_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what, when, to which order."""

    __tablename__ = "audit_events"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=80)
    action: str = Field(index=True, max_length=30)
    order_id: str | None = Field(default=None, index=True, max_length=64)
    draft_id: int | None = None
    message_id: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class InquiryRow(SQLModel, table=True):
    """A customer's inquiry (reply mail, chat, phone note, web form) with its answer draft."""

    __tablename__ = "inquiries"
    __table_args__ = (
        UniqueConstraint("message_id", name="uq_inquiries_message_id"),
        UniqueConstraint("external_id", name="uq_inquiries_external_id"),
        Index("ix_inquiries_state", "state", "received_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=10)  # email | chat | phone | web_form
    external_id: str | None = Field(default=None, max_length=200)  # the sender's id (API, file)
    message_id: str | None = Field(default=None, max_length=300)  # the mail's Message-ID
    in_reply_to: str | None = Field(default=None, max_length=300)
    references: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    from_addr: str = Field(default="", max_length=320)
    from_name: str = Field(default="", max_length=200)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    text: str = Field(sa_column=Column(Text, nullable=False))
    full_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    mail_status: str = Field(default="ok", max_length=12)  # noki.inbound.models.MailStatus
    status_reason: str | None = Field(default=None, sa_column=Column(Text))
    state: str = Field(default="new", max_length=12)  # new|drafted|unlinked|queued|held|answered
    order_id: str | None = Field(default=None, index=True, max_length=64)
    link_method: str = Field(default="unlinked", max_length=14)
    link_detail: str = Field(default="", max_length=300)
    intent: str | None = Field(default=None, max_length=20)
    choice: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    injection: bool = False
    answer: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    raw_size: int = 0
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    defects: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    spool_name: str | None = Field(default=None, max_length=200)
    received_at: datetime = Field(default_factory=utcnow, index=True)
    first_response_at: datetime | None = None  # the SLA clock stops here
    answer_draft_id: int | None = None  # root of its answer draft in the review queue (0005_inq)
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class SentMessageId(SQLModel, table=True):
    """A Message-ID noki sent, so replies can be linked to their order by In-Reply-To."""

    __tablename__ = "sent_message_ids"
    message_id: str = Field(primary_key=True, max_length=300)
    order_id: str = Field(index=True, max_length=64)
    outbox_id: int | None = None
    inquiry_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class WebSession(SQLModel, table=True):
    """A console login; the cookie carries only the signed id, whose SHA-256 is stored here."""

    __tablename__ = "web_sessions"
    id: int | None = Field(default=None, primary_key=True)
    sid_hash: str = Field(unique=True, index=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None
    ended_reason: str | None = Field(default=None, max_length=20)  # logout | deactivated | ...


class DraftJob(SQLModel, table=True):
    """Drafting work for one decision: queued with the decision, done by a draft worker."""

    __tablename__ = "draft_jobs"
    __table_args__ = (Index("ix_draft_jobs_claim", "status", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="orders.order_id", index=True, max_length=64)
    decision_id: int = Field(foreign_key="decisions.id")
    kind: str = Field(default="initial", max_length=20)  # initial | eta_change | followup | ...
    event_id: str | None = Field(default=None, max_length=100)  # the event the notice is about
    nothing_new: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    first: bool = False  # the order's first notice: version 1
    auto_send: bool = False
    actor: str = Field(default="system", max_length=80)
    status: str = Field(default="queued", max_length=10)  # queued|running|done|dropped|failed
    attempts: int = 0
    lease_until: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None

# The lifecycle tables live in their own module; importing models registers them too.
from noki.db.models_inq import FaqEntryRow, FaqProposalRow  # noqa: E402,F401
from noki.db.models_kpi import KpiOrderFact, KpiRefreshMark, SalesControlRow  # noqa: E402,F401
from noki.db.models_kpi_rollups import (  # noqa: E402,F401
    KpiEtaSlip,
    KpiOpenStats,
    KpiOrderGrant,
    KpiRollupBacklog,
    KpiRollupContact,
    KpiRollupCounts,
)
from noki.db.models_lifecycle import (  # noqa: E402,F401
    CompensationGrantRow,
    OrderEventRow,
    SelfServiceLinkRow,
    TimelineEntry,
)
from noki.db.models_rules import RulesLiveRow, RuleVersionRow  # noqa: E402,F401
from noki.db.models_webhooks import WebhookMessage  # noqa: E402,F401
