"""Intake checks entitlement: no active contract is accepted, flagged for the account manager."""

from datetime import UTC, datetime

import pytest

from incidents.models import TimelineEntry
from incidents.selectors import incident_list_without_contract
from tests.incidents.factories import IncidentFactory
from tests.retainer.factories import ContractFactory, CustomerFactory


@pytest.fixture(autouse=True)
def _inside_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 1, 0, tzinfo=UTC), tick=False)


def test_incident_without_active_contract_is_accepted_and_flagged(db, support_user):
    customer = CustomerFactory()
    ContractFactory(customer=customer, status="ended")

    incident = IncidentFactory(customer=customer)

    assert incident.contract is None
    flag = incident.timeline.get(kind=TimelineEntry.Kind.ENTITLEMENT)
    assert flag.visibility == TimelineEntry.Visibility.INTERNAL
    assert flag.data == {"flag": "no_active_contract"}
    assert list(incident_list_without_contract(support_user)) == [incident]


def test_incident_under_contract_is_not_flagged(db, support_user, customer_a):
    incident = IncidentFactory(customer=customer_a)

    assert incident.contract is not None
    assert not incident.timeline.filter(kind=TimelineEntry.Kind.ENTITLEMENT).exists()
    assert list(incident_list_without_contract(support_user)) == []
