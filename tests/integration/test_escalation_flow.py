"""End to end on a real worker, beat, Redis and PostgreSQL with a compressed policy.

Steps page at 0 s, 2 s and 4 s after reporting; the sweep runs every second.
"""

from datetime import timedelta

import pytest

from core import clock
from core.notifications.models import Delivery
from incidents.escalation.models import SloTimer, Timer
from incidents.models import TimelineEntry
from incidents.services import incident_acknowledge
from tests.incidents.factories import IncidentFactory
from tests.integration.cluster import wait_for
from tests.integration.conftest import STEP_SECONDS, all_settled, expected_keys, page_keys

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def test_pages_go_out_at_each_step_in_order(cluster, policy, engineers, customer_a):
    incident = IncidentFactory(customer=customer_a)
    wait_for(lambda: all_settled([incident.pk]), 90, "the three steps did not page")
    steps = list(enumerate(user.pk for user in engineers))
    assert sorted(page_keys([incident.pk])) == sorted(expected_keys(incident, steps))
    pages = Delivery.objects.filter(object_id=incident.pk).order_by("id")
    assert {d.status for d in pages} == {"sent"}
    fired = Timer.objects.filter(incident=incident, kind="escalation").order_by("fired_at")
    assert [t.step for t in fired] == [0, 1, 2]
    for timer, seconds in zip(fired, STEP_SECONDS, strict=True):
        assert timer.fired_at >= incident.reported_at + timedelta(seconds=seconds)
    first_page_of_step = [
        min(d.created_at for d in pages if d.data["step"] == step) for step in (0, 1, 2)
    ]
    assert first_page_of_step == sorted(first_page_of_step)
    kinds = set(TimelineEntry.objects.filter(incident=incident).values_list("kind", flat=True))
    assert {"escalation", "notification"} <= kinds


def test_acknowledgement_stops_the_rest(cluster, policy, engineers, customer_a):
    incident = IncidentFactory(customer=customer_a)
    wait_for(lambda: len(page_keys([incident.pk])) >= 2, 60, "step 1 did not page")
    incident_acknowledge(incident=incident, actor=engineers[0])
    incident.refresh_from_db()
    wait_for(lambda: clock.now() > incident.reported_at + timedelta(seconds=8), 30)
    wait_for(lambda: all_settled([incident.pk]), 30)
    fired = {
        t.step for t in Timer.objects.filter(incident=incident, kind="escalation", state="done")
    }
    # A step pages only if the sweep claimed it before the acknowledgement committed.
    late = incident.acknowledged_at + timedelta(seconds=1)
    for step, seconds in enumerate(STEP_SECONDS):
        if incident.reported_at + timedelta(seconds=seconds) > late:
            assert step not in fired
    assert {int(key.split(":")[3]) for key in page_keys([incident.pk])} == fired
    ack = incident.timeline.get(kind="status", data__transition="acknowledge")
    assert not incident.timeline.filter(kind="escalation", id__gt=ack.id).exists()
    assert SloTimer.objects.get(incident=incident, kind="response").state == "met"


def test_response_slo_is_met_or_breached(cluster, policy, engineers, customer_a):
    # Reported 2 hours minus 6 seconds ago: the response target runs out in 6 seconds.
    reported = clock.now() - timedelta(hours=2) + timedelta(seconds=6)
    met = IncidentFactory(customer=customer_a, now=reported)
    breached = IncidentFactory(customer=customer_a, now=reported)
    incident_acknowledge(incident=met, actor=engineers[0])

    def breach_recorded() -> bool:
        return SloTimer.objects.filter(incident=breached, state="breached").exists()

    wait_for(breach_recorded, 60, "the breach was not swept")
    slo = SloTimer.objects.get(incident=breached)
    assert slo.breached_at == breached.response_due_at
    assert SloTimer.objects.get(incident=met).state == "met"
    assert breached.timeline.filter(kind="slo", data__event="slo_breach").count() == 1
