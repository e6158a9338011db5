"""Golden numbers for "post-mortems delivered on time" in the monthly M/M report.

The report reads each incident's post-mortem clock (``SloTimer`` of kind postmortem): due 72 h
after resolution, stopped "met" when the post-mortem is published by then. Due in a month =
clocks due in that month that are decided (published, or overdue and unpublished = late).
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from incidents.escalation.services import postmortem_timer_stop
from incidents.models import Severity, SloTimer, Status
from postmortems.models import PostMortem
from retainer.reports.detail import monthly_report
from retainer.reports.monthly import monthly_overview
from tests.incidents.factories import STEP, incident_in_status
from tests.retainer.conftest import seoul

MARCH = date(2026, 3, 1)
RESOLVE_AFTER = 2 * STEP  # incident_in_status: acknowledge, then resolve, 10 minutes apart


def _resolved(contract, engineer, resolved_at, severity=Severity.HIGH):
    return incident_in_status(
        Status.RESOLVED,
        actor=engineer,
        reported_at=resolved_at - RESOLVE_AFTER,
        customer=contract.customer,
        severity=severity,
    )


def _publish(incident, at):
    """Record the post-mortem's publication at ``at``: what publishing does to its SLO clock.

    (The post-mortem review workflow before publication belongs to the post-mortems app.)
    """
    assert PostMortem.objects.filter(incident=incident).exists()  # opened at resolution
    postmortem_timer_stop(incident=incident, now=at)


@pytest.fixture
def march(contract, engineer, clock):
    """Six incidents around March 2026 (Seoul); due = resolution + 72 h.

    feb  sev 2 resolved 27 Feb 20:00, due  2 Mar 20:00, published  2 Mar 09:00  on time
    a    sev 2 resolved  2 Mar 10:00, due  5 Mar 10:00, published  4 Mar 09:00  on time
    b    sev 1 resolved  5 Mar 10:00, due  8 Mar 10:00, published  9 Mar 09:00  late
    c    sev 2 resolved 20 Mar 10:00, due 23 Mar 10:00, never published         late
    d    sev 2 resolved 30 Mar 12:00, due  2 Apr 12:00                          April's
    e    sev 3 resolved 12 Mar: no post-mortem needed under the "severity 1-2" policy
    """
    clock.move_to(seoul(2026, 2, 27, 19, 0))
    feb = _resolved(contract, engineer, seoul(2026, 2, 27, 20, 0))
    _publish(feb, seoul(2026, 3, 2, 9, 0))
    a = _resolved(contract, engineer, seoul(2026, 3, 2, 10, 0))
    _publish(a, seoul(2026, 3, 4, 9, 0))
    b = _resolved(contract, engineer, seoul(2026, 3, 5, 10, 0), severity=Severity.CRITICAL)
    _publish(b, seoul(2026, 3, 9, 9, 0))
    c = _resolved(contract, engineer, seoul(2026, 3, 20, 10, 0))
    _resolved(contract, engineer, seoul(2026, 3, 30, 12, 0))
    _resolved(contract, engineer, seoul(2026, 3, 12, 10, 0), severity=Severity.MEDIUM)
    return {"feb": feb, "a": a, "b": b, "c": c}


def _postmortems(contract, month=MARCH):
    report = monthly_report(contract=contract, month=month)
    stats = report.incidents
    return stats.postmortems_on_time, stats.postmortems_due, report.postmortems_on_time


def test_the_clocks_record_delivery_against_the_due_time(march):
    states = {
        name: SloTimer.objects.get(incident=incident, kind="postmortem").state
        for name, incident in march.items()
    }
    assert states == {"feb": "met", "a": "met", "b": "breached", "c": "running"}
    due = SloTimer.objects.get(incident=march["a"], kind="postmortem").due_at
    assert due == march["a"].resolved_at + timedelta(hours=72)


def test_after_the_month_two_of_four_were_on_time(march, contract, clock):
    clock.move_to(seoul(2026, 4, 1, 9, 0))

    assert _postmortems(contract) == (2, 4, D("50.0"))


def test_a_clock_not_yet_due_is_not_counted(march, contract, clock):
    clock.move_to(seoul(2026, 3, 21, 9, 0))  # c is due on the 23rd and may still be on time

    assert _postmortems(contract) == (2, 3, D("66.7"))


def test_april_counts_the_one_due_in_april(march, contract, clock):
    clock.move_to(seoul(2026, 5, 1, 9, 0))

    assert _postmortems(contract, date(2026, 4, 1)) == (0, 1, D("0.0"))


def test_the_overview_counts_the_same(march, contract, clock):
    clock.move_to(seoul(2026, 4, 1, 9, 0))
    (row,) = monthly_overview(month=MARCH)

    assert (row.incidents.postmortems_on_time, row.incidents.postmortems_due) == (2, 4)


def test_no_post_mortem_due_shows_no_figure(contract, clock):
    assert _postmortems(contract) == (0, 0, None)
