"""A response breach, once it happened, stays on the record; only engineers start the analysis.

Found by a review against DESIGN ("met or breached is recorded for every incident"): cancelling
a breached incident, or lowering its severity after the breach, used to erase the breach; and
the acknowledge link of a late escalation step let an account manager "start the analysis".
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from core.notifications.models import Delivery
from incidents.escalation.acklinks import AckLinkError, ack_link_use, ack_token
from incidents.escalation.models import SloKind, SloTimer
from incidents.models import CancelReason, Status
from incidents.selectors import incident_month_stats
from incidents.services import incident_acknowledge, incident_cancel, incident_update
from retainer.models import Contract
from tests.incidents.escalation.conftest import REPORTED, make_policy
from tests.incidents.factories import IncidentFactory
from tests.retainer.factories import AccountManagerFactory

pytestmark = pytest.mark.django_db
SloState = SloTimer.State


def _response(incident) -> SloTimer:
    return SloTimer.objects.get(incident=incident, kind=SloKind.RESPONSE)


def test_cancelling_before_the_due_time_is_not_counted(incident, sweep, support_user):
    sweep(30)
    incident_cancel(incident=incident, actor=support_user, reason=CancelReason.DUPLICATE)
    assert _response(incident).state == SloState.CANCELLED


def test_cancelling_after_the_breach_keeps_the_breach(incident, sweep, support_user):
    sweep(180)  # severity 2: due after 120 minutes
    assert _response(incident).state == SloState.BREACHED
    incident_cancel(incident=incident, actor=support_user, reason=CancelReason.NOT_COVERED)
    slo = _response(incident)
    assert (slo.state, slo.breached_at) == (SloState.BREACHED, slo.due_at)


def test_cancelling_past_the_due_time_before_the_sweep_is_a_breach(incident, clock, support_user):
    clock.move_to(incident.reported_at + timedelta(minutes=121))  # the sweep has not run
    incident_cancel(incident=incident, actor=support_user, reason=CancelReason.DUPLICATE)
    assert _response(incident).state == SloState.BREACHED


def test_lowering_the_severity_after_the_breach_keeps_the_breach(incident, sweep, support_user):
    sweep(150)
    incident_update(incident=incident, actor=support_user, data={"severity": 4})
    incident_acknowledge(incident=incident, actor=support_user)
    assert _response(incident).state == SloState.BREACHED


def test_lowering_the_severity_in_time_moves_the_deadline(incident, sweep, support_user):
    sweep(30)
    before = _response(incident).due_at
    incident_update(incident=incident, actor=support_user, data={"severity": 4})
    incident.refresh_from_db()
    assert _response(incident).due_at == incident.response_due_at
    assert _response(incident).state == SloState.RUNNING
    assert incident.response_due_at >= before


def test_an_account_manager_cannot_start_the_analysis(incident, clock):
    manager = AccountManagerFactory(username="am9")
    with pytest.raises(ValidationError) as refused:
        incident_acknowledge(incident=incident, actor=manager)
    assert refused.value.code == "not_an_engineer"
    incident.refresh_from_db()
    assert incident.status == Status.NEW
    assert _response(incident).state == SloState.RUNNING


def test_a_page_to_an_account_manager_carries_no_acknowledge_link(customer_a, clock, sweep):
    manager = AccountManagerFactory(username="am9", email="am9@example.com")
    make_policy([(0, ["email"], [{"kind": "user", "user": manager}])])
    incident = IncidentFactory(customer=customer_a, severity=2)
    sweep(1)
    page = Delivery.objects.get(object_id=incident.pk, recipient=manager)
    assert page.link_nonce == ""
    assert "/ack/" not in page.body


def test_an_old_link_of_an_account_manager_does_not_acknowledge(incident, sweep):
    sweep(1)
    page = Delivery.objects.filter(object_id=incident.pk).exclude(link_nonce="").first()
    manager = AccountManagerFactory(username="am9")
    Delivery.objects.filter(pk=page.pk).update(recipient=manager)  # a link made before the fix
    with pytest.raises(AckLinkError):
        ack_link_use(token=ack_token(page.link_nonce))
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def _month_stats(contract):
    start = REPORTED.replace(day=1, hour=0)
    end = start + timedelta(days=31)
    return incident_month_stats(contract_ids=[contract.pk], start=start, end=end)[contract.pk]


def test_the_report_counts_a_breach_whose_severity_was_lowered_later(
    customer_a, clock, sweep, support_user, policy
):
    contract = Contract.objects.get(customer=customer_a)
    contract.response_minutes_sev1 = 60
    contract.save()
    incident = IncidentFactory(customer=customer_a, severity=1)
    sweep(70)
    incident_update(incident=incident, actor=support_user, data={"severity": 3})
    sweep(80)
    incident_acknowledge(incident=incident, actor=support_user)
    assert _response(incident).state == SloState.BREACHED
    stats = _month_stats(contract)
    assert (stats.slo_met, stats.slo_total) == (0, 1)


def test_the_report_counts_a_cancellation_after_the_deadline_as_a_breach(
    customer_a, clock, sweep, support_user, policy
):
    contract = Contract.objects.get(customer=customer_a)
    late = IncidentFactory(customer=customer_a, severity=2)
    sweep(180)
    incident_cancel(incident=late, actor=support_user, reason=CancelReason.DUPLICATE)
    early = IncidentFactory(customer=customer_a, severity=2)
    incident_cancel(incident=early, actor=support_user, reason=CancelReason.DUPLICATE)
    stats = _month_stats(contract)
    assert (stats.slo_met, stats.slo_total) == (0, 1)  # the early cancellation is not counted
