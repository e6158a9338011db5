"""Faults on the real cluster, each counted from the outbox: 0 missed and 0 duplicate pages.

Expected pages are exactly one per (incident, step, recipient, channel) for every step that
came due before an acknowledgement, and none after it.
"""

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from core import clock
from incidents.escalation.models import Timer
from incidents.models import Incident, TimelineEntry
from incidents.services import incident_acknowledge
from tests.incidents.factories import IncidentFactory
from tests.integration.cluster import wait_for
from tests.integration.conftest import STEP_SECONDS, all_settled, expected_keys, page_keys

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def report(customer, count: int, spread: float) -> list[Incident]:
    """Report ``count`` incidents over about ``spread`` seconds."""
    incidents = []
    for _ in range(count):
        incidents.append(IncidentFactory(customer=customer))
        time.sleep(spread / count)
    return incidents


def assert_every_page_exactly_once(incidents, engineers) -> None:
    ids = [i.pk for i in incidents]
    wait_for(lambda: all_settled(ids), 120, "pages still pending")
    keys = page_keys(ids)
    duplicates = [key for key, n in Counter(keys).items() if n > 1]
    expected = set().union(
        *(expected_keys(i, list(enumerate(u.pk for u in engineers))) for i in incidents)
    )
    missed = expected - set(keys)
    assert (len(missed), len(duplicates), len(set(keys) - expected)) == (0, 0, 0)


def test_worker_killed_with_sigkill_mid_run(cluster, policy, engineers, customer_a):
    incidents = report(customer_a, 12, spread=2)
    kills = 0
    for round_ in range(4):
        wait_for(lambda: cluster.worker_children(), 60, "no pool processes")
        time.sleep(1.0 + random.random())
        if round_ == 2:
            cluster.kill_worker()  # the main process too: nothing requeues its messages
            cluster.start_worker()
        else:
            kills += cluster.kill_worker_children()
    assert kills >= 2
    assert_every_page_exactly_once(incidents, engineers)


def test_redis_flushed_and_restarted_mid_run(cluster, policy, engineers, customer_a):
    incidents = report(customer_a, 10, spread=1)
    wait_for(lambda: len(page_keys()) >= 5, 60, "no page before the flush")
    cluster.flush_redis()
    more = report(customer_a, 5, spread=1)
    time.sleep(1.5)
    cluster.restart_redis()  # an empty Redis: queued messages are gone
    assert_every_page_exactly_once(incidents + more, engineers)


@pytest.mark.beats(2)
def test_two_beats_at_once(cluster, policy, engineers, customer_a):
    assert len(cluster.beats) == 2
    incidents = report(customer_a, 15, spread=3)
    assert_every_page_exactly_once(incidents, engineers)


def _acknowledge_at(incident_id: int, at) -> None:
    try:
        time.sleep(max(0.0, (at - clock.now()).total_seconds()))
        incident = Incident.objects.get(pk=incident_id)
        incident_acknowledge(incident=incident, actor=incident.reporter)
    finally:
        connection.close()


def test_500_acknowledgements_around_step_deadlines(cluster, policy, engineers, customer_a):
    random.seed(4)
    deadlines = [timedelta(seconds=s) for s in STEP_SECONDS[1:]]
    futures, incidents = [], []
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(500):
            incident = IncidentFactory(customer=customer_a, reporter=engineers[0])
            jitter = timedelta(seconds=random.uniform(-0.6, 0.6))
            at = incident.reported_at + random.choice(deadlines) + jitter
            futures.append(pool.submit(_acknowledge_at, incident.pk, at))
            incidents.append(incident)
        for future in futures:
            future.result(timeout=300)
    ids = [i.pk for i in incidents]
    wait_for(lambda: all_settled(ids), 120, "pages still pending")
    _check_acknowledged_runs(ids, engineers)


def _check_acknowledged_runs(ids: list[int], engineers) -> None:
    fired: dict[int, set[int]] = {}
    for incident_id, step in Timer.objects.filter(
        incident_id__in=ids, kind="escalation", state="done"
    ).values_list("incident_id", "step"):
        fired.setdefault(incident_id, set()).add(step)
    assert not Timer.objects.filter(incident_id__in=ids, state="pending", kind="escalation")
    expected = set()
    for incident in Incident.objects.filter(pk__in=ids):
        steps = [(s, engineers[s].pk) for s in sorted(fired.get(incident.pk, ()))]
        expected |= expected_keys(incident, steps)
    keys = page_keys(ids)
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == expected
    # No page after an acknowledgement: every step entry precedes the acknowledgement entry,
    # both written under the incident row lock, so their ids follow the commit order.
    entries = TimelineEntry.objects.filter(incident_id__in=ids)
    acked = dict(
        entries.filter(kind="status", data__transition="acknowledge").values_list(
            "incident_id", "id"
        )
    )
    assert len(acked) == len(ids)
    late = [
        incident_id
        for incident_id, entry_id in entries.filter(kind="escalation").values_list(
            "incident_id", "id"
        )
        if entry_id > acked[incident_id]
    ]
    assert late == []
    counts = Counter(len(steps) for steps in fired.values())
    print("steps paged per incident before the acknowledgement:", dict(counts))
    assert threading.active_count() < 50
