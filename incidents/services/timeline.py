"""Timeline entries: the record of everything that happened on an incident."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.inserts import InsertBatch
from incidents.models import Incident, TimelineEntry

Kind = TimelineEntry.Kind
Visibility = TimelineEntry.Visibility


# The longest note a person may add to a timeline (the hotline's comment form and the API);
# logs and dumps go in attachments.
NOTE_MAX_LENGTH = 4000


def acting_user(actor: Any) -> Any:
    """Return the actor when it is a saved user, else None (anonymous intake, system jobs)."""
    return actor if getattr(actor, "pk", None) else None


def record_actor(instance: Any, actor: Any) -> None:
    """Attribute the next history record of ``instance`` to the actor.

    Services run outside requests too (tasks, commands), where simple-history's request
    middleware knows nobody; ``_history_user`` is the attribute it reads first.
    """
    user = acting_user(actor)
    if user is not None:
        instance._history_user = user


def timeline_add(
    *,
    incident: Incident,
    kind: str,
    text: str,
    actor: Any = None,
    visibility: str = Visibility.INTERNAL,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
    batch: InsertBatch | None = None,
) -> TimelineEntry:
    """Append one typed entry to the incident's timeline (queued on ``batch`` when given)."""
    entry = TimelineEntry(
        incident=incident,
        kind=kind,
        text=text,
        actor=acting_user(actor),
        visibility=visibility,
        data=data or {},
        at=clock.resolve(at),
    )
    record_actor(entry, actor)
    if batch is not None:
        batch.add(entry)
    else:
        entry.save(force_insert=True)
    return entry


@transaction.atomic
def incident_add_note(
    *,
    incident: Incident,
    actor: Any,
    text: str,
    visibility: str = Visibility.INTERNAL,
    now: datetime | None = None,
) -> TimelineEntry:
    """Add a note (internal) or a customer communication (customer-visible)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write something before adding a note.")})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or customer visibility.")})
    kind = Kind.COMMUNICATION if visibility == Visibility.CUSTOMER else Kind.NOTE
    return timeline_add(
        incident=incident, kind=kind, text=text, actor=actor, visibility=visibility, at=now
    )
