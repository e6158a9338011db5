"""Shift reminders: "your shift starts in N hours" and "handoff now", each sent once.

The beat job runs this every few minutes; a unique row per (layer, engineer, kind, shift start)
makes a second beat, a retried task or a late run send nothing twice.
"""

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from core import clock
from oncall.models import NotificationProfile, Schedule, ShiftReminder
from oncall.selectors import Shift, shifts_between
from oncall.services import messages
from oncall.services.notify import notify_user

# A handoff message later than this after the handoff is noise, not help.
HANDOFF_GRACE = timedelta(minutes=30)
MAX_LEAD = timedelta(hours=168)


@dataclass(frozen=True)
class Handoff:
    """A moment a layer passes from ``outgoing`` (maybe nobody) to ``shift.user``."""

    shift: Shift
    outgoing: Any


def handoffs(schedule: Schedule, start: datetime, end: datetime) -> list[Handoff]:
    """Return the handoffs to someone in ``[start, end)`` (a person taking over from another)."""
    shifts = shifts_between(
        schedule=schedule, start=start - timedelta(seconds=1), end=end, include_gaps=True
    )
    found = []
    for before, after in itertools.pairwise(shifts):
        same_layer = before.layer.pk == after.layer.pk
        if not same_layer or after.user is None or before.user == after.user:
            continue
        found.append(Handoff(shift=after, outgoing=before.user))
    return found


def _claim(shift: Shift, user: Any, kind: str, now: datetime) -> str:
    """Record the reminder and return its outbox key; "" when it was already sent."""
    try:
        with transaction.atomic():
            ShiftReminder.objects.create(
                layer=shift.layer, user=user, kind=kind, shift_start=shift.start, sent_at=now
            )
    except IntegrityError:
        return ""
    return f"oncall.reminder:{shift.layer.pk}:{user.pk}:{kind}:{shift.start.timestamp():.0f}"


def _send(user: Any, subject_body: tuple[str, str], now: datetime, key: str) -> None:
    subject, body = subject_body
    # The outbox rows commit with the reminder record and are sent after the commit.
    notify_user(user, subject, body, now=now, key=key)


def _profile(profiles: dict[int, NotificationProfile], user: Any) -> NotificationProfile:
    return profiles.get(user.pk) or NotificationProfile(user=user)


def _remind_upcoming(item: Handoff, profile: NotificationProfile, now: datetime) -> int:
    shift = item.shift
    lead = timedelta(hours=profile.reminder_lead_hours)
    due = bool(lead) and shift.start - lead <= now < shift.start
    key = _claim(shift, shift.user, ShiftReminder.Kind.UPCOMING, now) if due else ""
    if not key:
        return 0
    hours = profile.reminder_lead_hours
    _send(
        shift.user,
        messages.upcoming_shift(shift.user, shift.layer, shift.start, shift.end, hours),
        now,
        key,
    )
    return 1


def _remind_handoff(item: Handoff, profiles: dict[int, NotificationProfile], now: datetime) -> int:
    shift, sent = item.shift, 0
    if not shift.start <= now < shift.start + HANDOFF_GRACE:
        return 0
    for user in filter(None, (shift.user, item.outgoing)):
        if not _profile(profiles, user).handoff_messages:
            continue
        key = _claim(shift, user, ShiftReminder.Kind.HANDOFF, now)
        if key:
            text = messages.handoff(user, shift.layer, shift.start, shift.user, item.outgoing)
            _send(user, text, now, key)
            sent += 1
    return sent


@transaction.atomic
def shift_reminders_send(*, now: datetime | None = None) -> int:
    """Send every reminder that is due and not yet sent; return how many were sent."""
    now = clock.resolve(now)
    profiles = {p.user_id: p for p in NotificationProfile.objects.all()}
    sent = 0
    for schedule in Schedule.objects.filter(is_active=True):
        for item in handoffs(schedule, now - HANDOFF_GRACE, now + MAX_LEAD):
            sent += _remind_upcoming(item, _profile(profiles, item.shift.user), now)
            sent += _remind_handoff(item, profiles, now)
    return sent
