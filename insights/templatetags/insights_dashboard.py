"""The operations dashboard on the admin index (``templates/admin/index.html``)."""

from typing import Any

from django import template

from core import clock
from core.access import is_staff_member
from insights.dashboard import dashboard_context

register = template.Library()


@register.inclusion_tag("insights/dashboard.html", takes_context=True)
def operations_dashboard(context: dict[str, Any]) -> dict[str, Any]:
    """Return the dashboard's figures for the firm's staff (nothing for anyone else)."""
    request = context.get("request")
    if not is_staff_member(getattr(request, "user", None)):
        return {"show": False}
    return {"show": True, **dashboard_context(now=clock.now())}


@register.filter
def countdown(seconds: int) -> str:
    """Show seconds left (or, negative, overdue) as H:MM:SS."""
    seconds = abs(int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
