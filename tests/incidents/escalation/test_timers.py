"""Response SLO timers and escalation steps, swept on a frozen clock."""

from datetime import timedelta

import pytest
from django.core import mail

from core.notifications.models import Delivery
from core.people import person_name
from incidents.escalation.models import IncidentEscalation, SloTimer, Timer
from incidents.escalation.selectors import escalation_overview
from incidents.models import Incident, Severity, SloState, TimelineEntry
from incidents.services import incident_acknowledge, incident_cancel, incident_update
from oncall.models import NotificationProfile
from tests.incidents.escalation.conftest import REPORTED, make_policy
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def pages(incident: Incident) -> list[tuple[int, str, str]]:
    rows = Delivery.objects.filter(topic="incident.page", object_id=incident.pk).order_by("id")
    return [(d.data["step"], d.recipient_label, d.channel) for d in rows]


def test_intake_starts_the_response_clock_with_warnings_and_breach(incident):
    slo = SloTimer.objects.get(incident=incident, kind="response")
    assert (slo.state, slo.started_at, slo.due_at) == (
        "running",
        REPORTED,
        incident.response_due_at,
    )
    checkpoints = Timer.objects.filter(incident=incident, slo_kind="response").order_by("due_at")
    assert [(t.kind, t.step, t.due_at - REPORTED) for t in checkpoints] == [
        ("slo_warning", 50, timedelta(hours=1)),
        ("slo_warning", 75, timedelta(minutes=90)),
        ("slo_breach", 0, timedelta(hours=2)),
    ]


def test_intake_copies_the_policy_onto_the_incident(incident, policy):
    escalation = IncidentEscalation.objects.get(incident=incident)
    assert escalation.policy_name == policy.name
    assert [(s["position"], s["delay"]) for s in escalation.plan] == [(1, 0), (2, 900), (3, 3600)]
    steps = Timer.objects.filter(incident=incident, kind="escalation").order_by("step")
    assert [t.due_at - REPORTED for t in steps] == [
        timedelta(0),
        timedelta(minutes=15),
        timedelta(hours=1),
    ]


def test_steps_page_in_order_as_they_come_due(incident, sweep, engineers):
    NotificationProfile.objects.create(
        user=engineers[1], phone="+82 10 1234 5678", notify_by_sms=True
    )
    sweep(0)
    assert pages(incident) == [(0, "P1", "email")]
    sweep(14)
    assert len(pages(incident)) == 1
    sweep(15)
    assert pages(incident)[1:] == [(1, "P2", "email"), (1, "P2", "sms")]
    sweep(60)
    assert pages(incident)[3:] == [(2, "P3", "email")]
    assert Delivery.objects.filter(status="sent").count() == 4


def test_a_page_is_an_email_with_key_deadline_and_ack_link(incident, sweep):
    sweep(0)
    [message] = mail.outbox
    assert message.to == ["p1@x.io"]
    assert incident.key in message.subject
    assert "/ack/" in message.body
    assert incident.summary in message.body
    assert "2026-03-10 12:00" in message.body  # the response deadline, in Seoul time


def test_each_step_and_delivery_is_on_the_timeline(incident, sweep):
    sweep(0)
    kinds = list(
        TimelineEntry.objects.filter(incident=incident)
        .exclude(kind__in=["created", "entitlement"])
        .values_list("kind", flat=True)
    )
    assert kinds == ["escalation", "notification"]


def test_sweeping_twice_pages_once(incident, sweep):
    sweep(0)
    sweep(0)
    assert len(pages(incident)) == 1


def test_acknowledge_cancels_what_is_pending(incident, sweep, engineers):
    sweep(0)
    incident_acknowledge(incident=incident, actor=engineers[0])
    sweep(180)
    assert len(pages(incident)) == 1
    states = set(Timer.objects.filter(incident=incident).values_list("kind", "state"))
    assert ("escalation", "pending") not in states
    assert not Timer.objects.filter(incident=incident, state="pending").exists()
    assert SloTimer.objects.get(incident=incident).state == "met"
    assert IncidentEscalation.objects.get(incident=incident).state == "stopped"


def test_acknowledge_withdraws_pages_not_yet_sent(incident, clock, engineers):
    from incidents.escalation.sweep import timers_sweep

    timers_sweep()  # on-commit work is not run: the page stays pending
    incident_acknowledge(incident=incident, actor=engineers[0])
    assert Delivery.objects.get(object_id=incident.pk).status == "cancelled"


