"""Plain values the scheduling math works on: rotations, restrictions, overrides, segments.

Nothing here touches the ORM; ``oncall.selectors`` builds these from rows and hands them over.
Every datetime is aware; segments are half-open ``[start, end)``.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# Stand-ins for "forever": far enough to never matter, near enough to add a year to.
FAR_PAST = datetime(1900, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(3000, 1, 1, tzinfo=UTC)


class Unit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"


UNIT_LENGTH = {
    Unit.HOURS: timedelta(hours=1),
    Unit.DAYS: timedelta(days=1),
    Unit.WEEKS: timedelta(weeks=1),
}


@dataclass(frozen=True, slots=True)
class Restriction:
    """Weekly wall-clock windows when a layer is on duty; outside them the layer has nobody.

    A window opens at ``start`` on each of ``days`` (Monday is 0) and closes at ``end`` the same
    day, or the next day when ``end`` is not after ``start`` (``start == end`` is 24 hours).
    """

    days: frozenset[int]
    start: time = time(0)
    end: time = time(0)

    @property
    def length(self) -> timedelta:
        """Return the wall-clock length of one window."""
        begin = timedelta(hours=self.start.hour, minutes=self.start.minute)
        finish = timedelta(hours=self.end.hour, minutes=self.end.minute)
        length = (finish - begin) % timedelta(days=1)
        return length or timedelta(days=1)


WEEKDAYS = Restriction(frozenset(range(5)))
WEEKENDS = Restriction(frozenset({5, 6}))
NIGHTS = Restriction(frozenset(range(7)), time(18), time(9))


@dataclass(frozen=True, slots=True)
class Rotation:
    """One version of a layer's rotation.

    Shift ``k`` starts at wall-clock ``start + handoff + k * count * unit`` in the layer's zone
    and belongs to ``participants[k % len(participants)]``. The version answers from
    ``effective_from`` (default: its first handoff) until the next version takes effect or
    ``until``, whichever comes first.
    """

    participants: tuple[int, ...]
    start: date
    handoff: time = time(9)
    unit: Unit = Unit.DAYS
    count: int = 1
    effective_from: datetime | None = None
    until: datetime | None = None
    restriction: Restriction | None = None
    zone: ZoneInfo | None = None  # None: the layer's zone

    @property
    def step(self) -> timedelta:
        return UNIT_LENGTH[Unit(self.unit)] * self.count


@dataclass(frozen=True, slots=True)
class Override:
    """Someone covers a layer for ``[start, end)``; a later override (higher id) wins."""

    id: int
    user_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Layer:
    """A layer of a schedule: its rotation versions and overrides, in the schedule's zone."""

    zone: ZoneInfo
    rotations: tuple[Rotation, ...] = ()
    overrides: tuple[Override, ...] = ()
    id: int = 0


@dataclass(slots=True)
class Segment:
    """A stretch of final on-call time on one layer; ``user_id`` None means nobody.

    Not frozen: a frozen dataclass is three times slower to create, and a year of shifts
    creates tens of thousands. Treat it as a value all the same.
    """

    start: datetime
    end: datetime
    user_id: int | None
    override_id: int | None = None

    @property
    def is_gap(self) -> bool:
        return self.user_id is None


@dataclass(frozen=True, slots=True)
class OnCall:
    """Who is on a layer at an instant, since when and until when.

    ``start``/``end`` are None when they lie beyond the search horizon (the answer is then
    "since/until at least that long").
    """

    user_id: int | None
    start: datetime | None
    end: datetime | None
    override_id: int | None = None
