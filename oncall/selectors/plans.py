"""Schedules as the scheduling math sees them: rows turned into ``oncall.rotation`` values.

The rotation part of a plan changes only through the services, which renew the schedule's
``revision`` (a UUID); plans are memoised per revision so a lookup costs one query (the
overrides near the instant). Overrides are never cached: they are read for the window asked.
The users in a plan (participants, and people who covered) are cached with it: a renamed
engineer shows under the old name until the schedule next changes.
"""

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch

from oncall import rotation as math
from oncall.models import Layer, Override, Rotation, RotationMember, Schedule

PRESETS = {
    Rotation.Restriction.WEEKDAYS: math.WEEKDAYS,
    Rotation.Restriction.WEEKENDS: math.WEEKENDS,
    Rotation.Restriction.NIGHTS: math.NIGHTS,
}
CACHE_SIZE = 512
# Only quoted column names and one placeholder per layer id are put into the text.
OVERRIDES_SQL = (
    "SELECT {id}, {layer_id}, {user_id}, {start_value}, {end_value} FROM {table} "
    "WHERE {layer_id} IN ({ids}) AND {end} > %s AND {start} < %s"
)
# On PostgreSQL the times travel as whole microseconds since the epoch: parsing timestamp text
# was a tenth of a year's shifts for 50 schedules.
EPOCH_MICROSECONDS = "(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class LayerPlan:
    """A layer row with its rotation versions as plain values and its participants' users."""

    layer: Layer
    rotations: tuple[math.Rotation, ...]
    users: dict[int, Any]

    def with_overrides(self, zone: ZoneInfo, overrides: Iterable[math.Override]) -> math.Layer:
        """Return the pure layer for the math, with the overrides read for a window."""
        return math.Layer(
            zone=zone, rotations=self.rotations, overrides=tuple(overrides), id=self.layer.pk
        )


@dataclass(frozen=True)
class SchedulePlan:
    schedule: Schedule
    zone: ZoneInfo
    layers: tuple[LayerPlan, ...]
    horizon: timedelta  # how far lookups search: the widest of the layers' horizons
    # Participants, and the people who covered by override since the plan was built.
    known_users: dict[Any, Any]

    def users(self, ids: Iterable[int]) -> dict[Any, Any]:
        """Return the users with ``ids``: known ones from the plan, others in one query."""
        missing = set(ids) - set(self.known_users)
        if missing:
            self.known_users.update(get_user_model().objects.in_bulk(missing))
        return self.known_users


def restriction_of(row: Rotation) -> math.Restriction | None:
    """Return the pure restriction of a rotation row (None: around the clock)."""
    if row.restriction == Rotation.Restriction.CUSTOM:
        if not row.restriction_days or row.restriction_start is None:
            return None
        end = row.restriction_end if row.restriction_end is not None else row.restriction_start
        return math.Restriction(frozenset(row.restriction_days), row.restriction_start, end)
    return PRESETS.get(row.restriction)


def rotation_of(row: Rotation) -> math.Rotation:
    """Return the pure value of a rotation row (its members must be prefetched)."""
    return math.Rotation(
        participants=tuple(member.user_id for member in row.members.all()),
        start=row.start_date,
        handoff=row.handoff_time,
        unit=math.Unit(row.shift_unit),
        count=row.shift_count,
        effective_from=row.effective_from,
        until=row.ends_at,
        restriction=restriction_of(row),
        zone=ZoneInfo(row.time_zone),
    )


def _layer_plan(layer: Layer) -> LayerPlan:
    rows = list(layer.rotations.all())
    users = {m.user_id: m.user for row in rows for m in row.members.all()}
    return LayerPlan(layer=layer, rotations=tuple(rotation_of(r) for r in rows), users=users)


def build_plan(schedule: Schedule) -> SchedulePlan:
    """Load the schedule's layers, rotation versions and members (three queries)."""
    members = Prefetch(
        "members", queryset=RotationMember.objects.select_related("user").order_by("position")
    )
    rotations = Prefetch(
        "rotations", queryset=Rotation.objects.order_by("effective_from").prefetch_related(members)
    )
    layers = (
        Layer.objects.filter(schedule=schedule).order_by("position").prefetch_related(rotations)
    )
    zone = ZoneInfo(schedule.time_zone)
    plans = tuple(_layer_plan(layer) for layer in layers)
    pure = [math.Layer(zone=zone, rotations=p.rotations) for p in plans]
    horizon = max((math.horizon_for(layer) for layer in pure), default=timedelta(days=31))
    users = {None: None, **{pk: user for p in plans for pk, user in p.users.items()}}
    return SchedulePlan(schedule, zone, plans, horizon, users)


_plans: OrderedDict[Any, SchedulePlan] = OrderedDict()
_plans_lock = Lock()


def plan_for(schedule: Schedule) -> SchedulePlan:
    """Return the schedule's plan, built once per revision."""
    key = schedule.revision
    with _plans_lock:
        plan = _plans.get(key)
        if plan is not None:
            _plans.move_to_end(key)
            return plan
    plan = build_plan(schedule)
    with _plans_lock:
        _plans[key] = plan
        while len(_plans) > CACHE_SIZE:
            _plans.popitem(last=False)
    return plan


def forget_plans() -> None:
    """Drop every memoised plan (tests that write rows without the services use it)."""
    with _plans_lock:
        _plans.clear()


def overrides_between(
    layer_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[math.Override]]:
    """Return the overrides touching ``[start, end)`` per layer id, as plain values.

    Plain SQL on purpose: this is the one query of a lookup, and building it through the ORM
    costs several times what PostgreSQL needs to answer it (the benchmark's sub-ms lookup).
    """
    ids = [int(pk) for pk in layer_ids]
    if not ids:
        return {}
    ops = connection.ops
    sql = _overrides_sql(len(ids))
    params = [*ids, ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[int, list[math.Override]] = {}
    for pk, layer_id, user_id, begins, ends in rows:
        found.setdefault(layer_id, []).append(
            math.Override(pk, user_id, _instant(begins), _instant(ends))
        )
    return found


def _overrides_sql(count: int) -> str:
    ops, epoch = connection.ops, connection.vendor == "postgresql"
    names = {name: ops.quote_name(name) for name in ("id", "layer_id", "user_id", "start", "end")}
    values = {
        f"{name}_value": EPOCH_MICROSECONDS.format(column=names[name]) if epoch else names[name]
        for name in ("start", "end")
    }
    return OVERRIDES_SQL.format(
        **names,
        **values,
        table=ops.quote_name(Override._meta.db_table),
        ids=", ".join(["%s"] * count),
    )


def _instant(value: Any) -> datetime:
    if isinstance(value, int):
        return EPOCH + value * MICROSECOND
    # SQLite (development) returns naive UTC datetimes.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
