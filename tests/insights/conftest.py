"""Insights fixtures: the clock on 2026-03-20 in Seoul and incidents with known times.

``known`` incidents of customer A (all times Seoul; response target 2 h):

| incident | reported | severity | acknowledged | resolved | impact / detected | SLO |
| --- | --- | --- | --- | --- | --- | --- |
| feb | 02-27 10:00 | 3 | +10 min | | | met |
| first | 03-01 00:30 (02-28 15:30 UTC) | 3 | +30 min | | | met |
| sev1 | 03-02 10:00 | 1 | +20 min | 12:00 | 09:30 / 09:50 | met |
| quick | 03-05 10:00 | 2 | +40 min | 11:00 | | met |
| waiting | 03-10 10:00 | 2 | no | | | breached (still new) |
| cancelled | 03-11 10:00 | 3 | no (cancelled) | | | not counted |
| late | 03-12 10:00 | 3 | +150 min | | | breached |

March: 5 incidents counted (the cancelled one is left out everywhere), MTTA (20+40+30+150)/4
= 60 min, MTTR (150+60)/2 = 105 min, TTD 20 min (one incident), SLO 3/5 = 60.0 %.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import CancelReason, Severity
from incidents.services import incident_transition
from tests.incidents.factories import IncidentFactory

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=SEOUL)


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_incident(
    customer, actor, reported, *, severity=Severity.MEDIUM, ack=None, resolve=None, **fields
):
    """Report an incident at ``reported``; acknowledge and resolve after the given minutes."""
    incident = IncidentFactory(customer=customer, severity=severity, now=reported, **fields)
    if ack is not None:
        incident_transition(
            incident=incident,
            name="acknowledge",
            actor=actor,
            now=reported + timedelta(minutes=ack),
        )
    if resolve is not None:
        incident_transition(incident=incident, name="resolve", actor=actor, now=resolve)
    return incident


@pytest.fixture
def known(clock, customer_a, support_user):
    a, who = customer_a, support_user
    found = {
        "feb": make_incident(a, who, seoul(2026, 2, 27, 10, 0), ack=10),
        "first": make_incident(a, who, seoul(2026, 3, 1, 0, 30), ack=30),
        "sev1": make_incident(
            a,
            who,
            seoul(2026, 3, 2, 10, 0),
            severity=Severity.CRITICAL,
            ack=20,
            resolve=seoul(2026, 3, 2, 12, 0),
            impact_started_at=seoul(2026, 3, 2, 9, 30),
            detected_at=seoul(2026, 3, 2, 9, 50),
        ),
        "quick": make_incident(
            a,
            who,
            seoul(2026, 3, 5, 10, 0),
            severity=Severity.HIGH,
            ack=40,
            resolve=seoul(2026, 3, 5, 11, 0),
        ),
        "waiting": make_incident(a, who, seoul(2026, 3, 10, 10, 0), severity=Severity.HIGH),
        "cancelled": make_incident(a, who, seoul(2026, 3, 11, 10, 0)),
        "late": make_incident(a, who, seoul(2026, 3, 12, 10, 0), ack=150),
    }
    incident_transition(
        incident=found["cancelled"],
        name="cancel",
        actor=who,
        reason=CancelReason.DUPLICATE,
        now=seoul(2026, 3, 11, 10, 5),
    )
    return found
