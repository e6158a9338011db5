"""Many parallel postings for one contract lose nothing and duplicate nothing (PostgreSQL)."""

import threading
from decimal import Decimal as D

import pytest
from django.db import close_old_connections, connection

from incidents.models import Status
from incidents.services import incident_resolve
from retainer.models import LedgerEntry
from retainer.selectors import contract_balance
from retainer.services import ledger_sync_incident, worklog_create
from tests.conftest import restore_reference_data
from tests.incidents.factories import incident_in_status
from tests.retainer.conftest import seoul

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


@pytest.fixture(autouse=True)
def _reference_data(transactional_db, django_db_blocker):
    """An earlier transactional test's flush may have wiped the groups; put them back first."""
    restore_reference_data()


def _run_in_threads(work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def target(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_parallel_work_logs_each_deduct_once(contract, engineer):
    def log(index: int) -> None:
        for _ in range(3):
            worklog_create(actor=engineer, kind="advisory", contract=contract, hours=D("16"))

    errors = _run_in_threads(log)

    assert errors == []
    # one stream (the month's advisory work): a deduction, then a delta for each later log
    usage = LedgerEntry.objects.filter(contract=contract).exclude(kind="allotment")
    assert set(usage.values_list("amount", flat=True)) == {D("-0.1")}
    assert usage.filter(kind="deduction").count() == 1
    assert usage.count() == THREADS * 3
    assert contract_balance(contract_id=contract.pk).used == D("0.1") * THREADS * 3


def test_parallel_syncs_of_one_incident_post_once(contract, engineer):
    incident = incident_in_status(
        Status.ACKNOWLEDGED,
        actor=engineer,
        reported_at=seoul(2026, 3, 10, 9, 0),
        customer=contract.customer,
    )
    worklog_create(actor=engineer, kind="incident", incident=incident, hours=D("90"))
    incident_resolve(incident=incident, actor=engineer)
    incident.refresh_from_db()

    def sync(index: int) -> None:
        worklog_create(actor=engineer, kind="incident", incident=incident, hours=D("10"))
        ledger_sync_incident(incident=incident, actor=engineer)

    errors = _run_in_threads(sync)

    assert errors == []
    # 90 + 8 x 10 = 170 h → 1.0625 → 1.5 M/M, however the postings interleaved
    assert contract_balance(contract_id=contract.pk).used == D("1.5")
    keys = list(LedgerEntry.objects.filter(incident=incident).values_list("source_key", flat=True))
    assert len(keys) == len(set(keys)) == 2
