"""Text for the draft page: violations highlighted, drafted-vs-edited diff (HTML-escaped)."""

from __future__ import annotations

import difflib
from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape

from noki.domain.order import TOKYO


def highlight(text: str | None, violations: list[dict[str, Any]], part: str = "body") -> Markup:
    """The text with each violation's span wrapped in <mark> (its code as a tooltip)."""
    text = text or ""
    spans = sorted(
        (v["start"], v["end"], v["code"])
        for v in violations
        if v.get("start") is not None
        and v.get("end") is not None
        and (v.get("part") or "body") == part
        and 0 <= v["start"] < v["end"] <= len(text)
    )
    out, pos = [], 0
    for start, end, code in spans:
        if start < pos:
            continue  # overlapping spans: the first one wins
        out.append(escape(text[pos:start]))
        out.append(
            Markup('<mark class="violation" title="{}">{}</mark>').format(code, text[start:end])
        )
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def diff_html(before: str, after: str) -> Markup:
    """Character-level diff: deletions in <del>, insertions in <ins>."""
    out = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(before[a0:a1]))
            continue
        if a1 > a0:
            out.append(Markup("<del>{}</del>").format(before[a0:a1]))
        if b1 > b0:
            out.append(Markup("<ins>{}</ins>").format(after[b0:b1]))
    return Markup("").join(out)


def local_time(value: datetime | None) -> str:
    """A timestamp in Japan time, minutes precision."""
    if value is None:
        return ""
    return value.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")


def local_today() -> date:
    """Today's date in Japan."""
    return datetime.now(TOKYO).date()
