"""Escalation fixtures: a frozen clock, engineers, and a small default policy of user targets."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.escalation.models import EscalationPolicy, EscalationStep, EscalationTarget
from incidents.escalation.sweep import timers_sweep
from tests.incidents.factories import IncidentFactory
from tests.oncall.factories import EngineerFactory

SEOUL = ZoneInfo("Asia/Seoul")
REPORTED = datetime(2026, 3, 10, 10, 0, tzinfo=SEOUL)


@pytest.fixture
def clock():
    """Freeze time at 2026-03-10 10:00 Seoul; tests move it with ``clock.move_to``."""
    with time_machine.travel(REPORTED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def engineers(db):
    return [
        EngineerFactory(username=f"pager{n}", first_name=f"P{n}", last_name="", email=f"p{n}@x.io")
        for n in (1, 2, 3)
    ]


def make_policy(steps, *, name="Test policy", default=True, **fields) -> EscalationPolicy:
    """Create a policy from ``[(minutes, channels, [target kwargs, ...]), ...]``."""
    if default:
        for old in EscalationPolicy.objects.filter(is_default=True):
            old.is_default = False
            old.save()
    policy = EscalationPolicy.objects.create(name=name, is_default=default, **fields)
    for position, (minutes, channels, targets) in enumerate(steps, start=1):
        step = EscalationStep.objects.create(
            policy=policy, position=position, delay=timedelta(minutes=minutes), channels=channels
        )
        for target in targets:
            EscalationTarget.objects.create(step=step, **target)
    return policy


@pytest.fixture
def policy(engineers):
    """0 min: pager1 by e-mail; 15 min: pager2 by e-mail and SMS; 60 min: pager3."""
    one, two, three = engineers
    return make_policy(
        [
            (0, ["email"], [{"kind": "user", "user": one}]),
            (15, ["email", "sms"], [{"kind": "user", "user": two}]),
            (60, ["email"], [{"kind": "user", "user": three}]),
        ]
    )


@pytest.fixture
def incident(policy, customer_a, clock):
    return IncidentFactory(customer=customer_a, severity=2)


@pytest.fixture
def sweep(clock, django_capture_on_commit_callbacks):
    """Move the clock to ``minutes`` after reporting and sweep, running on-commit work."""

    def run(minutes: float) -> int:
        clock.move_to(REPORTED + timedelta(minutes=minutes))
        with django_capture_on_commit_callbacks(execute=True):
            return timers_sweep()

    return run
