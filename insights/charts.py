"""Charts of the metrics pages as server-rendered SVG: lines per month, horizontal bars.

Like the M/M report's chart: no script and no style attribute (a strict CSP), colours as
presentation attributes, every text escaped.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import log10

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 34, 36  # room for a y label such as "16시간 40분"
COLOURS = ("#1f4e79", "#c0504d", "#70ad47", "#ed7d31")
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 18, 8, 220

Format = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def nice_top(peak: float) -> float:
    """Return a round axis maximum at or above ``peak`` (1, 2, 2.5 or 5 times a power of 10)."""
    if peak <= 0:
        return 1.0
    power = 10 ** int(log10(peak) // 1)
    for factor in (1, 2, 2.5, 5, 10):
        if peak <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover


def _svg(body: str, height: int, label: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" class="metrics-chart">{}</svg>',
        WIDTH,
        height,
        label,
        mark_safe(body),  # noqa: S308  (built from numbers and escaped labels only)
    )


def _y(value: float, top: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot - value / top * plot, 1)


def _grid(top: float, fmt: Format) -> str:
    parts = []
    for step in range(5):
        value = top * step / 4
        y = _y(value, top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#e3e3e3"/>'
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="11" '
            f'fill="#555">{escape(fmt(value))}</text>'
        )
    return "".join(parts)


def _legend(series: Sequence[Series]) -> str:
    parts, x = [], LEFT
    for index, item in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<rect x="{x}" y="8" width="14" height="12" fill="{colour}"/>'
            f'<text x="{x + 20}" y="18" font-size="12">{escape(item.label)}</text>'
        )
        x += 40 + 8 * len(item.label)
    return "".join(parts)


def _line(values: Sequence[float | None], top: float, slot: float, colour: str) -> str:
    """Draw one series: a polyline through each run of known values, a dot on every value."""
    parts, run = [], []
    for index, value in enumerate([*values, None]):
        if value is None:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="2.5"/>'
                )
            run = []
            continue
        point = f"{LEFT + index * slot + slot / 2:.1f},{_y(value, top)}"
        run.append(point)
        x, y = point.split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
    return "".join(parts)


def line_chart(
    labels: Sequence[str], series: Sequence[Series], *, fmt: Format, label: str, top: float = 0
) -> SafeString:
    """Return a line chart of ``series`` over ``labels`` (months); None values leave gaps."""
    if not labels:
        return mark_safe("")
    known = [v for item in series for v in item.values if v is not None]
    top = top or nice_top(max(known, default=0) * 1.05)
    slot = (WIDTH - LEFT - RIGHT) / len(labels)
    parts = [_grid(top, fmt)]
    for index, text in enumerate(labels):
        parts.append(
            f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle" font-size="11" fill="#333">{escape(text)}</text>'
        )
    for index, item in enumerate(series):
        parts.append(_line(item.values, top, slot, COLOURS[index % len(COLOURS)]))
    parts.append(_legend(series))
    return _svg("".join(parts), HEIGHT, label)


def bar_chart(
    items: Sequence[tuple[str, float]], *, fmt: Format, label: str, limit: int = 15
) -> SafeString:
    """Return horizontal bars, one per (label, value), the first ``limit`` of them."""
    items = list(items)[:limit]
    if not items:
        return mark_safe("")
    top = nice_top(max(value for _label, value in items))
    span = WIDTH - LABEL_WIDTH - RIGHT - 48
    parts = []
    for index, (text, value) in enumerate(items):
        y = 8 + index * (BAR_HEIGHT + BAR_GAP)
        width = max(1.0, span * value / top) if value else 0
        short = text if len(text) <= 32 else f"{text[:31]}…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end" font-size="12" '
            f'fill="#333">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 13}" font-size="12" '
            f'fill="#333">{escape(fmt(value))}</text>'
        )
    height = 16 + len(items) * (BAR_HEIGHT + BAR_GAP)
    return _svg("".join(parts), height, label)


def minutes_text(minutes: float) -> str:
    """Show a duration in minutes, to the nearest minute, as "45m", "2h 05m" or "3d 4h"."""
    total = max(0, round(minutes))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)sd %(hours)sh") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)sh %(minutes)sm") % {"hours": hours, "minutes": f"{mins:02d}"}
    return _("%(minutes)sm") % {"minutes": mins}
