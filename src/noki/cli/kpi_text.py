"""The KPI report as a terminal table and as CSV (one row per week, or per group)."""

from __future__ import annotations

import csv
import io
from typing import Any

from noki.domain.kpi.definitions import BREAKDOWN_LABELS, KPIS, OPTIONS
from noki.services.kpi.report import KpiReport


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(rows: list[dict[str, Any]], first: str, first_label: str) -> list[str]:
    head = [first_label] + [k.label for k in KPIS]
    body = [[str(r[first])] + [_cell(r[k.key]) for k in KPIS] for r in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=False)]
    return ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=False))
            for line in [head, *body]]


def report_text(report: KpiReport) -> str:
    """Weeks, then the breakdown; units per KPI below."""
    lines = [f"受注残 KPI ({report.today} 時点、ISO 週)", *_table(report.weeks, "label", "週")]
    if report.by is not None:
        lines += ["", f"内訳: {BREAKDOWN_LABELS[report.by]} (期間合計、受注残は本日時点)",
                  *_table(report.groups, "key", BREAKDOWN_LABELS[report.by])]
    lines += ["", "単位: " + ", ".join(f"{k.label}={k.unit}" for k in KPIS)]
    return "\n".join(lines)


def report_csv(report: KpiReport) -> str:
    """CSV: the breakdown when --by was given, else the weeks; KPI keys as the header."""
    rows = report.groups if report.by is not None else report.weeks
    first = "key" if report.by is not None else "week"
    option_cols = [f"{o}_{m}" for o in OPTIONS for m in ("offered", "chosen")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([first] + [k.key for k in KPIS] + option_cols)
    for r in rows:
        writer.writerow([r[first]] + ["" if r[k.key] is None else r[k.key] for k in KPIS]
                        + [r["options"][o][m] for o in OPTIONS for m in ("offered", "chosen")])
    return out.getvalue()
