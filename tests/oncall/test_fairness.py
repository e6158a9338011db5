"""The monthly fairness report: hours, off-hours, holidays, pages, sleep, SRE limits."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from oncall.reports.fairness import fairness_csv, fairness_report
from tests.oncall.factories import ScheduleFactory, make_layer, make_page

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


@pytest.fixture
def holiday_rota(engineers):
    """Seed 000: three engineers rotating daily over 12/26-12/31 (09:00 handoffs)."""
    schedule = ScheduleFactory(name="Holiday", team="T3")
    make_layer(
        schedule,
        engineers,
        start_date=date(2024, 12, 26),
        ends_at=seoul(2025, 1, 1, 9),
    )
    return schedule


def by_name(report):
    return {load.user.username: load for load in report.people}


def test_hours_and_off_hours(holiday_rota):
    people = by_name(fairness_report(month=date(2024, 12, 1), team="T3"))
    # engineer1: 12/26 09:00-12/27 09:00 (Thu) and 12/29 09:00-12/30 09:00 (Sun).
    assert people["engineer1"].hours == pytest.approx(48)
    assert people["engineer1"].off_hours == pytest.approx(48 - 9)
    # engineer3: 12/28 (Sat) and 12/31 09:00-24:00 (Tue) in December.
    assert people["engineer3"].hours == pytest.approx(24 + 15)


def test_public_holiday_hours(holiday_rota):
    people = by_name(fairness_report(month=date(2025, 1, 1), team="T3"))
    # 2025-01-01 is 신정: engineer3 covers 00:00-09:00 of it.
    assert people["engineer3"].holiday_hours == pytest.approx(9)
    assert people["engineer3"].off_hours == pytest.approx(9)


def test_share_over_a_quarter_is_flagged(schedule, engineers):
    make_layer(schedule, engineers[:2], start_date=date(2025, 1, 1))
    people = by_name(fairness_report(month=date(2025, 1, 1)))
    assert people["engineer1"].share > 0.25
    assert "share" in people["engineer1"].flags


def test_pages_sleep_interruptions_and_the_12_hour_limit(holiday_rota, engineers):
    for incident_id, hour in enumerate((23, 1, 2, 3), start=1):
        paged = seoul(2024, 12, 27, hour) if hour == 23 else seoul(2024, 12, 28, hour)
        make_page(engineers[1], incident_id=incident_id, at=paged)
        make_page(engineers[1], incident_id=incident_id, at=paged, channel="sms")
    people = by_name(fairness_report(month=date(2024, 12, 1), team="T3"))
    load = people["engineer2"]
    assert (load.pages, load.sleep_interruptions, load.max_pages_per_12h) == (4, 4, 3)
    assert "pages" in load.flags
    assert people["engineer1"].pages == 0


def test_csv_has_a_row_per_engineer(holiday_rota):
    text = fairness_csv(fairness_report(month=date(2024, 12, 1), team="T3"))
    lines = text.strip().splitlines()
    assert len(lines) == 4
    assert lines[1].startswith("engineer")


def test_other_teams_are_left_out(holiday_rota, engineers):
    other = ScheduleFactory(name="Other", team="DBA")
    make_layer(other, engineers[:1], start_date=date(2024, 12, 1), handoff_time=time(0))
    people = by_name(fairness_report(month=date(2024, 12, 1), team="T3"))
    assert people["engineer1"].hours == pytest.approx(48)
