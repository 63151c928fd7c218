"""render_html: one self-contained Japanese page (inline CSS and SVG, no CDN) from a VocReport."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from noki.voc.models import VocReport, WeekPoint

TEMPLATES = Path(__file__).parent / "templates"
DIRECTION_JA = {"rising": "増加", "falling": "減少", "stable": "横ばい", "new": "新規",
                "insufficient": "期間不足"}
CHANNEL_JA = {"email": "メール", "review": "レビュー", "sns": "SNS", "call": "電話",
              "chat": "チャット"}


def sparkline(points: Sequence[WeekPoint], width: int = 220, height: int = 44,
              use_share: bool = True) -> str:
    """SVG polyline points for a weekly series (share of the week's voices by default)."""
    if not points:
        return ""
    values = [p.share if use_share else float(p.count) for p in points]
    top = max(values) or 1.0
    step = width / max(len(values) - 1, 1)
    pad = 3
    return " ".join(f"{i * step:.1f},{pad + (height - 2 * pad) * (1 - v / top):.1f}"
                    for i, v in enumerate(values))


def _environment() -> Environment:
    # Voices are untrusted text: autoescape everything that reaches the page.
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(sparkline=sparkline, direction_ja=DIRECTION_JA, channel_ja=CHANNEL_JA)
    return env


def render_html(report: VocReport, *, title: str = "VOC 説明ギャップ分析") -> str:
    """The marketing page: gaps ranked, bars, weekly trends, quotes, coverage, suggestions."""
    top = max((g.count for g in report.gaps), default=0) or 1
    by_id = {e.id: e for e in report.explanations}
    return _environment().get_template("report.html.j2").render(
        report=report, title=title, top=top, by_id=by_id,
        flagged=[g for g in report.gaps if g.flagged],
    )
