"""Close-out of a contract year: capped carry-over, expiry, idempotent re-runs, the command."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from retainer.models import Contract, LedgerEntry
from retainer.selectors import contract_balance
from retainer.services import (
    contract_activate,
    contract_close_out,
    contract_renew,
    ledger_post_adjustment,
)
from tests.retainer.conftest import seoul

AFTER_YEAR = seoul(2027, 1, 2, 9, 0)


def _use(contract, manager, mm, when=date(2026, 6, 1)):
    ledger_post_adjustment(
        contract=contract, amount=-D(mm), memo="usage", actor=manager, effective_on=when
    )


@pytest.fixture
def renewal(contract, manager):
    renewed = contract_renew(contract=contract, actor=manager, code="HANBIT-2027")
    return contract_activate(contract=renewed, actor=manager)


def _kinds(contract):
    return list(
        LedgerEntry.objects.filter(contract=contract)
        .order_by("id")
        .values_list("kind", "amount", "effective_on")
    )


def test_twelve_with_eight_used_carries_two_point_four(contract, renewal, manager):
    _use(contract, manager, "8")

    contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)

    assert _kinds(contract)[-2:] == [
        ("carry_out", D("-2.4"), date(2026, 12, 31)),
        ("expiry", D("-1.6"), date(2026, 12, 31)),
    ]
    assert _kinds(renewal) == [
        ("allotment", D("12"), date(2027, 1, 1)),
        ("carry_in", D("2.4"), date(2027, 1, 1)),
    ]
    assert contract_balance(contract_id=contract.pk).balance == D("0")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ENDED


def test_rerun_posts_nothing(contract, renewal, manager):
    _use(contract, manager, "8")
    contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)

    result = contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)

    assert result.entries == []
    assert LedgerEntry.objects.count() == 6


def test_late_usage_is_settled_by_a_rerun(contract, renewal, manager):
    _use(contract, manager, "8")
    contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)
    _use(contract, manager, "3", when=date(2026, 12, 20))  # 11 used: 1 left, all carries

    contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)

    assert contract_balance(contract_id=contract.pk).balance == D("0")
    assert contract_balance(contract_id=renewal.pk).carry_in == D("1")
    assert contract_balance(contract_id=contract.pk).expired == D("0")


def test_without_renewal_everything_expires_until_one_exists(contract, manager):
    _use(contract, manager, "8")
    contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)
    assert contract_balance(contract_id=contract.pk).expired == D("4")

    renewed = contract_renew(contract=contract, actor=manager, code="HANBIT-2027")
    contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)

    assert contract_balance(contract_id=renewed.pk).carry_in == D("2.4")
    assert contract_balance(contract_id=contract.pk).expired == D("1.6")
    assert contract_balance(contract_id=contract.pk).balance == D("0")


def test_carry_in_is_used_first_and_the_rest_expires(contract, renewal, manager):
    _use(contract, manager, "8")
    contract_close_out(contract=contract, actor=manager, now=AFTER_YEAR)
    _use(renewal, manager, "1", when=date(2027, 3, 1))  # from the 2.4 carried in

    contract_close_out(contract=renewal, actor=manager, now=seoul(2028, 1, 3, 9, 0))

    balance = contract_balance(contract_id=renewal.pk)
    # unused carry-in 1.4 + all 12 contracted: no renewal of the renewal to carry into
    assert balance.expired == D("1.4") + D("12")
    assert balance.carried_out == D("0")
    assert balance.balance == D("0")


def test_close_out_waits_for_the_year_to_end(contract, manager):
    with pytest.raises(ValidationError):
        contract_close_out(contract=contract, actor=manager, now=seoul(2026, 12, 31, 23, 0))


def test_command_closes_ended_contracts_and_is_safe_to_rerun(contract, renewal, manager):
    _use(contract, manager, "8")

    call_command("close_out_contracts", date="2027-01-02", verbosity=0)
    call_command("close_out_contracts", date="2027-01-02", verbosity=0)

    assert contract_balance(contract_id=renewal.pk).carry_in == D("2.4")
    assert LedgerEntry.objects.filter(kind="carry_out").count() == 1
