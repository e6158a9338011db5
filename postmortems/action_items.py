"""Writes on action items: create and change them (history with the actor).

Action items outlive publication (they get done weeks later), so they stay editable once the
report is published; a cancelled post-mortem takes no new ones. Owners are staff members.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import is_staff_member
from incidents.services.timeline import record_actor
from postmortems.models import ActionItem, PostMortem

EDITABLE = ("title", "type", "owner", "due_date", "priority", "status", "link")


def _check(data: dict[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    owner = data.get("owner")
    if owner is not None and not is_staff_member(owner):
        raise ValidationError({"owner": _("The owner of an action item must be a staff member.")})


def check_takes_items(postmortem: PostMortem) -> None:
    """Refuse new action items on a cancelled post-mortem (forms check it before saving)."""
    if postmortem.status == PostMortem.Status.CANCELLED:
        raise ValidationError(
            _("The post-mortem is cancelled: it takes no action items."), code="cancelled"
        )


@transaction.atomic
def action_item_create(*, postmortem: PostMortem, actor: Any, data: dict[str, Any]) -> ActionItem:
    """Add an action item to a post-mortem that is not cancelled."""
    _check(data)
    check_takes_items(postmortem)
    item = ActionItem(post_mortem=postmortem, **data)
    item.full_clean()
    record_actor(item, actor)
    item.save(force_insert=True)
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, actor: Any, data: dict[str, Any]) -> ActionItem:
    """Change an action item (e.g. mark it done, move its due date)."""
    _check(data)
    locked = ActionItem.objects.select_for_update().get(pk=item.pk)
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    record_actor(locked, actor)
    locked.save(update_fields=[*data, "updated_at"])
    item.refresh_from_db()
    return item
