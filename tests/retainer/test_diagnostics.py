"""Regular diagnostics: the milestone plan from the on-site dates, and reminders before each."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from retainer.models import DiagnosticEngagement, Milestone
from retainer.services.diagnostics import (
    engagement_create,
    engagement_update,
    milestone_plan,
    milestone_remind,
    milestones_due_for_reminder,
)
from tests.retainer.conftest import seoul


def test_milestone_plan_from_the_onsite_dates():
    plan = milestone_plan(date(2026, 4, 6), date(2026, 4, 10))

    assert plan == {
        "plan": date(2026, 3, 6),  # one month before on-site
        "materials": date(2026, 3, 23),  # two weeks before
        "onsite": date(2026, 4, 10),
        "report": date(2026, 4, 17),  # one week after on-site ends
        "follow_up": date(2026, 5, 15),
    }


def test_month_before_clamps_to_the_end_of_february():
    assert milestone_plan(date(2026, 3, 31), date(2026, 4, 3))["plan"] == date(2026, 2, 28)


@pytest.fixture
def engagement(contract, engineer):
    return engagement_create(
        actor=engineer,
        contract=contract,
        title="DB review",
        lead=engineer,
        onsite_starts_on=date(2026, 4, 6),
        onsite_ends_on=date(2026, 4, 10),
    )


def test_engagement_creates_its_milestones(engagement):
    assert list(engagement.milestones.values_list("kind", "due_on")) == [
        ("plan", date(2026, 3, 6)),
        ("materials", date(2026, 3, 23)),
        ("onsite", date(2026, 4, 10)),
        ("report", date(2026, 4, 17)),
        ("follow_up", date(2026, 5, 15)),
    ]


def test_onsite_longer_than_two_weeks_is_refused(contract, engineer):
    with pytest.raises(ValidationError):
        engagement_create(
            actor=engineer,
            contract=contract,
            title="Too long",
            onsite_starts_on=date(2026, 4, 1),
            onsite_ends_on=date(2026, 4, 30),
        )


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (date(1, 1, 3), date(1, 1, 5), "onsite_starts_on"),
        (date(9999, 12, 25), date(9999, 12, 29), "onsite_starts_on"),
        (date(2026, 4, 6), date(9999, 12, 31), "onsite_ends_on"),
    ],
)
def test_onsite_dates_outside_the_window_are_refused(contract, engineer, starts, ends, field):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        engagement_create(
            actor=engineer,
            contract=contract,
            title="Typo",
            onsite_starts_on=starts,
            onsite_ends_on=ends,
        )

    assert error.value.message_dict[field] == ["Give a date from Jan. 1, 2000 to Dec. 31, 2099."]
    assert not DiagnosticEngagement.objects.exists()


def test_an_onsite_end_before_the_start_is_a_field_error(contract, engineer):
    with translation.override("ko"), pytest.raises(ValidationError) as error:
        engagement_create(
            actor=engineer,
            contract=contract,
            title="Backwards",
            onsite_starts_on=date(2026, 4, 10),
            onsite_ends_on=date(2026, 4, 6),
        )

    assert error.value.message_dict == {
        "onsite_ends_on": ["종료일은 시작일과 같거나 그 이후여야 합니다."]
    }


def test_moving_the_dates_outside_the_window_is_refused(engagement, engineer):
    with pytest.raises(ValidationError) as error:
        engagement_update(
            engagement=engagement, actor=engineer, data={"report_delivered_on": date(1, 1, 1)}
        )

    assert "report_delivered_on" in error.value.message_dict
    engagement.refresh_from_db()
    assert engagement.report_delivered_on is None


def test_moving_the_dates_moves_the_milestones(engagement, engineer):
    engagement_update(
        engagement=engagement,
        actor=engineer,
        data={"onsite_starts_on": date(2026, 5, 4), "onsite_ends_on": date(2026, 5, 8)},
    )
    report = engagement.milestones.get(kind=Milestone.Kind.REPORT)
    assert report.due_on == date(2026, 5, 15)


def test_delivering_the_report_marks_it_done(engagement, engineer):
    engagement_update(
        engagement=engagement, actor=engineer, data={"report_delivered_on": date(2026, 4, 15)}
    )
    engagement.refresh_from_db()
    assert engagement.status == "reported"
    assert engagement.milestones.get(kind="report").done_on == date(2026, 4, 15)


def test_reminders_go_once_three_days_ahead(engagement, manager, clock):
    now = seoul(2026, 3, 20, 9, 0)  # materials due 3/23
    due = list(milestones_due_for_reminder(now=now))
    assert [m.kind for m in due] == ["materials"]

    assert milestone_remind(milestone=due[0], now=now) is True
    assert milestone_remind(milestone=due[0], now=now) is False
    assert list(milestones_due_for_reminder(now=now)) == []
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["eng1@example.com", "mgr1@example.com"]
