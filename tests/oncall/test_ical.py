"""iCalendar feeds: valid RFC 5545 (parsed with the icalendar library), final shifts only."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from oncall.exports.ical import schedule_feed
from oncall.services import profile_rotate_token, profile_update, schedule_rotate_token
from tests.oncall.factories import make_override

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2025, 1, 8, 12, tzinfo=SEOUL)


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


def events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def test_schedule_feed_is_valid_rfc_5545(schedule, primary):
    calendar = Calendar.from_ical(schedule_feed(schedule))
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    found = calendar.walk("VEVENT")
    assert found
    for event in found:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
        assert event.decoded("DTSTART").tzinfo is not None
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert len({str(e["UID"]) for e in found}) == len(found)


def test_feed_shows_final_shifts_with_overrides(schedule, engineers, primary):
    make_override(primary, engineers[2], seoul(2025, 1, 8, 12), seoul(2025, 1, 8, 14))
    on_the_8th = [
        e
        for e in events(schedule_feed(schedule))
        if seoul(2025, 1, 8, 9) <= e.decoded("DTSTART") < seoul(2025, 1, 9, 9)
    ]
    assert [
        (e.decoded("DTSTART").astimezone(SEOUL).hour, "override" in str(e["SUMMARY"]))
        for e in on_the_8th
    ] == [
        (9, False),
        (12, True),
        (14, False),
    ]


def test_feed_speaks_korean(schedule, primary):
    with translation.override("ko"):
        summary = str(events(schedule_feed(schedule))[0]["SUMMARY"])
    assert summary.startswith("당직: ")


def test_feed_url_needs_the_secret_token(client, schedule, primary):
    url = reverse("oncall-ical-schedule", args=[schedule.ical_token])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert events(response.content)
    assert client.get(reverse("oncall-ical-schedule", args=["x" * 43])).status_code == 404


def test_rotating_the_token_revokes_the_old_url(client, schedule, primary):
    old = reverse("oncall-ical-schedule", args=[schedule.ical_token])
    schedule_rotate_token(schedule=schedule, actor=None)
    assert client.get(old).status_code == 404
    assert (
        client.get(reverse("oncall-ical-schedule", args=[schedule.ical_token])).status_code == 200
    )


def test_person_feed_holds_only_their_shifts(client, schedule, engineers, primary):
    profile = profile_update(user=engineers[0], actor=None)
    response = client.get(reverse("oncall-ical-person", args=[profile.ical_token]))
    found = events(response.content)
    assert found
    assert all("E1" in str(e["SUMMARY"]) for e in found)
    starts = [e.decoded("DTSTART").astimezone(SEOUL) for e in found]
    assert all((s.date() - seoul(2025, 1, 6).date()).days % 3 == 0 for s in starts)
    old = profile.ical_token
    profile_rotate_token(user=engineers[0], actor=None)
    assert client.get(reverse("oncall-ical-person", args=[old])).status_code == 404
