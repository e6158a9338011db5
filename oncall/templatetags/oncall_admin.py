"""Template tags of the on-call admin: "who is on call now" on the admin index."""

from typing import Any

from django import template

from core import clock
from oncall.selectors import oncall_at, schedule_list_for

register = template.Library()
PANEL_SCHEDULES = 10


@register.inclusion_tag("admin/oncall/_now_panel.html", takes_context=True)
def oncall_now_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Return each active schedule's layers with who is on call right now."""
    request = context.get("request")
    user = getattr(request, "user", None)
    schedules = schedule_list_for(user).filter(is_active=True).order_by("name")[:PANEL_SCHEDULES]
    now = clock.now()
    return {
        "schedules": [
            {"schedule": schedule, "answers": oncall_at(schedule=schedule, at=now)}
            for schedule in schedules
        ]
    }
