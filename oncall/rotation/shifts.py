"""Rotation shifts on a wall-clock grid, cut to restriction windows and version lifetimes.

Handoffs are wall-clock times in the layer's zone (``zoneinfo``), so a daily shift across a
DST change lasts 23 or 25 hours and the handoff stays at 09:00. A handoff that falls in a
spring-forward gap happens at the same offset as before the change (02:30 becomes 03:30).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from oncall.rotation.types import FAR_FUTURE, Layer, Restriction, Rotation, Segment

ONE_DAY = timedelta(days=1)
Interval = tuple[datetime, datetime]
Stretch = tuple[datetime, datetime, int]  # start, end, user id


# Wall-clock times are kept as datetimes labelled UTC whose fields are the local time ("wall").
# ``wall - zone.utcoffset(wall)`` is then the instant: exactly what
# ``naive.replace(tzinfo=zone).astimezone(UTC)`` gives (fold 0 in gaps and repeats), about five
# times faster, which a year of shifts notices.


def instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of a wall-clock time (a "wall" datetime) in ``zone``."""
    return wall - zone.utcoffset(wall)


def wall_of(at: datetime, zone: ZoneInfo) -> datetime:
    """Return the wall-clock time of an instant in ``zone``, as a "wall" datetime."""
    return at.astimezone(zone).replace(tzinfo=UTC)


class Grid:
    """The handoff instants of one rotation: ``boundary(k)`` starts shift ``k``."""

    __slots__ = ("anchor", "step", "zone")

    def __init__(self, rotation: Rotation, zone: ZoneInfo) -> None:
        self.anchor = datetime.combine(rotation.start, rotation.handoff, tzinfo=UTC)
        self.step = rotation.step
        self.zone = rotation.zone or zone

    def boundary(self, k: int) -> datetime:
        return instant(self.anchor + k * self.step, self.zone)

    def index_at(self, at: datetime) -> int:
        """Return the shift index whose ``[boundary(k), boundary(k + 1))`` holds ``at``."""
        local = wall_of(at, self.zone)
        k = (local - self.anchor) // self.step
        # The wall-clock estimate can be one off around DST changes; settle on the instants.
        while self.boundary(k) > at:
            k -= 1
        while self.boundary(k + 1) <= at:
            k += 1
        return k


@dataclass(frozen=True, slots=True)
class Version:
    """A rotation with the instants it answers for: ``[lo, hi)``."""

    rotation: Rotation
    grid: Grid
    lo: datetime
    hi: datetime


def _effective(rotation: Rotation, grid: Grid) -> datetime:
    return rotation.effective_from or grid.boundary(0)


def versions(layer: Layer) -> list[Version]:
    """Return the layer's rotation versions in effect order with their lifetimes."""
    grids = [(rotation, Grid(rotation, layer.zone)) for rotation in layer.rotations]
    grids.sort(key=lambda pair: _effective(*pair))
    result = []
    for index, (rotation, grid) in enumerate(grids):
        nxt = _effective(*grids[index + 1]) if index + 1 < len(grids) else FAR_FUTURE
        lo = max(_effective(rotation, grid), grid.boundary(0))
        hi = min(nxt, rotation.until or FAR_FUTURE)
        if lo < hi:
            result.append(Version(rotation, grid, lo, hi))
    return result


def restriction_windows(
    restriction: Restriction, zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[Interval]:
    """Return the merged on-duty windows overlapping ``[lo, hi)``, in order."""
    first = lo.astimezone(zone).date() - ONE_DAY
    days = (hi.astimezone(zone).date() - first).days + 1
    weekday, weekdays = first.weekday(), restriction.days
    first_open = datetime.combine(first, restriction.start, tzinfo=UTC)
    opens = [first_open + k * ONE_DAY for k in range(days) if (weekday + k) % 7 in weekdays]
    offset, length = zone.utcoffset, restriction.length
    starts = [w - offset(w) for w in opens]
    ends = [(w := o + length) - offset(w) for o in opens]
    merged: list[Interval] = []
    for start, end in zip(starts, ends, strict=True):
        if end <= lo or start >= hi or end <= start:
            continue
        if merged and merged[-1][1] >= start:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _shifts(version: Version, lo: datetime, hi: datetime) -> list[Segment]:
    """Return the version's shifts clipped to ``[lo, hi)`` (already inside its lifetime)."""
    participants = version.rotation.participants
    count = len(participants)
    grid = version.grid
    anchor, step, offset = grid.anchor, grid.step, grid.zone.utcoffset
    first, last = grid.index_at(lo), grid.index_at(hi)
    # The hot path of a year's list, hence one comprehension for every handoff instant.
    bounds = [(w := anchor + k * step) - offset(w) for k in range(first, last + 2)]
    bounds[0], bounds[-1] = lo, hi
    return [
        Segment(start, end, participants[k % count])
        for k, start, end in zip(range(first, last + 1), bounds, bounds[1:], strict=False)
        if start < end  # a one-hour shift can vanish in a spring-forward gap
    ]


def _cut(shifts: list[Segment], windows: list[Interval]) -> list[Segment]:
    """Intersect ordered shifts with ordered, disjoint windows."""
    result: list[Segment] = []
    w, count = 0, len(windows)
    for shift in shifts:
        start, end = shift.start, shift.end
        while w < count and windows[w][1] <= start:
            w += 1
        j = w
        while j < count and windows[j][0] < end:
            opens, closes = windows[j]
            s, e = (start if start > opens else opens), (end if end < closes else closes)
            if s < e:
                result.append(Segment(s, e, shift.user_id))
            j += 1
    return result


def version_shifts(version: Version, a: datetime, b: datetime) -> list[Segment]:
    """Return the on-duty stretches of one version inside ``[a, b)``."""
    lo, hi = max(a, version.lo), min(b, version.hi)
    if lo >= hi or not version.rotation.participants:
        return []
    shifts = _shifts(version, lo, hi)
    restriction = version.rotation.restriction
    if restriction is None:
        return shifts
    return _cut(shifts, restriction_windows(restriction, version.grid.zone, lo, hi))


def rotation_shifts(layer: Layer, a: datetime, b: datetime) -> list[Segment]:
    """Return every on-duty stretch of the layer's rotations in ``[a, b)``, before overrides."""
    result: list[Segment] = []
    for version in versions(layer):
        result.extend(version_shifts(version, a, b))
    return result


def shift_at(layer: Layer, at: datetime) -> Stretch | None:
    """Return the rotation stretch holding ``at`` (before overrides), or None in a gap."""
    version = next((v for v in versions(layer) if v.lo <= at < v.hi), None)
    if version is None or not version.rotation.participants:
        return None
    grid = version.grid
    k = grid.index_at(at)
    start = max(grid.boundary(k), version.lo)
    end = min(grid.boundary(k + 1), version.hi)
    restriction = version.rotation.restriction
    if restriction is not None:
        window = next(
            (
                w
                for w in restriction_windows(restriction, grid.zone, start, end)
                if w[0] <= at < w[1]
            ),
            None,
        )
        if window is None:
            return None
        start, end = max(start, window[0]), min(end, window[1])
    participants = version.rotation.participants
    return start, end, participants[k % len(participants)]


def longest_step(layer: Layer) -> timedelta:
    """Return the longest shift length among the layer's versions (at least a day)."""
    return max((r.step for r in layer.rotations), default=ONE_DAY)
