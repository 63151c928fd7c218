"""The KPI report: refresh the projection, run the aggregates, shape weeks and groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from noki.db import session_scope
from noki.domain.kpi.figures import figures
from noki.domain.kpi.weeks import iso_label, week_end, window
from noki.services.kpi.dialect import roomy
from noki.services.kpi.projection import refresh
from noki.services.kpi.queries import GROUP_COLUMNS, KpiQueries, Window

if TYPE_CHECKING:
    from noki.app.context import AppContext


@dataclass
class KpiReport:
    """KPIs per ISO week (all orders) and per group of one breakdown over the window."""

    today: date
    weeks: list[dict[str, Any]] = field(default_factory=list)
    by: str | None = None
    groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def current(self) -> dict[str, Any]:
        """The latest week (headline cards)."""
        return self.weeks[-1]

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON (dates as ISO text)."""
        return {"today": self.today.isoformat(), "by": self.by, "weeks": self.weeks,
                "groups": self.groups}


def _waiting(found: dict[str, Any] | None) -> dict[str, Any]:
    found = found or {}
    return {"days_waiting_median": found.get("median"), "days_waiting_p90": found.get("p90"),
            "days_waiting_max": found.get("max")}


def _merge(target: dict[Any, dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    for row in rows:
        target.setdefault(row["key"], {}).update({k: v for k, v in row.items() if k != "key"})


def _weeks(q: KpiQueries, w: Window) -> list[dict[str, Any]]:
    counts: dict[Any, dict[str, Any]] = {wk: {} for wk in w.weeks}
    backlog = q.weekly_backlog()
    contact = q.first_contact(None)
    _merge(counts, q.cohorts(None))
    _merge(counts, q.compensation(None))
    out = []
    for wk in w.weeks:
        open_ = backlog.get(wk) or {}
        c = {**counts[wk], "open_count": open_.get("n", 0), "open_value_jpy": open_.get("value", 0),
             **_waiting(open_),
             "first_contact_minutes": (contact.get(wk) or {}).get("median")}
        out.append({"week": wk.isoformat(), "label": iso_label(wk),
                    "end": week_end(wk, w.today).isoformat(), **figures(c)})
    return out


def _groups(q: KpiQueries, by: str) -> list[dict[str, Any]]:
    counts: dict[Any, dict[str, Any]] = {}
    for rows in (q.cohorts(by), q.compensation(by)):
        _merge(counts, rows)
    waiting = q.open_now(by)
    for key, found in waiting.items():
        counts.setdefault(key, {}).update(open_count=found["n"], open_value_jpy=found["value"])
    contact = q.first_contact(by)
    out = []
    for key in sorted(counts, key=str):
        c = {**counts[key], **_waiting(waiting.get(key)),
             "first_contact_minutes": (contact.get(key) or {}).get("median")}
        out.append({"key": key, **figures(c)})
    out.sort(key=lambda g: (-g["open_count"], str(g["key"])))
    return out


def compute(s: Session, today: date, *, since: date | None = None, by: str | None = None,
            weeks: int = 12) -> KpiReport:
    """Aggregate the (already refreshed) projection."""
    if by is not None and by not in GROUP_COLUMNS:
        raise ValueError(f"--by {by!r}: expected one of {', '.join(GROUP_COLUMNS)}")
    w = Window(tuple(window(today, since, weeks)), today)
    roomy(s)
    q = KpiQueries(s, w)
    report = KpiReport(today=today, by=by, weeks=_weeks(q, w))
    if by is not None:
        report.groups = _groups(q, by)
    return report


def kpi_report(ctx: AppContext, *, today: date | None = None, since: date | None = None,
               by: str | None = None) -> KpiReport:
    """Refresh the projection (its own transaction), then report."""
    with session_scope(ctx.engine) as s:
        refresh(s)
    with session_scope(ctx.engine) as s:
        return compute(s, today or ctx.clock.today(), since=since, by=by)
