"""Post-mortem fixtures: a frozen clock, a severity-2 incident of Acme resolved at a known time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import Severity
from tests.incidents.factories import IncidentFactory
from tests.postmortems.factories import resolved_postmortem

SEOUL = ZoneInfo("Asia/Seoul")
REPORTED = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)  # a Monday
RESOLVED = REPORTED + timedelta(hours=2)
DUE = RESOLVED + timedelta(hours=72)


@pytest.fixture
def clock():
    """Freeze time at REPORTED; tests move it with ``clock.move_to``."""
    with time_machine.travel(REPORTED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sev2_incident(customer_a, customer_user_a, clock):
    return IncidentFactory(
        customer=customer_a,
        reporter=customer_user_a,
        actor=customer_user_a,
        summary="Acme checkout is down",
        severity=Severity.HIGH,
    )


@pytest.fixture
def draft(sev2_incident, support_user, clock):
    """The draft post-mortem of the incident, resolved at RESOLVED by the support engineer."""
    clock.move_to(RESOLVED)
    return resolved_postmortem(sev2_incident, support_user)
