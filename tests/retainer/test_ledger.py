"""The ledger: append-only in the database, balances only from entries, idempotent posting."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from retainer.models import LedgerEntry
from retainer.selectors import contract_balance
from retainer.services import (
    contract_update,
    ledger_post_adjustment,
    ledger_reverse_entry,
    ledger_sync_allotment,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def test_active_contract_is_granted_its_contracted_mm_on_its_first_day(contract):
    entry = LedgerEntry.objects.get(contract=contract)

    assert (entry.kind, entry.amount, entry.effective_on) == (
        "allotment",
        D("12"),
        date(2026, 1, 1),
    )
    assert entry.source_key == f"allotment:{contract.pk}#1"


def test_allotment_posts_once(contract, manager):
    assert ledger_sync_allotment(contract=contract, actor=manager) is None
    assert LedgerEntry.objects.filter(contract=contract).count() == 1


def test_raising_the_contracted_mm_posts_a_delta(contract, manager):
    contract_update(contract=contract, actor=manager, data={"contracted_mm": D("14.5")})

    amounts = list(LedgerEntry.objects.filter(contract=contract).values_list("amount", flat=True))
    assert amounts == [D("12"), D("2.5")]
    assert contract_balance(contract_id=contract.pk).balance == D("14.5")


@pytest.mark.django_db
def test_database_refuses_update(contract):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(contract=contract).update(amount=D("99"))


@pytest.mark.django_db
def test_database_refuses_delete(contract):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(contract=contract).delete()


def test_database_refuses_raw_update(contract):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE retainer_ledgerentry SET amount = 0")


def test_source_key_never_posts_twice(contract):
    entry = LedgerEntry.objects.get(contract=contract)
    duplicate = LedgerEntry(
        contract=contract,
        kind=entry.kind,
        amount=entry.amount,
        effective_on=entry.effective_on,
        source_key=entry.source_key,
        created_at=entry.created_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save(force_insert=True)


def test_adjustment_needs_a_reason(contract, manager):
    with pytest.raises(ValidationError) as error:
        ledger_post_adjustment(contract=contract, amount=D("-1"), memo=" ", actor=manager)
    assert "memo" in error.value.message_dict


def test_adjustment_refuses_more_than_four_decimals(contract, manager):
    with pytest.raises(ValidationError):
        ledger_post_adjustment(contract=contract, amount=D("0.00001"), memo="x", actor=manager)


def test_adjustment_with_idempotency_key_posts_once(contract, manager):
    first = ledger_post_adjustment(
        contract=contract, amount=D("-0.25"), memo="Workshop", actor=manager, idempotency_key="k1"
    )
    again = ledger_post_adjustment(
        contract=contract, amount=D("-0.25"), memo="Workshop", actor=manager, idempotency_key="k1"
    )

    assert first.pk == again.pk
    assert contract_balance(contract_id=contract.pk).used == D("0.25")


def test_reversal_is_a_new_opposite_entry(contract, manager):
    entry = ledger_post_adjustment(
        contract=contract, amount=D("-1.5"), memo="Wrong contract", actor=manager
    )

    reversal = ledger_reverse_entry(entry=entry, memo="Posted in error", actor=manager)

    assert reversal.amount == D("1.5")
    assert reversal.reverses == entry
    assert contract_balance(contract_id=contract.pk).balance == D("12")
    assert LedgerEntry.objects.filter(contract=contract).count() == 3


def test_an_entry_is_reversed_once(contract, manager):
    entry = ledger_post_adjustment(contract=contract, amount=D("-1"), memo="x", actor=manager)
    ledger_reverse_entry(entry=entry, memo="undo", actor=manager)

    with pytest.raises(ValidationError):
        ledger_reverse_entry(entry=entry, memo="undo again", actor=manager)


def test_allotment_cannot_be_reversed(contract, manager):
    with pytest.raises(ValidationError):
        ledger_reverse_entry(
            entry=LedgerEntry.objects.get(contract=contract), memo="no", actor=manager
        )


def test_balance_is_the_sum_of_entries(contract, manager):
    ledger_post_adjustment(contract=contract, amount=D("-2.75"), memo="a", actor=manager)
    ledger_post_adjustment(contract=contract, amount=D("0.5"), memo="b", actor=manager)

    balance = contract_balance(contract_id=contract.pk)
    total = sum(LedgerEntry.objects.filter(contract=contract).values_list("amount", flat=True))
    assert balance.balance == total == D("9.75")
    assert (balance.granted, balance.used, balance.utilisation) == (D("12"), D("2.25"), D("18.8"))


def test_overage_is_shown_never_blocked(contract, manager):
    ledger_post_adjustment(contract=contract, amount=D("-13"), memo="big", actor=manager)

    balance = contract_balance(contract_id=contract.pk)
    assert (balance.remaining, balance.overage) == (D("-1"), D("1"))
    assert balance.utilisation == D("108.3")
