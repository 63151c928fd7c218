"""One order's KPI facts, from its row, payload, decisions, ETA history and notices (pure).

The service feeds what it read; this decides what each KPI counts, so docs/kpi.md and the
tests talk about one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from noki.domain.kpi.definitions import OPTIONS
from noki.domain.kpi.weeks import week_of
from noki.domain.order import TOKYO

NO_SUPPLIER = "(PO なし)"


@dataclass(frozen=True)
class EtaSeen:
    """One row of the order's ETA history."""

    earliest: date
    latest: date
    confidence: str
    recorded_at: datetime


@dataclass(frozen=True)
class OrderSources:
    """Everything the projection reads for one order."""

    order_id: str
    sku_id: str
    po_ref: str | None
    industry: str
    state: str
    choice: str | None
    created_at: datetime
    closed_at: datetime | None
    payload: dict[str, Any]
    decisions: Sequence[dict[str, Any]]  # payloads in id order
    etas: Sequence[EtaSeen]  # in id order
    sent_at: Sequence[datetime]  # notices that left, any order
    partial: bool  # a partially_shipped event or state was seen


def tokyo_day(moment: datetime) -> date:
    """The calendar day in Japan of a stored time (naive times are UTC, as SQLite gives them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TOKYO).date()


def slip_times(etas: Sequence[EtaSeen]) -> list[datetime]:
    """When the ETA's last day moved later than the one before it (one time per slip)."""
    return [b.recorded_at for a, b in zip(etas, etas[1:], strict=False) if b.latest > a.latest]


def _communicated(src: OrderSources) -> date | None:
    """eta.latest told by the last notice before the order closed (None: none was sent)."""
    sent = sorted(t for t in src.sent_at if src.closed_at is None or t <= src.closed_at)
    if not sent:
        return None
    told = [e for e in src.etas if e.recorded_at <= sent[-1]]
    if told:
        return told[-1].latest
    # ETA history written after the notice (clock skew, imports): the first one known.
    if src.etas:
        return src.etas[0].latest
    return date.fromisoformat(src.payload["eta"]["latest"])


def project(src: OrderSources) -> dict[str, Any]:
    """The kpi_order_facts row for one order."""
    p = src.payload
    ordered_on = date.fromisoformat(p["ordered_at"])
    closed_on = tokyo_day(src.closed_at) if src.closed_at is not None else None
    offered = {o for d in src.decisions for o in d.get("options", ())}
    segment = next((d["segment"] for d in reversed(src.decisions) if d.get("segment")), "-")
    confidence = src.etas[-1].confidence if src.etas else p["eta"].get("confidence", "medium")
    choice = src.choice or ("substitute" if src.state == "substituted" else None)
    return {
        "order_id": src.order_id,
        "sku_id": src.sku_id,
        "supplier": src.po_ref or NO_SUPPLIER,
        "industry": src.industry,
        "segment": segment,
        "channel": str(p.get("channel") or "web")[:20],
        "quantity": int(p["quantity"]),
        "value_jpy": int(p["quantity"]) * int(p["unit_price_jpy"]),
        "ordered_on": ordered_on,
        "ordered_week": week_of(ordered_on),
        "created_at": src.created_at,
        "state": src.state,
        "closed_on": closed_on,
        "closed_week": week_of(closed_on) if closed_on else None,
        "first_sent_at": min(src.sent_at) if src.sent_at else None,
        # The ERP's own count of reschedules counts too (an order may arrive already moved).
        "eta_slips": max(len(slip_times(src.etas)), int(p.get("reschedule_count") or 0)),
        "eta_confidence": confidence,
        "communicated_latest": _communicated(src),
        "partial": src.partial or src.state == "partially_shipped",
        "offered": "," + ",".join(o for o in OPTIONS if o in offered) + "," if offered else "",
        "choice": choice,
    }