def test_unacknowledged_past_the_target_is_breached_with_its_time(incident, sweep, engineers):
    sweep(121)
    slo = SloTimer.objects.get(incident=incident)
    assert (slo.state, slo.breached_at) == ("breached", incident.response_due_at)
    assert incident.slo_state(REPORTED + timedelta(minutes=121)) == SloState.BREACHED
    incident_acknowledge(incident=incident, actor=engineers[0])
    slo.refresh_from_db()
    assert slo.state == "breached"
    assert slo.stopped_at is not None


def test_warnings_at_half_and_three_quarters_of_the_target(incident, sweep):
    sweep(59)
    sweep(60)
    sweep(90)
    warnings = TimelineEntry.objects.filter(incident=incident, kind="slo").order_by("at")
    assert [e.data["percent"] for e in warnings] == [50, 75]
    assert [e.at - REPORTED for e in warnings] == [timedelta(hours=1), timedelta(minutes=90)]


def test_acknowledged_within_the_target_is_met(incident, clock, engineers):
    clock.move_to(REPORTED + timedelta(minutes=30))
    incident_acknowledge(incident=incident, actor=engineers[0])
    assert SloTimer.objects.get(incident=incident).state == "met"


def test_cancel_stops_the_clock_without_a_verdict(incident, sweep, engineers):
    incident_cancel(incident=incident, actor=engineers[0], reason="duplicate")
    sweep(200)
    assert SloTimer.objects.get(incident=incident).state == "cancelled"
    assert pages(incident) == []


def test_editing_the_policy_later_does_not_change_a_live_escalation(incident, policy, sweep):
    step = policy.steps.get(position=2)
    step.delay = timedelta(minutes=1)
    step.save()
    sweep(5)
    assert len(pages(incident)) == 1  # still 15 minutes for this incident


def test_severity_1_starts_at_the_given_step_at_once(engineers, customer_a, clock, sweep):
    one, two, _three = engineers
    make_policy(
        [
            (0, ["email"], [{"kind": "user", "user": one}]),
            (15, ["email"], [{"kind": "user", "user": two}]),
        ],
        name="Sev1 jumps",
        sev1_start_step=2,
    )
    incident = IncidentFactory(customer=customer_a, severity=Severity.CRITICAL)
    sweep(0)
    assert pages(incident) == [(1, "P2", "email")]
    assert escalation_overview(incident).rows[0].state == "skipped"


def test_repeat_runs_the_steps_again(engineers, customer_a, clock, sweep):
    make_policy(
        [(0, ["email"], [{"kind": "user", "user": engineers[0]}])],
        name="Repeat",
        repeat_count=2,
        repeat_interval=timedelta(minutes=10),
    )
    incident = IncidentFactory(customer=customer_a)
    for minutes in (0, 10, 20):
        sweep(minutes)
    assert [p[0] for p in pages(incident)] == [0, 1, 2]


def test_group_and_account_manager_targets(engineers, customer_a, account_manager, clock, sweep):
    contract = customer_a.contracts.get()
    contract.account_manager = account_manager
    contract.save()
    make_policy(
        [
            (
                0,
                ["email"],
                [
                    {"kind": "group", "group": engineers[0].groups.get()},
                    {"kind": "account_manager"},
                ],
            )
        ],
        name="Wide",
    )
    incident = IncidentFactory(customer=customer_a)
    sweep(0)
    names = {label for _step, label, _channel in pages(incident)}
    assert {"P1", "P2", "P3", person_name(account_manager)} <= names


def test_severity_change_moves_the_response_clock(incident, clock, engineers):
    clock.move_to(REPORTED + timedelta(minutes=5))
    incident_update(incident=incident, actor=engineers[0], data={"severity": Severity.LOW})
    incident.refresh_from_db()
    slo = SloTimer.objects.get(incident=incident)
    assert slo.due_at == incident.response_due_at
    breach = Timer.objects.get(incident=incident, kind="slo_breach")
    assert breach.due_at == incident.response_due_at


def test_plan_shows_steps_done_and_the_next_one(incident, sweep):
    sweep(0)
    overview = escalation_overview(incident)
    assert overview.steps_done == 1
    assert overview.next_row.index == 1
    assert overview.next_row.due_at == REPORTED + timedelta(minutes=15)
    assert [row.state for row in overview.rows] == ["done", "pending", "waiting"]


def test_api_shows_the_slo_state_and_breach_time(incident, sweep, api_client, support_user):
    api_client.force_authenticate(support_user)
    running = api_client.get(f"/api/v1/incidents/{incident.key}/").json()
    assert (running["slo_state"], running["slo_breached_at"]) == ("running", None)
    sweep(125)
    breached = api_client.get("/api/v1/incidents/", {"slo_state": "breached"}).json()["results"]
    assert [row["key"] for row in breached] == [incident.key]
    assert breached[0]["slo_breached_at"].startswith("2026-03-10T12:00:00")
