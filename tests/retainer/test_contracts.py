"""Contract services refuse bad terms with clear field errors and write nothing."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from retainer.models import Contract, LedgerEntry
from retainer.services import contract_create, contract_renew, contract_update
from retainer.services import contracts as contract_services
from tests.retainer.factories import ContractFactory


def _messages(error: pytest.ExceptionInfo, field: str) -> list[str]:
    return error.value.message_dict[field]


def _terms(contract, **changes):
    fields = {name: getattr(contract, name) for name in contract_services.EDITABLE}
    fields.update({"code": "NEW-2027", "previous_contract": None, **changes})
    return fields


def test_a_contract_is_renewed_once(contract, manager):
    renewal = contract_renew(contract=contract, actor=manager, code="HANBIT-2027")

    with translation.override("ko"), pytest.raises(ValidationError) as error:
        contract_renew(contract=contract, actor=manager, code="HANBIT-2027-B")

    assert _messages(error, "previous_contract") == [
        "계약 HANBIT-2026은(는) 이미 HANBIT-2027(으)로 갱신되었습니다."
    ]
    assert list(Contract.objects.filter(previous_contract=contract)) == [renewal]


def test_a_renewal_that_loses_the_race_is_a_validation_error(contract, manager, monkeypatch):
    renewal = contract_renew(contract=contract, actor=manager, code="HANBIT-2027")
    # As if a concurrent request inserted its renewal after this one's check passed.
    monkeypatch.setattr(contract_services, "_validate_previous", lambda contract: None)

    with transaction.atomic(), pytest.raises(ValidationError) as error:
        contract_renew(contract=contract, actor=manager, code="HANBIT-2027-B")

    assert "HANBIT-2027" in _messages(error, "previous_contract")[0]
    # The savepoint kept the transaction usable; nothing of the loser was written.
    assert list(Contract.objects.filter(previous_contract=contract)) == [renewal]
    assert not Contract.objects.filter(code="HANBIT-2027-B").exists()


def test_a_contract_code_that_loses_the_race_is_a_validation_error(contract, manager, monkeypatch):
    monkeypatch.setattr(Contract, "validate_unique", lambda self, exclude=None: None)

    with pytest.raises(ValidationError) as error:
        contract_create(actor=manager, **_terms(contract, code="HANBIT-2026"))

    assert "code" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": date(1, 1, 1)}, "starts_on"),
        ({"starts_on": date(1999, 12, 31)}, "starts_on"),
        ({"ends_on": date(9999, 12, 31)}, "ends_on"),
        ({"ends_on": date(2100, 1, 1)}, "ends_on"),
    ],
)
def test_dates_outside_the_window_are_refused(contract, manager, changes, field):
    with translation.override("ko"), pytest.raises(ValidationError) as error:
        contract_create(actor=manager, **_terms(contract, **changes))

    assert _messages(error, field) == [
        "2000년 1월 1일부터 2099년 12월 31일까지의 날짜를 입력하세요."
    ]
    assert Contract.objects.count() == 1


def test_the_window_is_named_in_english_too(contract, manager):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        contract_create(actor=manager, **_terms(contract, starts_on=date(1, 1, 1)))

    assert _messages(error, "starts_on") == ["Give a date from Jan. 1, 2000 to Dec. 31, 2099."]


def test_an_end_before_the_start_is_a_field_error(contract, manager):
    terms = _terms(contract, starts_on=date(2027, 1, 1), ends_on=date(2026, 12, 31))

    with translation.override("en"), pytest.raises(ValidationError) as error:
        contract_create(actor=manager, **terms)

    assert error.value.message_dict == {
        "ends_on": ["The end date must be on or after the start date."]
    }


def test_changing_a_date_out_of_the_window_is_refused(contract, manager):
    with pytest.raises(ValidationError) as error:
        contract_update(contract=contract, actor=manager, data={"ends_on": date(9999, 12, 25)})

    assert "ends_on" in error.value.message_dict
    contract.refresh_from_db()
    assert contract.ends_on == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contracted_mm": D("0.0001")}, "contracted_mm"),
        ({"contracted_mm": D("0.4999")}, "contracted_mm"),
        ({"contracted_mm": D("1000.0001")}, "contracted_mm"),
        ({"contracted_mm": D("99999.9999")}, "contracted_mm"),
        ({"hours_per_mm": D("1")}, "hours_per_mm"),
        ({"hours_per_mm": D("39.99")}, "hours_per_mm"),
        ({"hours_per_mm": D("744.01")}, "hours_per_mm"),
        ({"response_minutes_sev1": 0}, "response_minutes_sev1"),
        ({"response_minutes_sev4": 2**31 - 1}, "response_minutes_sev4"),
        ({"response_minutes_sev2": 121}, "response_minutes_sev2"),
        ({"response_minutes_sev3": 480}, "response_minutes_sev3"),
    ],
)
def test_absurd_terms_are_refused(contract, manager, changes, field):
    with pytest.raises(ValidationError) as error:
        contract_create(actor=manager, **_terms(contract, **changes))

    assert list(error.value.message_dict) == [field]
    assert Contract.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"contracted_mm": D("0")},
        {"contracted_mm": D("0.5")},
        {"contracted_mm": D("1000")},
        {"hours_per_mm": D("40")},
        {"hours_per_mm": D("744")},
        {"response_minutes_sev1": 1, "response_minutes_sev3": 120},
    ],
)
def test_terms_at_the_limits_are_accepted(contract, manager, changes):
    created = contract_create(actor=manager, **_terms(contract, **changes))

    assert created.pk is not None


def test_changing_the_contracted_mm_to_an_absurd_value_is_refused(contract, manager):
    with pytest.raises(ValidationError) as error:
        contract_update(contract=contract, actor=manager, data={"contracted_mm": D("0.0001")})

    assert "contracted_mm" in error.value.message_dict
    assert LedgerEntry.objects.filter(contract=contract).count() == 1


def test_an_old_contract_with_odd_terms_can_still_change_other_fields(manager, clock):
    old = ContractFactory(contracted_mm=D("0.0001"), starts_on=date(1999, 1, 1))

    contract_update(contract=old, actor=manager, data={"code": "OLD-RENAMED"})

    old.refresh_from_db()
    assert old.code == "OLD-RENAMED"
