"""Acknowledge versus sweep on real PostgreSQL row locks (two connections, no mocks).

Whichever commits first wins: an acknowledgement holding the incident row makes the sweep skip
the step (never wait, never page); a step claimed first pages, and the acknowledgement waiting
for the row then stops the rest. Neither order deadlocks.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from core.notifications.models import Delivery
from incidents.escalation import sweep
from incidents.escalation.models import Timer
from incidents.models import Incident
from incidents.services import incident_acknowledge
from tests.conftest import restore_reference_data
from tests.incidents.escalation.conftest import make_policy
from tests.incidents.factories import IncidentFactory
from tests.oncall.factories import EngineerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target) -> tuple[threading.Thread, list]:
    errors: list = []

    def run():
        try:
            target()
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Statistics views are a snapshot per transaction: take a fresh one each time.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Start from the migrations' reference rows (groups, policy) whatever ran before."""
    restore_reference_data()


@pytest.fixture
def setup(customer_a):
    engineer = EngineerFactory(username="racer", email="racer@x.io")
    make_policy(
        [
            (0, ["email"], [{"kind": "user", "user": engineer}]),
            (0.001, ["email"], [{"kind": "user", "user": engineer}]),
        ]
    )
    incident = IncidentFactory(customer=customer_a)
    return incident, engineer


def test_an_acknowledgement_holding_the_row_makes_the_sweep_skip(setup):
    incident, engineer = setup
    locked, release = threading.Event(), threading.Event()

    def acknowledge():
        with transaction.atomic():
            Incident.objects.select_for_update().get(pk=incident.pk)
            locked.set()
            release.wait(30)
            incident_acknowledge(incident=incident, actor=engineer)

    thread, errors = in_thread(acknowledge)
    assert locked.wait(30)
    assert sweep.timers_sweep() == 0  # skipped, not waited for
    release.set()
    thread.join(30)
    assert errors == []
    assert sweep.timers_sweep() == 0
    assert not Delivery.objects.filter(object_id=incident.pk).exists()
    assert set(Timer.objects.filter(incident=incident).values_list("state", flat=True)) == {
        "cancelled"
    }


def test_a_step_claimed_first_pages_and_the_waiting_acknowledgement_stops_the_rest(setup):
    incident, engineer = setup
    time.sleep(0.1)  # both steps are due
    with transaction.atomic():
        claimed = sweep._sweep_batch(sweep.clock.now(), 1)  # the first step, rows locked
        thread, errors = in_thread(lambda: incident_acknowledge(incident=incident, actor=engineer))
        wait_for(someone_waits_for_a_lock)
    thread.join(30)
    assert claimed == 1
    assert errors == []
    assert Delivery.objects.filter(object_id=incident.pk).count() == 1
    incident.refresh_from_db()
    assert incident.status == "acknowledged"
    step_states = dict(
        Timer.objects.filter(incident=incident, kind="escalation").values_list("step", "state")
    )
    assert step_states == {0: "done", 1: "cancelled"}
