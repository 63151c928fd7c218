"""Weekly trend charts as inline SVG, drawn on the server (no script, no CDN)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

W, H = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 24, 34
COLORS = ("#1d5fbf", "#fca311", "#c62828", "#2e7d32")


def _fmt(value: float) -> str:
    if abs(value) >= 10000:
        return f"{value / 10000:.1f}万"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
          *, unit: str = "", bars: bool = False) -> str:
    """One chart: bars for the first series when bars, lines otherwise; None leaves a gap."""
    values = [v for _, vs in series for v in vs if v is not None]
    top = max(values) if values else 0.0
    top = top * 1.15 if top > 0 else 1.0
    inner_w, inner_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = inner_w / max(len(labels), 1)

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(v: float) -> float:
        return TOP + inner_h * (1 - v / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
             f'aria-label="{escape(title)}" class="chart">',
             f'<text x="{LEFT}" y="15" font-size="12" font-weight="bold">{escape(title)}'
             f'{escape(f" ({unit})" if unit else "")}</text>']
    for frac in (0, 0.5, 1):
        gy = TOP + inner_h * (1 - frac)
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}" '
                     'stroke="#d9dde3"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{gy + 4:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#5f6b7a">{_fmt(top / 1.15 * frac * 1.15)}</text>')
    for i, label in enumerate(labels):
        if i % max(1, len(labels) // 6) == 0 or i == len(labels) - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{H - 18}" font-size="9" text-anchor="middle" '
                         f'fill="#5f6b7a">{escape(label[-3:])}</text>')
    for n, (name, vs) in enumerate(series):
        color = COLORS[n % len(COLORS)]
        if bars and n == 0:
            for i, v in enumerate(vs):
                if v is not None:
                    parts.append(f'<rect x="{x(i) - step * 0.35:.1f}" y="{y(v):.1f}" '
                                 f'width="{step * 0.7:.1f}" height="{TOP + inner_h - y(v):.1f}" '
                                 f'fill="{color}" opacity="0.8"><title>{escape(labels[i])}: '
                                 f'{_fmt(v)}</title></rect>')
        else:
            run: list[str] = []
            for i, v in enumerate(vs):
                if v is None:
                    if len(run) > 1:
                        parts.append(_line(run, color))
                    run = []
                    continue
                run.append(f"{x(i):.1f},{y(v):.1f}")
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}">'
                             f'<title>{escape(labels[i])}: {_fmt(v)}</title></circle>')
            if len(run) > 1:
                parts.append(_line(run, color))
        parts.append(f'<rect x="{LEFT + n * 110}" y="{H - 11}" width="9" height="9" '
                     f'fill="{color}"/><text x="{LEFT + n * 110 + 12}" y="{H - 3}" '
                     f'font-size="10">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _line(points: list[str], color: str) -> str:
    return (f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" '
            'stroke-width="2"/>')
