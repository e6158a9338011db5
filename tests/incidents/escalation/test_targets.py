"""Schedule-layer targets: the on-call person, and falling through when nobody is on call."""

from datetime import date

import pytest

from core.notifications.models import Delivery
from tests.incidents.escalation.conftest import make_policy
from tests.incidents.factories import IncidentFactory
from tests.oncall.factories import ScheduleFactory, make_layer

pytestmark = pytest.mark.django_db


def paged(incident) -> list[str]:
    rows = Delivery.objects.filter(topic="incident.page", object_id=incident.pk)
    return sorted(rows.values_list("recipient_label", flat=True))


@pytest.fixture
def schedule(engineers):
    schedule = ScheduleFactory(name="Hotline")
    # Daily 09:00 handoffs from Monday 2025-01-06: on 2026-03-10 10:00 it is one of the three.
    make_layer(schedule, engineers, name="Primary", position=1)
    return schedule


def test_the_layers_on_call_person_is_paged(schedule, customer_a, clock, sweep):
    make_policy([(0, ["email"], [{"kind": "layer", "schedule": schedule, "layer_position": 1}])])
    incident = IncidentFactory(customer=customer_a)
    sweep(0)
    assert len(paged(incident)) == 1


def test_nobody_on_call_falls_through_to_the_next_layer(schedule, engineers, customer_a, sweep):
    # Layer 2's rotation starts next year: nobody is on it now. Layer 3 has pager3 all along.
    make_layer(schedule, engineers[:1], name="Secondary", position=2, start_date=date(2027, 1, 4))
    make_layer(schedule, engineers[2:], name="L3", position=3)
    make_policy([(0, ["email"], [{"kind": "layer", "schedule": schedule, "layer_position": 2}])])
    incident = IncidentFactory(customer=customer_a)
    sweep(0)
    assert paged(incident) == ["P3"]
    entry = incident.timeline.get(kind="escalation")
    assert "Secondary" in entry.text  # the empty layer is named on the timeline


def test_without_fall_through_an_empty_layer_pages_nobody(schedule, engineers, customer_a, sweep):
    make_layer(schedule, engineers[:1], name="Secondary", position=2, start_date=date(2027, 1, 4))
    target = {"kind": "layer", "schedule": schedule, "layer_position": 2, "fall_through": False}
    make_policy([(0, ["email"], [target])])
    incident = IncidentFactory(customer=customer_a)
    sweep(0)
    assert paged(incident) == []
    text = incident.timeline.get(kind="escalation").text.splitlines()[0]
    assert text in (
        "Escalation step 1: nobody could be paged.",
        "에스컬레이션 1단계: 호출할 수 있는 사람이 없습니다.",
    )


def test_default_policy_of_the_design_exists():
    from incidents.escalation.models import EscalationPolicy

    policy = EscalationPolicy.objects.get(is_default=True)
    steps = [(s.position, int(s.delay.total_seconds() // 60)) for s in policy.steps.all()]
    assert steps == [(1, 0), (2, 15), (3, 60), (4, 120)]
    kinds = [sorted(t.kind for t in s.targets.all()) for s in policy.steps.all()]
    assert kinds == [["layer"], ["layer", "layer"], ["layer"], ["account_manager", "group"]]
    assert policy.sev1_start_step == 2
