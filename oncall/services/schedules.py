"""Writes on schedules, layers and rotations. A rotation change adds a version, never edits one
already in force: shifts before ``effective_from`` stay exactly as they were.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from oncall.models import Layer, Rotation, RotationMember, Schedule, SwapRequest
from oncall.models.fields import new_token, validate_time_zone
from oncall.services.common import check_engineer, record_actor, touch_schedule

SCHEDULE_FIELDS = ("name", "team", "time_zone", "description", "is_active")


@dataclass(frozen=True)
class RotationInput:
    """What a rotation version says: participants in turn order and the shift pattern."""

    participants: Sequence[Any]
    start_date: date
    handoff_time: time = time(9)
    shift_unit: str = Rotation.ShiftUnit.DAYS
    shift_count: int = 1
    restriction: str = Rotation.Restriction.NONE
    restriction_days: Sequence[int] = field(default_factory=tuple)
    restriction_start: time | None = None
    restriction_end: time | None = None
    ends_at: datetime | None = None

    @classmethod
    def of(cls, row: Rotation) -> "RotationInput":
        """Return the input that would recreate a stored version."""
        return cls(
            participants=[m.user for m in row.members.all()],
            start_date=row.start_date,
            handoff_time=row.handoff_time,
            shift_unit=row.shift_unit,
            shift_count=row.shift_count,
            restriction=row.restriction,
            restriction_days=tuple(row.restriction_days),
            restriction_start=row.restriction_start,
            restriction_end=row.restriction_end,
            ends_at=row.ends_at,
        )

    def key(self) -> tuple:
        """Return what makes two inputs the same rotation."""
        return (
            tuple(u.pk for u in self.participants),
            self.start_date,
            self.handoff_time,
            self.shift_unit,
            self.shift_count,
            self.restriction,
            tuple(self.restriction_days) if self.restriction == "custom" else (),
            self.restriction_start if self.restriction == "custom" else None,
            self.restriction_end if self.restriction == "custom" else None,
            self.ends_at,
        )


def first_handoff(data: RotationInput, zone: str) -> datetime:
    """Return the instant the first shift of ``data`` starts, in UTC terms."""
    return datetime.combine(data.start_date, data.handoff_time, tzinfo=ZoneInfo(zone))


def validate_rotation(data: RotationInput, zone: str) -> None:
    for user in data.participants:
        check_engineer(user, "participants")
    if data.shift_unit not in Rotation.ShiftUnit.values:
        raise ValidationError({"shift_unit": _("Choose hours, days or weeks.")})
    if not 1 <= int(data.shift_count) <= 366:
        raise ValidationError({"shift_count": _("A shift lasts between 1 and 366 units.")})
    if data.restriction not in Rotation.Restriction.values:
        raise ValidationError({"restriction": _("Choose when the layer is on duty.")})
    if data.restriction == Rotation.Restriction.CUSTOM and (
        not data.restriction_days
        or data.restriction_start is None
        or not set(data.restriction_days) <= set(range(7))
    ):
        raise ValidationError(
            {"restriction_days": _("A custom window needs its days and its start time.")}
        )
    if data.ends_at is not None and data.ends_at <= first_handoff(data, zone):
        raise ValidationError({"ends_at": _("The rotation must end after its first handoff.")})


def _store_version(
    layer: Layer, data: RotationInput, effective_from: datetime, actor: Any
) -> Rotation:
    custom = data.restriction == Rotation.Restriction.CUSTOM
    row = Rotation(
        layer=layer,
        effective_from=effective_from,
        time_zone=layer.schedule.time_zone,
        start_date=data.start_date,
        handoff_time=data.handoff_time,
        shift_unit=data.shift_unit,
        shift_count=int(data.shift_count),
        restriction=data.restriction,
        restriction_days=sorted(set(data.restriction_days)) if custom else [],
        restriction_start=data.restriction_start if custom else None,
        restriction_end=data.restriction_end if custom else None,
        ends_at=data.ends_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_actor(row, actor)
    row.save(force_insert=True)
    for position, user in enumerate(data.participants, start=1):
        member = RotationMember(rotation=row, user=user, position=position)
        record_actor(member, actor)
        member.save(force_insert=True)
    return row


def current_version(layer: Layer, at: datetime) -> Rotation | None:
    """Return the version of the layer's rotation in force at ``at`` (or the first one)."""
    if "rotations" in getattr(layer, "_prefetched_objects_cache", {}):
        rows = sorted(layer.rotations.all(), key=lambda row: row.effective_from)
    else:
        rows = list(layer.rotations.prefetch_related("members__user").order_by("effective_from"))
    in_force = [row for row in rows if row.effective_from <= at]
    if in_force:
        return in_force[-1]
    return rows[0] if rows else None


