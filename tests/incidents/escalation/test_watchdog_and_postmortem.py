"""The sweeper watchdog, and the post-mortem SLO clock the post-mortem workflow will use."""

from datetime import timedelta

import pytest

from core.notifications.models import Delivery
from incidents.escalation.models import SloTimer, Timer
from incidents.escalation.services import postmortem_timer_start, postmortem_timer_stop
from incidents.escalation.sweep import timers_watchdog
from incidents.services import incident_acknowledge, incident_resolve
from tests.incidents.escalation.conftest import REPORTED
from tests.retainer.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_watchdog_is_quiet_while_timers_are_swept(incident, clock):
    clock.move_to(REPORTED + timedelta(seconds=60))  # step 1 overdue by less than the grace
    assert timers_watchdog() == 0
    assert not Delivery.objects.filter(topic="ops.watchdog").exists()


def test_watchdog_alerts_when_work_is_overdue(incident, clock, settings):
    settings.HOTLINE_OPS_EMAILS = ["ops@x.io"]
    UserFactory(username="root", email="root@x.io", is_superuser=True)
    clock.move_to(REPORTED + timedelta(minutes=20))
    assert timers_watchdog() == 2  # steps 1 and 2 were never swept
    assert timers_watchdog() == 2  # the same ten minutes: no second alert
    alerts = Delivery.objects.filter(topic="ops.watchdog")
    assert sorted(alerts.values_list("address", flat=True)) == ["ops@x.io", "root@x.io"]


def _resolved(incident, engineer, clock):
    incident_acknowledge(incident=incident, actor=engineer)
    clock.move_to(REPORTED + timedelta(hours=1))
    return incident_resolve(incident=incident, actor=engineer)


def test_postmortem_clock_is_due_72_hours_after_resolution(incident, engineers, clock):
    _resolved(incident, engineers[0], clock)
    slo = postmortem_timer_start(incident=incident)
    assert slo.due_at == incident.resolved_at + timedelta(hours=72)
    kinds = Timer.objects.filter(incident=incident, slo_kind="postmortem", state="pending")
    assert kinds.count() == 3  # 50 %, 75 %, breach


@pytest.mark.parametrize(("hours", "state"), [(71, "met"), (73, "breached")])
def test_postmortem_clock_stops_met_or_breached(incident, engineers, clock, hours, state):
    _resolved(incident, engineers[0], clock)
    postmortem_timer_start(incident=incident)
    clock.move_to(incident.resolved_at + timedelta(hours=hours))
    postmortem_timer_stop(incident=incident)
    assert SloTimer.objects.get(incident=incident, kind="postmortem").state == state
    assert not Timer.objects.filter(incident=incident, slo_kind="postmortem", state="pending")


def test_postmortem_breach_is_swept_even_after_acknowledgement(incident, engineers, clock, sweep):
    _resolved(incident, engineers[0], clock)
    postmortem_timer_start(incident=incident)
    sweep(60 + 72 * 60 + 1)
    slo = SloTimer.objects.get(incident=incident, kind="postmortem")
    assert (slo.state, slo.breached_at) == ("breached", slo.due_at)
