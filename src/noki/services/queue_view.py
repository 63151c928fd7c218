"""The review queue: filters, search, sorts and counts over pending drafts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Engine,
    String,
    false,
    func,
    literal,
    literal_column,
    nulls_last,
    or_,
    union,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from noki.db.clock import utcnow
from noki.db.models import Customer, DraftRow, OrderRow
from noki.db.search_indexes import PHONE_DIGITS
from noki.services.drafts import bulk_eligible_values

PAGE = 50
MATCH_LIST = 200  # a search's orders passed as a list up to this many, else as a subquery
MAX_PAGE = 100_000  # a page number beyond this is a typo or a probe, not a queue
AGES = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
}
# "What must I do first": overdue escalations, then the rules' lane (priority, expedite,
# standard), then the customer's need-by date (soonest first, none last), then the longest wait.
SORTS: dict[str, tuple[Any, ...]] = {
    "urgency": (col(DraftRow.urgency), nulls_last(col(DraftRow.need_by)),
                col(DraftRow.queued_at), col(DraftRow.id)),
    "need_by": (nulls_last(col(DraftRow.need_by)), col(DraftRow.id)),
    "delay": (col(DraftRow.delay_days).desc(), col(DraftRow.id).desc()),
    "next_contact": (nulls_last(col(DraftRow.next_contact)), col(DraftRow.id)),
    "waiting": (col(DraftRow.queued_at), col(DraftRow.id)),
}
PHONE = re.compile(r"[0-9+()\- ]+")
FACET_FILTERS = ("lane", "industry", "compensation", "approval", "channel")


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class QueueFilter:
    """Queue filters as they come from the query string ('' = any)."""

    q: str = ""  # order number, customer name, e-mail, phone or SKU
    lane: str = ""
    industry: str = ""
    compensation: str = ""
    channel: str = ""
    approval: str = ""  # "auto" | "required"
    state: str = ""  # orders.state
    overdue: str = ""  # "yes"
    violations: str = ""  # "yes" | "no" | ""
    age: str = ""  # older than one of AGES
    mine: str = ""  # "1": drafts assigned to the viewer
    sort: str = "urgency"
    page: int = 1

    def __post_init__(self) -> None:
        # An offset past any real queue (or below 1) would only cost a scan or overflow a bigint.
        self.page = min(max(self.page, 1), MAX_PAGE)
        for name, value in vars(self).items():  # NUL and other controls match nothing anywhere
            if isinstance(value, str):
                setattr(self, name, CONTROL.sub("", value))
        self.q = self.q.strip()[:100]
        if self.sort not in SORTS:
            self.sort = "urgency"

    @property
    def facet_only(self) -> bool:
        """True when the grouped facet counts alone answer this filter."""
        return not (self.q or self.state or self.overdue or self.age or self.mine)

    @property
    def active(self) -> bool:
        """True when anything narrows the queue."""
        return not self.facet_only or any(getattr(self, n) for n in FACET_FILTERS) or bool(
            self.violations)

    def params(self, **change: Any) -> dict[str, Any]:
        """The query string of this filter (non-empty values), with some values changed."""
        names = ("q", "lane", "industry", "compensation", "channel", "approval", "state",
                 "overdue", "violations", "age", "mine", "sort", "page")
        out = {n: getattr(self, n) for n in names}
        out.update(change)
        return {k: v for k, v in out.items() if v not in ("", None) and
                not (k == "page" and v == 1) and not (k == "sort" and v == "urgency")}

    def matches(self, facts: dict[str, Any]) -> bool:
        """The filter applied to one group of facet values (age aside)."""
        for name in FACET_FILTERS:
            if (value := getattr(self, name)) and facts[name] != value:
                return False
        if self.violations in ("yes", "no") and bool(facts["check_ok"]) != (
            self.violations == "no"
        ):
            return False
        return True

    def where(self, *, username: str = "", contacts: bool = True,
              matched: list[str] | None = None) -> list[Any]:
        """SQL conditions for the pending drafts this filter selects.

        `matched`: the orders the search found, when the caller looked them up already.
        """
        conds: list[Any] = [col(DraftRow.status) == "pending"]
        for name in FACET_FILTERS:
            if value := getattr(self, name):
                conds.append(getattr(DraftRow, name) == value)
        if self.violations in ("yes", "no"):
            conds.append(col(DraftRow.check_ok) == (self.violations == "no"))
        if self.age in AGES:
            conds.append(col(DraftRow.created_at) <= utcnow() - AGES[self.age])
        if self.mine:
            # Nobody signed in is assigned nothing (a NUL sentinel would break PostgreSQL).
            conds.append(col(DraftRow.assigned_to) == username if username else false())
        orders = []
        if self.state:
            orders.append(col(OrderRow.state) == self.state)
        if self.overdue == "yes":
            conds.append(or_(col(DraftRow.kind) == "overdue", col(DraftRow.order_id).in_(
                sa_select(col(OrderRow.order_id)).where(col(OrderRow.overdue_escalated_on).is_not(None))
            )))
        if orders:
            conds.append(col(DraftRow.order_id).in_(sa_select(col(OrderRow.order_id)).where(*orders)))
        if self.q:
            conds.append(col(DraftRow.order_id).in_(matched) if matched is not None
                         else col(DraftRow.order_id).in_(search_orders(self.q, contacts=contacts)))
        return conds


def search_orders(q: str, *, contacts: bool) -> Any:
    """The orders a search finds (a SELECT of order ids): order number (exact or prefix), SKU,
    customer name; e-mail and phone for contact roles."""
    # A UNION of index-friendly parts, not one OR: PostgreSQL then hashes the small set of
    # matching orders once instead of testing every pending draft against a subplan.
    prefix = _escape(q) + "%"
    matches = union(
        sa_select(literal(q, type_=String())),
        sa_select(col(OrderRow.order_id)).where(col(OrderRow.sku_id) == q),
        sa_select(col(OrderRow.order_id)).where(col(OrderRow.order_id).like(prefix, escape="\\")),
        sa_select(col(OrderRow.order_id)).join(
            Customer, col(Customer.customer_id) == col(OrderRow.customer_id)
        ).where(or_(*customer_matches(q, contacts=contacts))),
    )
    return sa_select(matches.subquery().c[0])


def customer_matches(q: str, *, contacts: bool) -> list[Any]:
    """Conditions on customers a search tests (any one matches), each one a trigram index
    can answer on PostgreSQL (noki.db.search_indexes)."""
    like = "%" + _escape(q) + "%"
    people: list[Any] = [col(Customer.name).ilike(like, escape="\\")]
    if contacts:
        people.append(col(Customer.email).ilike(like, escape="\\"))
        digits = "".join(ch for ch in q if ch.isdigit()).removeprefix("81").lstrip("0")
        if PHONE.fullmatch(q) and len(digits) >= 6:  # 090-1234-5678, +81 90... : one phone
            # Literal SQL, the very expression of PostgreSQL's trigram index on the phone.
            stored: Any = literal_column(PHONE_DIGITS.replace("phone", "customers.phone"))
            people.append(stored.like("%" + digits + "%"))
    return people


def _escape(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class QueueRow:
    """One queue line: the draft and what the queue shows about its order."""

    draft: DraftRow
    state: str
    customer: str
    overdue: bool


@dataclass
class QueuePage:
    """One page of the queue with counts for the filters."""

    rows: list[DraftRow]
    total: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    eligible: int = 0
    lines: list[QueueRow] = field(default_factory=list)
    queue_total: int = 0  # every pending draft, whatever the filter


FACETS = ("lane", "industry", "compensation", "check_ok", "drafter", "approval", "channel")
FLAGS = ("drafter", "check_ok", "approval")  # what makes a draft eligible for bulk approve
# drafts.bulk_eligible_values as SQL conditions (pending is every queue query's first one).
ELIGIBLE = (col(DraftRow.drafter) == "template", col(DraftRow.check_ok),
            col(DraftRow.approval) == "auto")


def queue(engine: Engine, f: QueueFilter, *, username: str = "",
          contacts: bool = True) -> QueuePage:
    """One page of pending drafts in the filter's sort order, with counts."""
    with Session(engine) as s:
        # One grouped pass over the narrow partial index gives every count the page shows.
        facets = [col(getattr(DraftRow, n)) for n in FACETS]
        groups = s.connection().execute(
            sa_select(*facets, func.count()).where(col(DraftRow.status) == "pending")
            .group_by(*facets)
        ).all()
        counts: dict[str, dict[str, int]] = {n: {} for n in (*FACETS[:4], "approval")}
        total = eligible = everything = 0
        for *key, n in groups:
            facts = dict(zip(FACETS, key, strict=True))
            everything += n
            for name in counts:
                counts[name][str(facts[name])] = counts[name].get(str(facts[name]), 0) + n
            if f.matches(facts):
                total += n
                eligible += n if bulk_eligible_values(facts) else 0
        # The search's orders are found once and reused by the counts and the page.
        matched = (list(s.execute(search_orders(f.q, contacts=contacts).limit(MATCH_LIST + 1))
                        .scalars()) if f.q else None)
        if matched is not None and len(matched) > MATCH_LIST:
            matched = None  # many orders (a popular SKU): the subquery, hashed by the database
        conds = f.where(username=username, contacts=contacts, matched=matched)
        if not f.facet_only:  # search, state, age...: one grouped count in the database
            flags = [col(getattr(DraftRow, n)) for n in FLAGS]
            found = s.connection().execute(
                sa_select(*flags, func.count()).where(*conds).group_by(*flags)).all()
            total = sum(n for *_, n in found)
            eligible = sum(n for *key, n in found
                           if bulk_eligible_values(dict(zip(FLAGS, key, strict=True))))
        rows = list(s.exec(
            select(DraftRow).where(*conds).order_by(*SORTS[f.sort])
            .offset((f.page - 1) * PAGE).limit(PAGE)
        ).all())
        lines = _lines(s, rows, contacts=contacts)
        return QueuePage(rows, int(total), counts, int(eligible), lines, everything)


