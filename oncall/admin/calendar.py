"""The admin calendar: a week or a month of final shifts, day by day, overrides marked."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from oncall.models import Schedule
from oncall.selectors import Shift, shifts_between

WEEK = timedelta(days=7)


@dataclass
class Entry:
    """A shift's part on one day."""

    shift: Shift
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        end = (
            "24:00" if self.end.time() == time(0) and self.end > self.start else f"{self.end:%H:%M}"
        )
        return f"{self.start:%H:%M}-{end}"


@dataclass
class Day:
    day: date
    in_period: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class CalendarPage:
    schedule: Schedule
    view: str
    start: date
    end: date  # exclusive
    weeks: list[list[Day]]
    previous: date
    following: date


def period(view: str, anchor: date) -> tuple[date, date, date, date]:
    """Return the shown days ``[start, end)`` and the anchors of the previous and next page."""
    if view == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        start = first - timedelta(days=first.weekday())
        end = following + timedelta(days=(7 - following.weekday()) % 7)
        return start, end, previous, following
    start = anchor - timedelta(days=anchor.weekday())
    return start, start + WEEK, start - WEEK, start + WEEK


def _pieces(shift: Shift, zone: ZoneInfo) -> list[Entry]:
    start, end = shift.start.astimezone(zone), shift.end.astimezone(zone)
    pieces = []
    while start < end:
        midnight = datetime.combine(start.date() + timedelta(days=1), time(0), zone)
        pieces.append(Entry(shift, start, min(end, midnight)))
        start = min(end, midnight)
    return pieces


def calendar_page(schedule: Schedule, view: str, anchor: date, today: date) -> CalendarPage:
    """Return the calendar page of ``view`` ("week" or "month") holding ``anchor``."""
    zone = ZoneInfo(schedule.time_zone)
    start, end, previous, following = period(view, anchor)
    days: dict[date, Day] = {}
    cursor = start
    while cursor < end:
        in_period = view != "month" or cursor.month == anchor.month
        days[cursor] = Day(cursor, in_period, cursor == today)
        cursor += timedelta(days=1)
    shifts = shifts_between(
        schedule=schedule,
        start=datetime.combine(start, time(0), zone),
        end=datetime.combine(end, time(0), zone),
    )
    for shift in shifts:
        for entry in _pieces(shift, zone):
            days[entry.start.date()].entries.append(entry)
    for day in days.values():
        day.entries.sort(key=_entry_order)
    ordered = list(days.values())
    weeks = [ordered[i : i + 7] for i in range(0, len(ordered), 7)]
    return CalendarPage(schedule, view, start, end, weeks, previous, following)


def _entry_order(entry: Entry) -> Any:
    return entry.shift.layer.position, entry.start
