"""The monthly report as the PDF sent to the customer (reportlab, a Korean font embedded).

The Korean font (NanumGothic) is registered by ``core.pdf``, shared with the post-mortem PDF.
"""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm as MM
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import FONT, FONT_BOLD, register_fonts
from retainer.reports.chart import (
    GRANT_COLOUR,
    OVER_COLOUR,
    USE_COLOUR,
    axis_ticks,
    tick_text,
)
from retainer.reports.detail import ChartPoint, MonthlyReport
from retainer.reports.exports import line_headers, line_values, month_text, summary_items

NAVY = colors.HexColor("#1f4e79")
PALE = colors.HexColor("#eef3f8")
PAGE_WIDTH = A4[0] - 30 * MM


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=18, leading=24),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10, textColor=colors.grey),
        "h2": ParagraphStyle(
            "h2", base, fontName=FONT_BOLD, fontSize=11, leading=16, textColor=NAVY
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "num": ParagraphStyle("num", base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "head": ParagraphStyle(
            "head", base, fontName=FONT_BOLD, fontSize=8, leading=10, textColor=colors.white
        ),
    }


def _summary_table(report: MonthlyReport, styles: dict[str, ParagraphStyle]) -> Table:
    items = summary_items(report)[3:]  # customer, contract and month are in the heading
    cells = [
        [Paragraph(label, styles["cell"]), Paragraph(value, styles["num"])]
        for label, value in items
    ]
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:] + [["", ""]] * (2 * half - len(cells))
    rows = [a + b for a, b in zip(left, right, strict=True)]
    width = PAGE_WIDTH / 2
    table = Table(rows, colWidths=[width * 0.54, width * 0.46] * 2)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, -1), PALE),
                ("BACKGROUND", (2, 0), (2, -1), PALE),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d3de")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _lines_table(report: MonthlyReport, styles: dict[str, ParagraphStyle]) -> Table:
    head = [Paragraph(text, styles["head"]) for text in line_headers()]
    rows = [head]
    for line in report.lines:
        values = line_values(line)
        rows.append(
            [
                Paragraph(value, styles["num"] if index in (4, 5) else styles["cell"])
                for index, value in enumerate(values)
            ]
        )
    if len(rows) == 1:
        rows.append([Paragraph(_("No entries this month."), styles["cell"])] + [""] * 6)
    widths = [20, 20, 44, 22, 12, 13, 49]
    table = Table(rows, colWidths=[w * MM for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE]),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9d3de")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _chart(points: list[ChartPoint]) -> Drawing:
    width, height, left, bottom, top_pad = PAGE_WIDTH, 55 * MM, 30, 18, 18
    drawing = Drawing(width, height)
    if not points:
        return drawing
    ticks = axis_ticks(points)
    scale = float(height - bottom - top_pad) / float(ticks[-1])
    slot = (width - left) / len(points)
    _grid(drawing, ticks=ticks, scale=scale, left=left, bottom=bottom)
    line_points = []
    for index, point in enumerate(points):
        x = left + index * slot
        used = float(point.cumulative_used) * scale
        colour = OVER_COLOUR if point.cumulative_used > point.granted else USE_COLOUR
        drawing.add(
            Rect(
                x + slot * 0.2,
                bottom,
                slot * 0.6,
                max(used, 0),
                fillColor=colors.HexColor(colour),
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                x + slot / 2,
                bottom - 11,
                f"{point.month:%y.%m}",
                fontName=FONT,
                fontSize=7,
                textAnchor="middle",
            )
        )
        line_points += [x + slot / 2, bottom + float(point.granted) * scale]
    drawing.add(PolyLine(line_points, strokeColor=colors.HexColor(GRANT_COLOUR), strokeWidth=2))
    _legend(drawing, left, height - 8)
    return drawing


def _grid(
    drawing: Drawing, *, ticks: list[Decimal], scale: float, left: float, bottom: float
) -> None:
    for value in ticks:
        y = bottom + float(value) * scale
        drawing.add(Line(left, y, drawing.width, y, strokeColor=colors.HexColor("#e3e3e3")))
        drawing.add(
            String(left - 4, y - 3, tick_text(value), fontName=FONT, fontSize=7, textAnchor="end")
        )


def _legend(drawing: Drawing, x: float, y: float) -> None:
    drawing.add(
        Line(x, y + 3, x + 18, y + 3, strokeColor=colors.HexColor(GRANT_COLOUR), strokeWidth=2)
    )
    drawing.add(String(x + 22, y, _("Granted M/M"), fontName=FONT, fontSize=8))
    drawing.add(
        Rect(x + 110, y - 1, 10, 8, fillColor=colors.HexColor(USE_COLOUR), strokeColor=None)
    )
    drawing.add(String(x + 124, y, _("Cumulative use"), fontName=FONT, fontSize=8))


def _footer(canvas: object, doc: object) -> None:
    canvas.saveState()  # type: ignore[attr-defined]
    canvas.setFont(FONT, 7)  # type: ignore[attr-defined]
    canvas.setFillColor(colors.grey)  # type: ignore[attr-defined]
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    text = _("Generated %(when)s · page %(page)d") % {"when": generated, "page": doc.page}  # type: ignore[attr-defined]
    canvas.drawRightString(A4[0] - 15 * MM, 10 * MM, text)  # type: ignore[attr-defined]
    canvas.restoreState()  # type: ignore[attr-defined]


def report_pdf(report: MonthlyReport) -> bytes:
    """Return the report as an A4 PDF with the Korean font embedded."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    title = _("Monthly M/M report")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * MM,
        rightMargin=15 * MM,
        topMargin=15 * MM,
        bottomMargin=18 * MM,
        title=f"{title} {report.contract.code} {report.month:%Y-%m}",
    )
    contract = report.contract
    period = f"{contract.starts_on:%Y-%m-%d} ~ {contract.ends_on:%Y-%m-%d}"
    heading = f"{contract.customer.name} · {contract.code} ({period}) · {month_text(report.month)}"
    story = [
        Paragraph(title, styles["title"]),
        Paragraph(heading, styles["subtitle"]),
        Spacer(1, 6 * MM),
        _summary_table(report, styles),
        Spacer(1, 6 * MM),
        Paragraph(_("M/M granted and cumulative use by month"), styles["h2"]),
        _chart(report.chart),
        Spacer(1, 4 * MM),
        Paragraph(_("Ledger lines of the month"), styles["h2"]),
        _lines_table(report, styles),
    ]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
