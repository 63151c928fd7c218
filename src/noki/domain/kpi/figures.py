"""Turn the counts the SQL aggregates return into KPI values (rates, medians, rounding)."""

from __future__ import annotations

from typing import Any

from noki.domain.kpi.definitions import OPTIONS


def rate(part: int | None, whole: int | None) -> float | None:
    """part / whole in percent, one decimal; None when nothing was counted."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def interpolate(low: float | None, high: float | None, frac: float) -> float | None:
    """percentile_cont's step: the value between two neighbouring ranks."""
    if low is None:
        return None
    if high is None or frac == 0:
        return float(low)
    return float(low) + frac * (float(high) - float(low))


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def figures(c: dict[str, Any]) -> dict[str, Any]:
    """Every KPI from one week's (or one group's) counts; missing counts read as zero."""
    g = c.get
    minutes = g("first_contact_minutes")
    out: dict[str, Any] = {
        "open_count": int(g("open_count") or 0),
        "open_value_jpy": int(g("open_value_jpy") or 0),
        "days_waiting_median": _round(g("days_waiting_median")),
        "days_waiting_p90": _round(g("days_waiting_p90")),
        "days_waiting_max": g("days_waiting_max"),
        "redelay_rate": rate(g("slipped"), g("ordered")),
        "on_time_rate": rate(g("on_time"), g("promised")),
        "cancel_rate": rate(g("cancelled"), g("closed")),
        "substitute_rate": rate(g("chosen_substitute"), g("offered_substitute")),
        "partial_rate": rate(g("partial"), g("closed")),
        "compensation_jpy": int(g("compensation_jpy") or 0),
        "first_contact_hours": None if minutes is None else round(minutes / 60.0, 1),
        "options": {o: {"offered": int(g(f"offered_{o}") or 0),
                        "chosen": int(g(f"chosen_{o}") or 0),
                        "rate": rate(g(f"chosen_{o}"), g(f"offered_{o}"))} for o in OPTIONS},
        "counts": {k: int(g(k) or 0) for k in (
            "ordered", "slipped", "closed", "cancelled", "partial", "shipped", "promised",
            "on_time", "offered_substitute", "chosen_substitute", "grants", "contacted")},
    }
    return out
