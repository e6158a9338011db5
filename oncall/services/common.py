"""Helpers every on-call service shares: who acted, who may be on call, plan invalidation."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.access import is_staff_member
from oncall.models import Schedule


def acting_user(actor: Any) -> Any:
    """Return the actor when it is a saved user, else None (system jobs)."""
    return actor if getattr(actor, "pk", None) else None


def record_actor(instance: Any, actor: Any) -> None:
    """Attribute the next history record of ``instance`` to the actor (outside requests too)."""
    user = acting_user(actor)
    if user is not None:
        instance._history_user = user


def check_engineer(user: Any, field: str) -> None:
    """Refuse anyone but an active member of the firm's staff as an on-call engineer."""
    if user is None or not is_staff_member(user):
        raise ValidationError({field: _("Only the firm's active engineers can be on call.")})


def touch_schedule(schedule: Schedule, actor: Any) -> None:
    """Renew the schedule's revision so every cached plan of it is rebuilt."""
    schedule.revision = uuid.uuid4()
    record_actor(schedule, actor)
    schedule.save(update_fields=["revision", "updated_at"])
