"""Post-mortem exports: Markdown and a self-contained HTML page (no assets, no inline code).

The HTML is plain semantic markup so it can be pasted into a customer portal as is.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from postmortems.models import PostMortem

SECTIONS = PostMortem.REPORT_FIELDS


def sections(postmortem: PostMortem) -> list[tuple[str, str]]:
    """Return (heading, text) for each template section, in report order."""
    return [
        (str(PostMortem._meta.get_field(name).verbose_name).capitalize(), getattr(postmortem, name))
        for name in SECTIONS
    ]


def _context(postmortem: PostMortem) -> dict[str, Any]:
    return {
        "postmortem": postmortem,
        "incident": postmortem.incident,
        "sections": sections(postmortem),
        "action_items": list(postmortem.action_items.all()),
    }


def postmortem_markdown(postmortem: PostMortem) -> str:
    """Render the post-mortem as Markdown."""
    title = _("Post-mortem of %(key)s") % {"key": postmortem.incident.key}
    lines = [f"# {title}: {postmortem.incident.summary}", ""]
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
