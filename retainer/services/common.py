"""Helpers every retainer service shares: the acting user, history attribution, local dates."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone


def acting_user(actor: Any) -> Any:
    """Return the actor when it is a saved user, else None (system jobs, commands)."""
    return actor if getattr(actor, "pk", None) else None


def record_actor(instance: Any, actor: Any) -> None:
    """Attribute the next history record of ``instance`` to the actor (outside requests too)."""
    user = acting_user(actor)
    if user is not None:
        instance._history_user = user


def local_date(moment: datetime) -> date:
    """Return the date of ``moment`` in the firm's zone (contract periods are such dates)."""
    return timezone.localdate(moment, timezone.get_default_timezone())