def eligible_ids(engine: Engine, f: QueueFilter, *, username: str = "", contacts: bool = True,
                 after: int = 0, limit: int = 500) -> list[int]:
    """Ids of the drafts a whole-filter bulk approve takes, in id order after `after`."""
    with Session(engine) as s:
        return list(s.exec(
            select(DraftRow.id).where(*f.where(username=username, contacts=contacts), *ELIGIBLE,
                                      col(DraftRow.id) > after)
            .order_by(col(DraftRow.id)).limit(limit)
        ).all())  # type: ignore[arg-type]


def _lines(s: Session, rows: list[DraftRow], *, contacts: bool) -> list[QueueRow]:
    ids = {r.order_id for r in rows}
    facts = {
        o[0]: tuple(o) for o in s.execute(
            sa_select(col(OrderRow.order_id), col(OrderRow.state),
                      col(OrderRow.overdue_escalated_on), col(Customer.name))
            .join(Customer, col(Customer.customer_id) == col(OrderRow.customer_id))
            .where(col(OrderRow.order_id).in_(ids))
        ).all()
    }
    out = []
    for r in rows:
        _, state, overdue_on, name = facts.get(r.order_id, (r.order_id, "", None, ""))
        out.append(QueueRow(r, str(state), str(name) if contacts else "",
                            r.kind == "overdue" or overdue_on is not None))
    return out


def sla_state(queued_at: datetime, target_hours: float, now: datetime | None = None
              ) -> tuple[str, float]:
    """('ok' | 'soon' | 'late', hours left (negative when late)) for the first-notice SLA."""
    now = now or utcnow()
    if queued_at.tzinfo is None and now.tzinfo is not None:
        now = now.replace(tzinfo=None)
    left = (queued_at + timedelta(hours=target_hours) - now).total_seconds() / 3600
    return ("late" if left < 0 else "soon" if left < target_hours / 4 else "ok"), left


def days_until(day: date | None, today: date) -> int | None:
    """Days from today to a date (negative when it has passed)."""
    return None if day is None else (day - today).days


def next_pending(engine: Engine, *, exclude: int) -> int | None:
    """The most urgent pending draft other than `exclude` (the draft page's 次へ)."""
    with Session(engine) as s:
        return s.exec(
            select(DraftRow.id).where(col(DraftRow.status) == "pending",
                                      col(DraftRow.id) != exclude)
            .order_by(*SORTS["urgency"]).limit(1)
        ).first()
