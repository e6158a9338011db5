"""Monthly on-call fairness per team and person (seed 001 §3: balanced load, burnout risk).

Hours on call, off-hours hours (outside Mon-Fri 09:00-18:00 or on a public holiday), hours on
Korean public holidays, pages received and sleep-hour (22:00-08:00) interruptions, all in the
site's time zone. Flags follow Google's SRE book: at most 25 % of time on call, and at most two
incidents per 12-hour shift.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils.translation import gettext_lazy

from oncall.models import Schedule
from oncall.selectors import pages_received, shifts_of_schedules

ONCALL_SHARE_LIMIT = 0.25
PAGES_PER_SHIFT_LIMIT = 2
BUSINESS_HOURS = (time(9), time(18))
SLEEP_HOURS = (time(22), time(8))
FLAG_LABELS = {
    "share": gettext_lazy("on call over a quarter of the month"),
    "pages": gettext_lazy("over 2 incidents in a 12-hour shift"),
}
CSV_HEADER = (
    gettext_lazy("engineer"),
    gettext_lazy("hours on call"),
    gettext_lazy("share of the month, percent"),
    gettext_lazy("off-hours hours"),
    gettext_lazy("public-holiday hours"),
    gettext_lazy("pages received"),
    gettext_lazy("sleep-hour interruptions"),
    gettext_lazy("most pages in 12 hours"),
    gettext_lazy("flags"),
)
Interval = tuple[datetime, datetime]


@dataclass
class PersonLoad:
    """One engineer's on-call load in the month."""

    user: Any
    hours: float = 0.0
    off_hours: float = 0.0
    holiday_hours: float = 0.0
    pages: int = 0
    sleep_interruptions: int = 0
    max_pages_per_12h: int = 0
    share: float = 0.0
    flags: list[str] = field(default_factory=list)

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[flag]) for flag in self.flags]


@dataclass
class FairnessReport:
    month: date
    team: str
    start: datetime
    end: datetime
    people: list[PersonLoad]


def month_bounds(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the first instant of the month and of the next, in ``zone``."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time(0), zone), datetime.combine(following, time(0), zone)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _day_pieces(start: datetime, end: datetime, zone: ZoneInfo):
    """Yield (local day, local start, local end) pieces of an interval."""
    start, end = start.astimezone(zone), end.astimezone(zone)
    while start < end:
        midnight = datetime.combine(start.date() + timedelta(days=1), time(0), zone)
        piece_end = min(end, midnight)
        yield start.date(), start, piece_end
        start = piece_end


def _business_overlap(day: date, start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
    opens = datetime.combine(day, BUSINESS_HOURS[0], zone)
    closes = datetime.combine(day, BUSINESS_HOURS[1], zone)
    return max(timedelta(0), min(end, closes) - max(start, opens))


def _add_hours(load: PersonLoad, intervals: list[Interval], zone: ZoneInfo, holiday_days) -> None:
    for start, end in intervals:
        for day, piece_start, piece_end in _day_pieces(start, end, zone):
            length = piece_end - piece_start
            load.hours += _hours(length)
            if day in holiday_days:
                load.holiday_hours += _hours(length)
                load.off_hours += _hours(length)
            elif day.weekday() >= 5:
                load.off_hours += _hours(length)
            else:
                overlap = _business_overlap(day, piece_start, piece_end, zone)
                load.off_hours += _hours(length - overlap)


def _asleep(at: datetime, zone: ZoneInfo) -> bool:
    local = at.astimezone(zone).time()
    return local >= SLEEP_HOURS[0] or local < SLEEP_HOURS[1]


def _add_pages(load: PersonLoad, pages: list[datetime], zone: ZoneInfo) -> None:
    load.pages = len(pages)
    load.sleep_interruptions = sum(1 for at in pages if _asleep(at, zone))
    blocks = Counter(
        (local.date(), local.hour // 12) for local in (at.astimezone(zone) for at in pages)
    )
    load.max_pages_per_12h = max(blocks.values(), default=0)


def _flag(load: PersonLoad, period: timedelta) -> None:
    load.share = load.hours / _hours(period) if period else 0.0
    if load.share > ONCALL_SHARE_LIMIT:
        load.flags.append("share")
    if load.max_pages_per_12h > PAGES_PER_SHIFT_LIMIT:
        load.flags.append("pages")


def _intervals_by_user(schedules, start: datetime, end: datetime) -> tuple[dict, dict]:
    users: dict[int, Any] = {}
    intervals: dict[int, list[Interval]] = {}
    for shifts in shifts_of_schedules(schedules=schedules, start=start, end=end).values():
        for shift in shifts:
            users[shift.user.pk] = shift.user
            intervals.setdefault(shift.user.pk, []).append((shift.start, shift.end))
    return users, intervals


def fairness_report(*, month: date, team: str = "") -> FairnessReport:
    """Return every on-call engineer's load for the month on the team's schedules."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start, end = month_bounds(month, zone)
    schedules = Schedule.objects.filter(is_active=True)
    if team:
        schedules = schedules.filter(team=team)
    users, intervals = _intervals_by_user(schedules, start, end)
    holiday_days = holidays.country_holidays("KR", years=range(start.year, end.year + 1))
    pages = pages_received(users.values(), start, end)
    people = []
    for user_id, user in users.items():
        load = PersonLoad(user=user)
        _add_hours(load, _merge(intervals[user_id]), zone, holiday_days)
        _add_pages(load, pages.get(user_id, []), zone)
        _flag(load, end - start)
        people.append(load)
    people.sort(key=lambda p: (-p.hours, p.user.get_username()))
    return FairnessReport(
        month=month.replace(day=1), team=team, start=start, end=end, people=people
    )


def fairness_csv(report: FairnessReport) -> str:
    """Return the report as CSV text (one row per engineer)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(label) for label in CSV_HEADER])
    for load in report.people:
        writer.writerow(
            [
                load.user.get_username(),
                f"{load.hours:.2f}",
                f"{load.share * 100:.1f}",
                f"{load.off_hours:.2f}",
                f"{load.holiday_hours:.2f}",
                load.pages,
                load.sleep_interruptions,
                load.max_pages_per_12h,
                "; ".join(load.flag_labels),
            ]
        )
    return out.getvalue()
