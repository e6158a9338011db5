"""Integration fixtures: a compressed policy (0 s / 2 s / 4 s) and a real cluster per test."""

import shutil
from datetime import timedelta

import pytest
from django.db import connection

from core.notifications.models import Delivery
from incidents.escalation.models import EscalationPolicy, EscalationStep, EscalationTarget, Timer
from oncall.models import NotificationProfile
from tests.conftest import restore_reference_data
from tests.integration.cluster import Cluster
from tests.oncall.factories import EngineerFactory

STEP_SECONDS = (0, 2, 4)


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Start from the migrations' reference rows (groups, policy) whatever ran before."""
    restore_reference_data()


@pytest.fixture
def cluster(tmp_path, request):
    """Start Redis, a worker and a beat (more beats: ``@pytest.mark.beats(2)``)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    marker = request.node.get_closest_marker("beats")
    beats = marker.args[0] if marker else 1
    running = Cluster(tmp_path, connection.settings_dict["NAME"]).start(beats=beats)
    yield running
    running.stop()
    print(running.logs())  # pytest shows it only when the test failed


@pytest.fixture
def engineers(transactional_db):
    people = []
    for n in range(len(STEP_SECONDS)):
        user = EngineerFactory(username=f"oncall{n}", first_name=f"O{n}", last_name="")
        NotificationProfile.objects.create(user=user, phone=f"+8210000000{n}", notify_by_sms=True)
        people.append(user)
    return people


@pytest.fixture
def policy(engineers):
    """Step n pages engineer n by e-mail and SMS, ``STEP_SECONDS[n]`` after reporting."""
    for old in EscalationPolicy.objects.filter(is_default=True):
        old.is_default = False
        old.save()
    policy = EscalationPolicy.objects.create(name="Compressed", is_default=True)
    for position, (seconds, user) in enumerate(zip(STEP_SECONDS, engineers, strict=True), 1):
        step = EscalationStep.objects.create(
            policy=policy,
            position=position,
            delay=timedelta(seconds=seconds),
            channels=["email", "sms"],
        )
        EscalationTarget.objects.create(step=step, kind="user", user=user)
    return policy


def expected_keys(incident, steps) -> set[str]:
    return {
        f"incident:{incident.pk}:step:{step}:user:{user_id}:{channel}"
        for step, user_id in steps
        for channel in ("email", "sms")
    }


def page_keys(incident_ids=None) -> list[str]:
    rows = Delivery.objects.filter(topic="incident.page")
    if incident_ids is not None:
        rows = rows.filter(object_id__in=incident_ids)
    return list(rows.values_list("idempotency_key", flat=True))


def all_settled(incident_ids) -> bool:
    """Nothing pending any more: no timer to sweep, no page left to send."""
    timers = Timer.objects.filter(incident_id__in=incident_ids, state="pending", kind="escalation")
    open_pages = Delivery.objects.filter(
        object_id__in=incident_ids, status__in=["pending", "failed"]
    )
    return not timers.exists() and not open_pages.exists()