@transaction.atomic
def rotation_change(
    *,
    layer: Layer,
    rotation: RotationInput,
    actor: Any,
    effective_from: datetime | None = None,
    now: datetime | None = None,
) -> Rotation | None:
    """Put a new rotation version in force from ``effective_from`` (default: now).

    Versions already in force stay; versions planned for later than ``effective_from`` are
    replaced. Returns None when nothing would change.
    """
    now = clock.resolve(now)
    effective_from = effective_from or now
    if effective_from < now.replace(second=0, microsecond=0):
        raise ValidationError({"effective_from": _("A change cannot take effect in the past.")})
    validate_rotation(rotation, layer.schedule.time_zone)
    current = current_version(layer, effective_from)
    if current is not None and RotationInput.of(current).key() == rotation.key():
        return None
    for planned in layer.rotations.filter(effective_from__gte=effective_from):
        record_actor(planned, actor)
        planned.delete()
    row = _store_version(layer, rotation, effective_from, actor)
    touch_schedule(layer.schedule, actor)
    return row


@transaction.atomic
def schedule_create(
    *, name: str, actor: Any, team: str = "", time_zone: str = "", description: str = ""
) -> Schedule:
    """Create an empty schedule; layers are added with ``layer_create``."""
    schedule = Schedule(name=name.strip(), team=team.strip(), description=description)
    if time_zone:
        schedule.time_zone = time_zone
    schedule.full_clean()
    record_actor(schedule, actor)
    schedule.save(force_insert=True)
    return schedule


@transaction.atomic
def schedule_update(
    *, schedule: Schedule, actor: Any, now: datetime | None = None, **changes: Any
) -> Schedule:
    """Change a schedule's name, team, zone, description or active flag.

    A new time zone applies from now on: each layer gets a new rotation version in that zone,
    so past shifts keep the zone they were worked in.
    """
    unknown = set(changes) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = Schedule.objects.select_for_update().get(pk=schedule.pk)
    zone_changed = "time_zone" in changes and changes["time_zone"] != locked.time_zone
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.revision = uuid.uuid4()  # cached plans hold the schedule row itself
    record_actor(locked, actor)
    locked.save()
    if zone_changed:
        _rezone_layers(locked, actor, clock.resolve(now))
    schedule.refresh_from_db()
    return schedule


def _rezone_layers(schedule: Schedule, actor: Any, now: datetime) -> None:
    for layer in schedule.layers.select_related("schedule"):
        current = current_version(layer, now)
        if current is None:
            continue
        for planned in layer.rotations.filter(effective_from__gte=now):
            planned.delete()
        _store_version(layer, RotationInput.of(current), now, actor)
    touch_schedule(schedule, actor)


def _delete_swaps(layers: Any, actor: Any) -> None:
    """Delete the layers' swap requests one by one, before their overrides go.

    Left to the cascade, unlinking a deleted override from its swap request would be a bulk
    SET NULL update, which bypasses the history.
    """
    for swap in SwapRequest.objects.filter(layer__in=layers):
        record_actor(swap, actor)
        swap.delete()


@transaction.atomic
def schedule_delete(*, schedule: Schedule, actor: Any) -> None:
    """Delete a schedule with its layers, rotations and overrides (history keeps them)."""
    _delete_swaps(schedule.layers.all(), actor)
    record_actor(schedule, actor)
    schedule.delete()


@transaction.atomic
def schedule_rotate_token(*, schedule: Schedule, actor: Any) -> Schedule:
    """Give the schedule's calendar feed a new secret URL; the old one stops working."""
    schedule.ical_token = new_token()
    record_actor(schedule, actor)
    schedule.save(update_fields=["ical_token", "updated_at"])
    return schedule


def _next_position(schedule: Schedule) -> int:
    last = schedule.layers.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def layer_create(
    *,
    schedule: Schedule,
    name: str,
    rotation: RotationInput,
    actor: Any,
    position: int | None = None,
) -> Layer:
    """Add a layer with its first rotation version (in force from its first handoff)."""
    validate_time_zone(schedule.time_zone)
    layer = Layer(
        schedule=schedule, name=name.strip(), position=position or _next_position(schedule)
    )
    layer.full_clean()
    validate_rotation(rotation, schedule.time_zone)
    record_actor(layer, actor)
    layer.save(force_insert=True)
    _store_version(layer, rotation, first_handoff(rotation, schedule.time_zone), actor)
    touch_schedule(schedule, actor)
    return layer


@transaction.atomic
def layer_update(
    *, layer: Layer, actor: Any, name: str | None = None, position: int | None = None
) -> Layer:
    """Rename or move a layer (its rotation changes with ``rotation_change``)."""
    if name is not None:
        layer.name = name.strip()
    if position is not None:
        layer.position = position
    layer.full_clean()
    record_actor(layer, actor)
    layer.save()
    touch_schedule(layer.schedule, actor)
    return layer


@transaction.atomic
def layer_delete(*, layer: Layer, actor: Any) -> None:
    """Delete a layer with its rotations and overrides (history keeps them)."""
    schedule = layer.schedule
    _delete_swaps([layer], actor)
    record_actor(layer, actor)
    layer.delete()
    touch_schedule(schedule, actor)
