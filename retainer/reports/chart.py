"""The report chart as server-rendered SVG: M/M granted (line) vs cumulative use (bars).

No script and no style attribute, so it passes a strict Content-Security-Policy; colours are
presentation attributes. Every text is escaped.
"""

from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from retainer.reports.detail import ChartPoint

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 36
GRANT_COLOUR, USE_COLOUR, OVER_COLOUR = "#1f4e79", "#5b9bd5", "#c0504d"


NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
HEADROOM = Decimal("0.95")  # keep the highest point off the plot's top edge


def axis_ticks(points: Sequence[ChartPoint], count: int = 4) -> list[Decimal]:
    """Return round gridline values from 0 past the highest point (0, 5, 10, 15 for 12 M/M)."""
    peak = max([Decimal(1), *(p.granted for p in points), *(p.cumulative_used for p in points)])
    raw = peak / count
    magnitude = Decimal(10) ** raw.adjusted()
    step = next(m * magnitude for m in NICE_STEPS if m * magnitude >= raw)
    steps = int((peak / step).to_integral_value(ROUND_CEILING))
    if peak > step * steps * HEADROOM:
        steps += 1
    return [step * index for index in range(steps + 1)]


def tick_text(value: Decimal) -> str:
    """Return a gridline label without exponent or trailing zeros (0, 2.5, 10)."""
    return format(value.normalize(), "f")


def _y(value: Decimal, top: Decimal) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot - float(value / top) * plot, 1)


def _grid(ticks: list[Decimal]) -> list[str]:
    parts = []
    for value in ticks:
        y = _y(value, ticks[-1])
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#e3e3e3"/>'
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="11" '
            f'fill="#555">{tick_text(value)}</text>'
        )
    return parts


def chart_svg(points: Sequence[ChartPoint]) -> SafeString:
    """Return the chart for the report's months as inline SVG markup."""
    if not points:
        return mark_safe("")
    ticks = axis_ticks(points)
    top = ticks[-1]
    slot = (WIDTH - LEFT - RIGHT) / len(points)
    parts = _grid(ticks)
    line = []
    for index, point in enumerate(points):
        x = LEFT + index * slot
        used_y = _y(point.cumulative_used, top)
        colour = OVER_COLOUR if point.cumulative_used > point.granted else USE_COLOUR
        parts.append(
            f'<rect x="{x + slot * 0.2:.1f}" y="{used_y}" width="{slot * 0.6:.1f}" '
            f'height="{HEIGHT - BOTTOM - used_y:.1f}" fill="{colour}"/>'
            f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11" fill="#333">{point.month:%y.%m}</text>'
        )
        line.append(f"{x + slot / 2:.1f},{_y(point.granted, top)}")
    parts.append(
        f'<polyline points="{" ".join(line)}" fill="none" stroke="{GRANT_COLOUR}" '
        'stroke-width="2.5"/>'
    )
    parts.append(_legend())
    body = "".join(parts)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-label="{}" class="mm-chart">{}</svg>',
        WIDTH,
        HEIGHT,
        _("M/M granted and cumulative use by month"),
        mark_safe(body),  # noqa: S308  (built above from numbers and escaped labels only)
    )


def _legend() -> str:
    granted, used = escape(_("Granted M/M")), escape(_("Cumulative use"))
    return (
        f'<line x1="{LEFT}" y1="12" x2="{LEFT + 24}" y2="12" stroke="{GRANT_COLOUR}" '
        f'stroke-width="2.5"/><text x="{LEFT + 30}" y="16" font-size="12">{granted}</text>'
        f'<rect x="{LEFT + 160}" y="6" width="14" height="12" fill="{USE_COLOUR}"/>'
        f'<text x="{LEFT + 180}" y="16" font-size="12">{used}</text>'
    )
