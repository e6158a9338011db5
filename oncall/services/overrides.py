"""Writes on overrides: someone covers a layer for a period (partial shifts allowed), and
rotas of overrides (the holiday rota of seed 000: three people rotating day by day).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oncall import rotation as math
from oncall.models import Layer, Override, SwapRequest
from oncall.services.common import acting_user, check_engineer, record_actor

OVERRIDE_FIELDS = ("user", "start", "end", "reason")
MAX_OVERRIDE = timedelta(days=366)


def _validate(layer: Layer, user: Any, start: datetime, end: datetime) -> None:
    check_engineer(user, "user")
    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end - start > MAX_OVERRIDE:
        raise ValidationError({"end": _("An override lasts at most a year.")})


@transaction.atomic
def override_create(
    *,
    layer: Layer,
    user: Any,
    start: datetime,
    end: datetime,
    actor: Any,
    reason: str = "",
    source: str = Override.Source.MANUAL,
) -> Override:
    """Put ``user`` on ``layer`` for ``[start, end)``, over whoever the rotation says."""
    _validate(layer, user, start, end)
    override = Override(
        layer=layer,
        user=user,
        start=start,
        end=end,
        reason=reason.strip(),
        source=source,
        created_by=acting_user(actor),
    )
    record_actor(override, actor)
    override.save(force_insert=True)
    return override


@transaction.atomic
def override_update(*, override: Override, actor: Any, **changes: Any) -> Override:
    """Change who covers, when, or why."""
    unknown = set(changes) - set(OVERRIDE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = Override.objects.select_for_update().get(pk=override.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    _validate(locked.layer, locked.user, locked.start, locked.end)
    record_actor(locked, actor)
    locked.save()
    override.refresh_from_db()
    return override


@transaction.atomic
def override_delete(*, override: Override, actor: Any) -> None:
    """Remove an override; the rotation answers for its period again.

    A swap request that made it keeps its history but loses the link first: left to the
    database's SET NULL, that change would bypass the history.
    """
    for swap in SwapRequest.objects.filter(override=override):
        swap.override = None
        record_actor(swap, actor)
        swap.save(update_fields=["override", "updated_at"])
    record_actor(override, actor)
    override.delete()


def _check_rota(
    participants: Sequence[Any], start: datetime, end: datetime, shift: timedelta
) -> None:
    if not participants:
        raise ValidationError({"participants": _("Name at least one engineer.")})
    if shift < timedelta(hours=1) or shift % timedelta(hours=1):
        raise ValidationError({"shift": _("A shift lasts a whole number of hours.")})
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})


def _rota_plan(zone: ZoneInfo, turns: int, start: datetime, shift: timedelta) -> math.Layer:
    """Return a one-off rotation of ``turns`` participants (0, 1, …) handing off from ``start``."""
    local = start.astimezone(zone)
    rotation = math.Rotation(
        participants=tuple(range(turns)),
        start=local.date(),
        handoff=local.time().replace(tzinfo=None),
        unit=math.Unit.HOURS,
        count=shift // timedelta(hours=1),
    )
    return math.Layer(zone=zone, rotations=(rotation,))


@transaction.atomic
def override_rota_create(
    *,
    layer: Layer,
    participants: Sequence[Any],
    start: datetime,
    end: datetime,
    actor: Any,
    shift: timedelta = timedelta(days=1),
    reason: str = "",
) -> list[Override]:
    """Cover ``[start, end)`` with participants taking turns, one override per shift.

    Handoffs fall at the wall-clock time of ``start`` in the schedule's zone, every ``shift``
    (whole hours): the holiday rota of seed 000 is three engineers, daily, 12/26-12/31.
    """
    _check_rota(participants, start, end, shift)
    plan = _rota_plan(ZoneInfo(layer.schedule.time_zone), len(participants), start, shift)
    return [
        override_create(
            layer=layer,
            user=participants[segment.user_id],
            start=segment.start,
            end=segment.end,
            actor=actor,
            reason=reason,
            source=Override.Source.ROTA,
        )
        for segment in math.layer_segments(plan, start, end)
        if segment.user_id is not None
    ]
