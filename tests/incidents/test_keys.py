"""Incident numbers and keys: unique and increasing, also under concurrent intake."""

import threading

import pytest
from django.db import connection

from incidents.models import Channel, Incident, Severity
from incidents.services import incident_create
from tests.incidents.factories import IncidentFactory
from tests.retainer.factories import CustomerFactory

THREADS = 8
PER_THREAD = 25


def _intake_worker(customer, barrier: threading.Barrier, numbers: list, errors: list) -> None:
    """Create incidents one after another on this thread's own connection."""
    try:
        barrier.wait(timeout=30)
        for n in range(PER_THREAD):
            incident = incident_create(
                actor=None,
                customer=customer,
                summary=f"Concurrent intake {threading.get_ident()}-{n}",
                severity=Severity.MEDIUM,
                channel=Channel.ALERT,
            )
            numbers.append(incident.number)  # each call commits on return (autocommit)
    except Exception as exc:  # re-raised in the main thread, which owns the test
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_hands_out_unique_increasing_keys(settings):
    settings.HOTLINE_KEY_PREFIX = "OPS"
    customer = CustomerFactory()
    barrier = threading.Barrier(THREADS)
    numbers: list[list[int]] = [[] for _ in range(THREADS)]
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_intake_worker, args=(customer, barrier, numbers[i], errors))
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    rows = list(Incident.objects.values_list("number", "key"))
    assert len(rows) == THREADS * PER_THREAD
    assert len({number for number, _ in rows}) == len({key for _, key in rows}) == len(rows)
    assert all(key == f"OPS-{number}" for number, key in rows)
    assert all(mine == sorted(set(mine)) and len(mine) == PER_THREAD for mine in numbers)


def test_key_uses_the_prefix_setting(customer_a, settings):
    settings.HOTLINE_KEY_PREFIX = "ACME"

    incident = IncidentFactory(customer=customer_a)

    assert incident.key == f"ACME-{incident.number}"


def test_numbers_increase(customer_a):
    first, second = IncidentFactory(customer=customer_a), IncidentFactory(customer=customer_a)

    assert second.number > first.number
