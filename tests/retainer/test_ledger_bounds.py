"""Amounts the M/M arithmetic cannot hold are refused or handled: adjustments, alerts, sums."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from retainer.models import LedgerEntry, UtilisationAlert
from retainer.reports.detail import monthly_report
from retainer.services import ledger_post_adjustment, ledger_sync_allotment
from tests.retainer.factories import ContractFactory, contract_with_allotment


def _adjust(contract, manager, amount, memo="correction", **extra):
    return ledger_post_adjustment(
        contract=contract, amount=D(amount), memo=memo, actor=manager, **extra
    )


@pytest.mark.parametrize("amount", ["-13.0001", "13.0001", "-10000", "-99999.9999"])
def test_an_adjustment_beyond_the_grant_plus_margin_is_refused(contract, manager, amount):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _adjust(contract, manager, amount)

    assert error.value.message_dict["amount"] == [
        "An adjustment can move at most 13 M/M on this contract: what it was granted plus "
        "1 M/M. Reverse entries to undo more."
    ]
    assert LedgerEntry.objects.filter(contract=contract).count() == 1
    assert not UtilisationAlert.objects.exists()


def test_the_limit_follows_the_contract(manager, clock):
    small = contract_with_allotment(mm="1", actor=manager)

    with pytest.raises(ValidationError) as error:
        _adjust(small, manager, "-2.0001")

    assert "2 M/M" in error.value.message_dict["amount"][0]
    assert _adjust(small, manager, "-2").amount == D("-2")


def test_a_reused_key_with_the_same_content_returns_the_entry(contract, manager):
    first = _adjust(contract, manager, "-0.5", memo="Workshop", idempotency_key="k1")

    assert _adjust(contract, manager, "-0.5", memo=" Workshop ", idempotency_key="k1") == first


@pytest.mark.parametrize(
    ("amount", "memo", "extra"),
    [
        ("-1", "Workshop", {}),
        ("-0.5", "Another workshop", {}),
        ("-0.5", "Workshop", {"effective_on": date(2026, 2, 1)}),
    ],
)
def test_a_reused_key_with_other_content_is_refused(contract, manager, amount, memo, extra):
    _adjust(contract, manager, "-0.5", memo="Workshop", idempotency_key="k1")

    with translation.override("en"), pytest.raises(ValidationError) as error:
        _adjust(contract, manager, amount, memo=memo, idempotency_key="k1", **extra)

    assert error.value.message_dict["idempotency_key"] == [
        "This key was already used for another adjustment (-0.5 M/M: Workshop); send a new "
        "key for a new adjustment."
    ]
    assert LedgerEntry.objects.filter(contract=contract).count() == 2


def test_an_alert_on_a_tiny_grant_stores_a_capped_utilisation(manager, clock):
    # An old contract from before the terms were checked: 0.0001 M/M granted.
    tiny = ContractFactory(contracted_mm=D("0.0001"))
    ledger_sync_allotment(contract=tiny, actor=manager)

    _adjust(tiny, manager, "-1")  # 1,000,000 % used

    alerts = UtilisationAlert.objects.filter(contract=tiny).order_by("threshold")
    assert [(a.threshold, a.utilisation) for a in alerts] == [
        (80, D("999999.9")),
        (100, D("999999.9")),
    ]


def test_a_tiny_burn_projects_no_run_out_instead_of_failing(contract, manager):
    _adjust(contract, manager, "-0.0003", effective_on=date(2026, 3, 2))

    report = monthly_report(contract=contract, month=date(2026, 3, 1))

    assert report.figures.burn_rate == D("0.0001")
    assert report.run_out is None  # 119,997 months away: "not at the current rate"
