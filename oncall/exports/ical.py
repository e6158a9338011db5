"""iCalendar (RFC 5545) feeds of final shifts, per schedule and per person.

Times are written in UTC (``DTSTART:20241226T000000Z``) so every client agrees without a
VTIMEZONE block; UIDs are stable across refreshes so a calendar updates events in place.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core import clock
from core.people import person_name
from oncall.models import Schedule
from oncall.selectors import Shift, shifts_between, shifts_of_schedules

FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=180)
PRODID = "-//hotline//on-call//EN"


def feed_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Return the period a feed covers: a month back, half a year ahead."""
    now = clock.resolve(now).replace(minute=0, second=0, microsecond=0)
    return now - FEED_PAST, now + FEED_FUTURE


def _person(user: Any) -> str:
    return person_name(user)


def _event(shift: Shift, stamp: datetime) -> Event:
    event = Event()
    schedule = shift.layer.schedule
    uid = f"oncall-{shift.layer.pk}-{shift.user.pk}-{shift.start:%Y%m%dT%H%M%SZ}"
    event.add("uid", f"{uid}@{settings.SITE_URL.split('://')[-1]}")
    event.add("dtstamp", stamp)
    event.add("dtstart", shift.start)
    event.add("dtend", shift.end)
    summary = _("On-call: %(person)s (%(schedule)s, %(layer)s)") % {
        "person": _person(shift.user),
        "schedule": schedule.name,
        "layer": shift.layer.name,
    }
    if shift.is_override:
        summary = _("%(summary)s [override]") % {"summary": summary}
    event.add("summary", summary)
    event.add("categories", [_("On-call")])
    event.add("transp", "TRANSPARENT")
    return event


def calendar_bytes(name: str, shifts: Iterable[Shift], now: datetime | None = None) -> bytes:
    """Return an RFC 5545 calendar of the given final shifts."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = clock.resolve(now).replace(microsecond=0)
    for shift in shifts:
        if shift.user is not None:
            calendar.add_component(_event(shift, stamp))
    return calendar.to_ical()


def schedule_feed(schedule: Schedule, now: datetime | None = None) -> bytes:
    """Return the feed of every final shift on the schedule."""
    start, end = feed_window(now)
    shifts = shifts_between(schedule=schedule, start=start, end=end)
    name = _("On-call: %(schedule)s") % {"schedule": schedule.name}
    return calendar_bytes(name, shifts, now)


def person_feed(user: Any, now: datetime | None = None) -> bytes:
    """Return the feed of the person's final shifts on every active schedule."""
    start, end = feed_window(now)
    found = shifts_of_schedules(
        schedules=Schedule.objects.filter(is_active=True), start=start, end=end
    )
    shifts = [s for shifts in found.values() for s in shifts if s.user.pk == user.pk]
    name = _("On-call: %(person)s") % {"person": _person(user)}
    return calendar_bytes(name, shifts, now)
