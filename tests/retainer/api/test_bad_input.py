"""Bad input through the API is a translated 400 that writes nothing, never a 500."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from retainer.models import Contract, DiagnosticEngagement, LedgerEntry, UtilisationAlert
from retainer.services import ledger_sync_allotment
from retainer.services.ledger import entry_post
from tests.retainer.factories import ContractFactory, CustomerUserFactory, contract_with_allotment


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def _renewal(contract, code):
    return {
        "customer": contract.customer_id,
        "code": code,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "contracted_mm": "12",
        "status": "draft",
        "previous_contract": contract.pk,
    }


def test_renewing_a_contract_twice_is_a_400_naming_the_renewal(as_user, manager, contract):
    client = as_user(manager)

    first = client.post(reverse("contract-list"), _renewal(contract, "R-1"), format="json")
    second = client.post(reverse("contract-list"), _renewal(contract, "R-2"), format="json")

    assert first.status_code == 201, first.data
    assert second.status_code == 400
    assert second.data == {
        "previous_contract": ["계약 HANBIT-2026은(는) 이미 R-1(으)로 갱신되었습니다."]
    }
    assert not Contract.objects.filter(code="R-2").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"ends_on": "9999-12-25"}, "ends_on"),
        ({"contracted_mm": "0.0001"}, "contracted_mm"),
        ({"hours_per_mm": "1"}, "hours_per_mm"),
    ],
)
def test_absurd_contract_terms_are_a_400(as_user, manager, contract, changes, field):
    payload = {**_renewal(contract, "ODD"), "previous_contract": None, **changes}

    response = as_user(manager).post(reverse("contract-list"), payload, format="json")

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not Contract.objects.filter(code="ODD").exists()


def test_a_contract_ending_before_it_starts_gets_a_field_message(as_user, manager, contract):
    payload = {**_renewal(contract, "ODD"), "previous_contract": None, "ends_on": "2026-12-31"}

    response = as_user(manager).post(
        reverse("contract-list"), payload, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.data == {"ends_on": ["The end date must be on or after the start date."]}


@pytest.mark.parametrize(
    ("starts", "ends"),
    [("0001-01-03", "0001-01-05"), ("9999-12-25", "9999-12-29"), ("2026-04-10", "2026-04-06")],
)
def test_engagement_dates_out_of_range_or_backwards_are_a_400(
    as_user, manager, contract, starts, ends
):
    payload = {
        "contract": contract.pk,
        "title": "정기 진단",
        "onsite_starts_on": starts,
        "onsite_ends_on": ends,
    }

    response = as_user(manager).post(reverse("engagement-list"), payload, format="json")

    assert response.status_code == 400
    assert {"onsite_starts_on", "onsite_ends_on"} & set(response.data)
    assert not DiagnosticEngagement.objects.exists()


def test_a_huge_adjustment_is_a_400(as_user, manager, clock):
    small = contract_with_allotment(mm="1", actor=manager)

    response = as_user(manager).post(
        reverse("contract-ledger", args=[small.pk]),
        {"amount": "-10000", "memo": "typo"},
        format="json",
    )

    assert response.status_code == 400
    assert "2 M/M" in response.data["amount"][0]
    assert LedgerEntry.objects.filter(contract=small).count() == 1


def test_a_reused_idempotency_key_with_another_amount_is_a_400(as_user, manager, contract):
    client = as_user(manager)
    url = reverse("contract-ledger", args=[contract.pk])
    payload = {"amount": "-0.5", "memo": "Workshop", "idempotency_key": "req-1"}

    first = client.post(url, payload, format="json")
    again = client.post(url, payload, format="json")
    other = client.post(url, {**payload, "amount": "-5"}, format="json")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.data["id"] == first.data["id"]
    assert other.status_code == 400
    assert "idempotency_key" in other.data
    assert LedgerEntry.objects.filter(contract=contract).count() == 2


def test_work_on_a_tiny_old_contract_raises_a_capped_alert(as_user, engineer, manager, clock):
    tiny = ContractFactory(contracted_mm=D("0.0001"))
    ledger_sync_allotment(contract=tiny, actor=manager)

    response = as_user(engineer).post(
        reverse("worklog-list"),
        {"kind": "advisory", "contract": tiny.pk, "hours": "160", "description": "Advice"},
        format="json",
    )

    assert response.status_code == 201, response.data
    alert = UtilisationAlert.objects.get(contract=tiny, threshold=100)
    assert alert.utilisation == D("999999.9")


def test_a_balance_past_nine_digits_is_shown(as_user, manager, contract, clock):
    for number in range(2):  # the column holds each; only their sum is wider
        entry_post(
            contract=contract,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=D("-99999.9999"),
            source_key=f"legacy:{number}",
            effective_on=date(2026, 3, 1),
            now=contract.created_at,
        )
    customer = CustomerUserFactory(customer=contract.customer, user__username="hanbit").user
    url = reverse("contract-balance", args=[contract.pk])

    for user in (manager, customer):
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert (response.data["used"], response.data["remaining"]) == (
            "199999.9998",
            "-199987.9998",
        )
        assert response.data["utilisation"] == "1666666.7"


def test_a_tiny_burn_does_not_break_the_customer_report(manager, contract):
    entry_post(
        contract=contract,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=D("-0.0003"),
        source_key="tiny",
        effective_on=date(2026, 3, 2),
        now=contract.created_at,
    )
    client = Client()
    client.force_login(CustomerUserFactory(customer=contract.customer).user)

    response = client.get(reverse("reports:detail", args=[contract.pk, "2026-03"]))

    assert response.status_code == 200
