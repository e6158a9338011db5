"""The weekly chase of overdue action items: one digest per owner and week, via the outbox.

An item's owner is chased; an item without an owner is chased with the post-mortem's owner.
The idempotency key carries the ISO week, so a re-run (or a second beat) in the same week
writes nothing new.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock
from core.notifications.services import deliveries_create
from postmortems.mail import email_to
from postmortems.models import ActionItem
from postmortems.selectors import action_item_overdue_list

CHASE_TOPIC = "postmortem.action_items"


def _owner_of(item: ActionItem) -> Any:
    return item.owner or item.post_mortem.owner


def _digest(items: list[ActionItem], today: Any) -> tuple[str, str]:
    subject = ngettext(
        "%(count)d overdue post-mortem action item",
        "%(count)d overdue post-mortem action items",
        len(items),
    ) % {"count": len(items)}
    lines = [_("These action items are past their due date and still open:"), ""]
    for item in items:
        days = (today - item.due_date).days
        lines.append(
            _("- %(key)s: %(title)s (due %(due)s, %(days)d days ago, %(priority)s)")
            % {
                "key": item.post_mortem.incident.key,
                "title": item.title,
                "due": item.due_date.isoformat(),
                "days": days,
                "priority": item.get_priority_display(),
            }
        )
    lines += ["", _("Close them, or agree a new due date with the post-mortem's owner.")]
    return subject, "\n".join(lines)


@transaction.atomic
def action_items_chase(*, now: datetime | None = None) -> int:
    """Send each owner one digest of their overdue open action items; return how many owners."""
    now = clock.resolve(now)
    today = timezone.localdate(now)
    year, week, _day = today.isocalendar()
    by_owner: dict[int, tuple[Any, list[ActionItem]]] = {}
    for item in action_item_overdue_list(today=today).select_related("post_mortem__owner"):
        owner = _owner_of(item)
        if owner is not None and owner.is_active:
            by_owner.setdefault(owner.pk, (owner, []))[1].append(item)
    week_key = f"{year}-W{week:02d}"
    messages = [
        email_to(
            owner,
            key=f"postmortem:chase:{week_key}:{owner.pk}",
            topic=CHASE_TOPIC,
            compose=lambda items=items: _digest(items, today),
            data={"action_items": [item.pk for item in items], "week": week_key},
        )
        for owner, items in by_owner.values()
    ]
    messages = [message for message in messages if message is not None]
    deliveries_create(messages, now=now)
    return len(messages)
