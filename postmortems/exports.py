"""Post-mortem exports: Markdown, a self-contained HTML page, and a PDF with the Korean font.

The HTML is plain semantic markup (no assets, no inline code) so it can be pasted into a
customer portal as is. The PDF is A4, reportlab, NanumGothic embedded (``core.pdf``).
"""

import io
from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm as MM
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import FONT, FONT_BOLD, register_fonts
from postmortems.models import PostMortem

SECTIONS = PostMortem.REPORT_FIELDS
NAVY = colors.HexColor("#1f4e79")


def sections(postmortem: PostMortem) -> list[tuple[str, str]]:
    """Return (heading, text) for each template section, in report order."""
    return [
        (str(PostMortem._meta.get_field(name).verbose_name).capitalize(), getattr(postmortem, name))
        for name in SECTIONS
    ]


def duration_text(value: timedelta | None) -> str:
    """Return a duration as "3h 05m" ("-" when unknown)."""
    if value is None:
        return "-"
    minutes = int(value.total_seconds() // 60)
    return _("%(hours)dh %(minutes)02dm") % {"hours": minutes // 60, "minutes": minutes % 60}


def facts(postmortem: PostMortem) -> list[tuple[str, str]]:
    """Return the key figures: customer impact and the incident's TTD, TTA and TTR."""
    incident = postmortem.incident
    products = ", ".join(p.name for p in postmortem.products.all()) or "-"
    users = postmortem.users_affected
    delivered = postmortem.delivered_at
    return [
        (_("Impact duration"), duration_text(postmortem.impact_duration)),
        (_("Users affected"), "-" if users is None else f"{users:,}"),
        (_("Affected products"), products),
        (_("Time to detect (TTD)"), duration_text(incident.time_to_detect)),
        (_("Time to acknowledge (TTA)"), duration_text(incident.time_to_acknowledge)),
        (_("Time to resolve (TTR)"), duration_text(incident.time_to_resolve)),
        (
            _("Delivered"),
            timezone.localtime(delivered).strftime("%Y-%m-%d %H:%M") if delivered else "-",
        ),
    ]


def _context(postmortem: PostMortem) -> dict[str, Any]:
    return {
        "postmortem": postmortem,
        "incident": postmortem.incident,
        "facts": facts(postmortem),
        "sections": sections(postmortem),
        "action_items": list(postmortem.action_items.all()),
    }


def _title(postmortem: PostMortem) -> str:
    return _("Post-mortem of %(key)s") % {"key": postmortem.incident.key}


def postmortem_markdown(postmortem: PostMortem) -> str:
    """Render the post-mortem as Markdown."""
    lines = [f"# {_title(postmortem)}: {postmortem.incident.summary}", ""]
    lines += [f"- **{label}**: {value}" for label, value in facts(postmortem)] + [""]
    for heading, text in sections(postmortem):
        lines += [f"## {heading}", "", text.strip() or "-", ""]
    lines += [f"## {_('Action items')}", ""]
    for item in postmortem.action_items.all():
        due = item.due_date.isoformat() if item.due_date else "-"
        lines.append(
            f"- [{'x' if item.status == item.Status.DONE else ' '}] {item.title} "
            f"({item.get_type_display()}, {item.get_priority_display()}, {due})"
        )
    return "\n".join(lines).rstrip() + "\n"


def postmortem_html(postmortem: PostMortem) -> str:
    """Render the post-mortem as one self-contained HTML document."""
    return render_to_string("postmortems/export.html", _context(postmortem))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=16, leading=22),
        "note": ParagraphStyle("note", base, fontSize=8.5, textColor=colors.grey),
        "h2": ParagraphStyle(
            "h2", base, fontName=FONT_BOLD, fontSize=11.5, leading=16, textColor=NAVY
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "-").replace("\n", "<br/>"), style)


def _table(rows: list[list[str]], style: ParagraphStyle, widths: list[float]) -> Table:
    table = Table([[_para(cell, style) for cell in row] for row in rows], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d3de")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def postmortem_pdf(postmortem: PostMortem) -> bytes:
    """Return the post-mortem as an A4 PDF with the Korean font embedded."""
    register_fonts()
    styles = _styles()
    width = A4[0] - 30 * MM
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * MM, rightMargin=15 * MM, title=_title(postmortem)
    )
    story: list[Any] = [
        _para(f"{_title(postmortem)}: {postmortem.incident.summary}", styles["title"]),
        _para(
            _("A blameless review: it looks at systems and processes, not at people."),
            styles["note"],
        ),
        Spacer(1, 4 * MM),
        _table(
            [[k, v] for k, v in facts(postmortem)], styles["cell"], [width * 0.35, width * 0.65]
        ),
    ]
    for heading, text in sections(postmortem):
        story += [Spacer(1, 3 * MM), _para(heading, styles["h2"]), _para(text, styles["base"])]
    story += [Spacer(1, 3 * MM), _para(_("Action items"), styles["h2"])]
    items = [
        [
            item.title,
            item.get_type_display(),
            item.get_priority_display(),
            item.due_date.isoformat() if item.due_date else "-",
            item.get_status_display(),
        ]
        for item in postmortem.action_items.all()
    ]
    if items:
        head = [_("Title"), _("Type"), _("Priority"), _("Due date"), _("Status")]
        widths = [width * w for w in (0.44, 0.14, 0.12, 0.16, 0.14)]
        story.append(_table([head, *items], styles["cell"], widths))
    else:
        story.append(_para(_("No action items."), styles["base"]))
    doc.build(story)
    return buffer.getvalue()


EXPORTS = {
    "md": (postmortem_markdown, "text/markdown; charset=utf-8"),
    "html": (postmortem_html, "text/html; charset=utf-8"),
    "pdf": (postmortem_pdf, "application/pdf"),
}


def export_response(postmortem: PostMortem, fmt: str) -> HttpResponse:
    """Return the download of ``postmortem`` as md, html or pdf (404 for another format)."""
    if fmt not in EXPORTS:
        raise Http404
    render, content_type = EXPORTS[fmt]
    response = HttpResponse(render(postmortem), content_type=content_type)
    filename = f"{postmortem.incident.key}-postmortem.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
