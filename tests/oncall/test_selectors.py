"""Who is on call, read from the database: the answer escalation, the API and the admin use."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.notifications.models import Delivery
from oncall.models import Rotation
from oncall.selectors import (
    oncall_at,
    oncall_first_responder,
    pages_received_by,
    schedule_list_for,
    shifts_between,
)
from oncall.services import schedule_update
from tests.oncall.factories import make_layer, make_override, make_page

SEOUL = ZoneInfo("Asia/Seoul")
TICK = timedelta(microseconds=1)


def seoul(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SEOUL)


def test_oncall_at_answers_each_layer(schedule, engineers, primary):
    make_layer(schedule, engineers[::-1], name="Secondary")
    answers = oncall_at(schedule=schedule, at=seoul(2025, 1, 7, 12))
    assert [(a.layer.name, a.user.username) for a in answers] == [
        ("Primary", "engineer2"),
        ("Secondary", "engineer2"),
    ]
    assert answers[0].until == seoul(2025, 1, 8, 9)


def test_oncall_at_one_layer_reports_an_override(schedule, engineers, primary):
    override = make_override(primary, engineers[2], seoul(2025, 1, 7, 12), seoul(2025, 1, 7, 13))
    answer = oncall_at(schedule=schedule, layer=primary, at=seoul(2025, 1, 7, 12, 30))
    assert (answer.user, answer.override_id, answer.until) == (
        engineers[2],
        override.pk,
        override.end,
    )
    assert answer.is_override


def test_nobody_is_an_answer_with_the_time_someone_starts(schedule, engineers):
    nights = make_layer(schedule, engineers, restriction=Rotation.Restriction.NIGHTS)
    answer = oncall_at(schedule=schedule, layer=nights, at=seoul(2025, 1, 7, 12))
    assert answer.user is None
    assert answer.until == seoul(2025, 1, 7, 18)


def test_escalation_falls_through_an_empty_layer(schedule, engineers, caplog):
    make_layer(schedule, engineers, name="Primary", restriction=Rotation.Restriction.NIGHTS)
    make_layer(schedule, engineers[1:], name="Secondary")
    target, skipped = oncall_first_responder(schedule=schedule, at=seoul(2025, 1, 7, 12))
    assert target.layer.name == "Secondary"
    assert [s.layer.name for s in skipped] == ["Primary"]
    assert "Nobody on call" in caplog.text


def test_escalation_gets_none_when_every_layer_is_empty(schedule, engineers):
    make_layer(schedule, [], name="Primary")
    target, skipped = oncall_first_responder(schedule=schedule, at=seoul(2025, 1, 7, 12))
    assert target is None
    assert len(skipped) == 1


def test_shifts_between_lists_final_shifts(schedule, engineers, primary):
    make_override(primary, engineers[2], seoul(2025, 1, 6, 12), seoul(2025, 1, 6, 15))
    shifts = shifts_between(schedule=schedule, start=seoul(2025, 1, 6), end=seoul(2025, 1, 7, 9))
    assert [(s.user.username, s.start.astimezone(SEOUL).hour, s.is_override) for s in shifts] == [
        ("engineer1", 9, False),
        ("engineer3", 12, True),
        ("engineer1", 15, False),
    ]


def test_shifts_between_with_gaps_tiles_the_period(schedule, primary):
    shifts = shifts_between(
        schedule=schedule, start=seoul(2025, 1, 6), end=seoul(2025, 1, 8), include_gaps=True
    )
    assert shifts[0].is_gap
    assert shifts[0].end == seoul(2025, 1, 6, 9)
    assert sum((s.duration for s in shifts), timedelta()) == timedelta(days=2)


def test_a_lookup_costs_one_query_once_the_plan_is_known(schedule, primary):
    oncall_at(schedule=schedule, at=seoul(2025, 1, 7))
    with CaptureQueriesContext(connection) as queries:
        oncall_at(schedule=schedule, at=seoul(2025, 1, 8))
        shifts_between(schedule=schedule, start=seoul(2025, 1, 1), end=seoul(2025, 2, 1))
    assert len(queries) == 2


def test_a_change_through_the_services_is_seen_at_once(schedule, engineers, primary):
    before = oncall_at(schedule=schedule, layer=primary, at=seoul(2025, 1, 7, 12))
    schedule.refresh_from_db()
    make_layer(schedule, engineers, name="Secondary")
    schedule.refresh_from_db()
    assert len(oncall_at(schedule=schedule, at=seoul(2025, 1, 7, 12))) == 2
    assert before.user == engineers[1]


def test_only_staff_see_schedules(schedule, customer_user_a, support_user, account_manager):
    assert list(schedule_list_for(customer_user_a)) == []
    assert list(schedule_list_for(support_user)) == [schedule]
    assert list(schedule_list_for(account_manager)) == [schedule]


def test_pages_received_are_sent_incident_pages_one_per_step(engineers):
    first, second = seoul(2025, 1, 7, 23, 30), seoul(2025, 1, 7, 23, 45)
    make_page(engineers[0], incident_id=1, at=first, channel="email")
    make_page(engineers[0], incident_id=1, at=first + TICK, channel="sms")  # same step
    make_page(engineers[0], incident_id=1, step=1, at=second)  # the next step pages again
    make_page(engineers[0], incident_id=2, at=seoul(2025, 2, 1))  # outside the window
    make_page(engineers[1], incident_id=1, at=first)
    assert pages_received_by(engineers[0], seoul(2025, 1, 1), seoul(2025, 2, 1)) == [
        first,
        second,
    ]
    assert pages_received_by(engineers[1], seoul(2025, 1, 1), seoul(2025, 2, 1)) == [first]
    assert pages_received_by(engineers[2], seoul(2025, 1, 1), seoul(2025, 2, 1)) == []


@pytest.mark.parametrize("status", [Delivery.Status.FAILED, Delivery.Status.DEAD])
def test_pages_received_ignore_other_topics_and_unsent_pages(engineers, status):
    at = seoul(2025, 1, 7, 12)
    make_page(engineers[0], incident_id=1, at=at, topic="oncall.notice")
    make_page(engineers[0], incident_id=2, at=at, status=status)
    make_page(engineers[0], incident_id=3, at=at, status=Delivery.Status.PENDING)
    assert pages_received_by(engineers[0], seoul(2025, 1, 1), seoul(2025, 2, 1)) == []


# --- property: the database-backed list and lookup agree ------------------------------------

minutes = st.integers(min_value=0, max_value=10 * 24 * 60)
override_specs = st.lists(
    st.tuples(st.integers(0, 2), minutes, st.integers(1, 3 * 24 * 60)), max_size=4
)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=override_specs, offset=minutes, length=st.integers(1, 6 * 24 * 60))
def test_shift_list_agrees_with_the_lookup(schedule, engineers, primary, specs, offset, length):
    base = seoul(2025, 1, 4)
    start = base + timedelta(minutes=offset)
    end = start + timedelta(minutes=length)
    with transaction.atomic():
        for who, begin, span in specs:
            at = base + timedelta(minutes=begin)
            make_override(primary, engineers[who], at, at + timedelta(minutes=span))
        shifts = shifts_between(schedule=schedule, start=start, end=end, include_gaps=True)
        assert shifts[0].start == start
        assert shifts[-1].end == end
        assert all(a.end == b.start for a, b in itertools.pairwise(shifts))
        for shift in shifts:
            for moment in (shift.start, shift.end - TICK):
                found = oncall_at(schedule=schedule, layer=primary, at=moment)
                assert (found.user, found.override_id) == (shift.user, shift.override_id)
                assert max(found.since or start, start) == shift.start
                assert min(found.until or end, end) == shift.end
        transaction.set_rollback(True)


def test_a_renamed_schedule_is_not_served_from_an_old_plan(schedule, primary):
    oncall_at(schedule=schedule, at=seoul(2025, 1, 7))
    schedule_update(schedule=schedule, name="Renamed", actor=None)
    answer = oncall_at(schedule=schedule, at=seoul(2025, 1, 7))[0]
    assert answer.layer.schedule.name == "Renamed"
