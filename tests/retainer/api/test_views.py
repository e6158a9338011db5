"""The contract, ledger, balance, work-log and monthly-report endpoints."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from retainer.models import LedgerEntry, WorkLog
from retainer.services import ledger_post_adjustment
from tests.retainer.factories import CustomerUserFactory, contract_with_allotment


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def other_contract(db, clock):
    return contract_with_allotment(mm="6", code="OTHER-2026")


@pytest.fixture
def customer_user(contract):
    return CustomerUserFactory(customer=contract.customer, user__username="hanbit").user


def test_account_manager_creates_a_contract_with_its_allotment(as_user, manager, contract):
    response = as_user(manager).post(
        reverse("contract-list"),
        {
            "customer": contract.customer_id,
            "code": "HANBIT-EXTRA",
            "starts_on": "2026-07-01",
            "ends_on": "2027-06-30",
            "contracted_mm": "6.5",
            "status": "active",
        },
        format="json",
    )

    assert response.status_code == 201, response.data
    assert response.data["contracted_mm"] == "6.5000"
    entry = LedgerEntry.objects.get(contract_id=response.data["id"])
    assert (entry.kind, entry.amount) == ("allotment", D("6.5"))


def test_contract_validation_is_a_400(as_user, manager, contract):
    response = as_user(manager).post(
        reverse("contract-list"),
        {
            "customer": contract.customer_id,
            "code": "HANBIT-2026",  # taken
            "starts_on": "2026-07-01",
            "ends_on": "2026-06-30",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "code" in response.data or "ends_on" in response.data or "__all__" in response.data


def test_support_reads_but_does_not_write_contracts(as_user, engineer, contract):
    client = as_user(engineer)

    assert client.get(reverse("contract-detail", args=[contract.pk])).status_code == 200
    response = client.patch(
        reverse("contract-detail", args=[contract.pk]), {"contracted_mm": "1"}, format="json"
    )
    assert response.status_code == 403


def test_customer_reads_only_its_own_contracts(as_user, customer_user, contract, other_contract):
    client = as_user(customer_user)

    listed = client.get(reverse("contract-list")).data["results"]
    assert [row["code"] for row in listed] == ["HANBIT-2026"]
    assert client.get(reverse("contract-detail", args=[other_contract.pk])).status_code == 404
    assert client.get(reverse("contract-balance", args=[other_contract.pk])).status_code == 404
    assert client.get(reverse("contract-ledger", args=[other_contract.pk])).status_code == 404
    assert (
        client.patch(
            reverse("contract-detail", args=[contract.pk]), {"code": "X"}, format="json"
        ).status_code
        == 403
    )


def test_ledger_and_balance(as_user, manager, contract):
    ledger_post_adjustment(contract=contract, amount=D("-2.5"), memo="Workshop", actor=manager)
    client = as_user(manager)

    ledger = client.get(reverse("contract-ledger", args=[contract.pk])).data["results"]
    balance = client.get(reverse("contract-balance", args=[contract.pk])).data

    assert [(e["kind"], e["amount"]) for e in ledger] == [
        ("allotment", "12.0000"),
        ("adjustment", "-2.5000"),
    ]
    assert balance["remaining"] == "9.5000"
    assert balance["used"] == "2.5000"
    assert balance["utilisation"] == "20.8"


def test_adjustment_through_the_api_is_idempotent(as_user, manager, contract):
    client = as_user(manager)
    payload = {"amount": "-0.25", "memo": "Call", "idempotency_key": "call-1"}
    url = reverse("contract-ledger", args=[contract.pk])

    first = client.post(url, payload, format="json")
    second = client.post(url, payload, format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.data["id"] == second.data["id"]


def test_ledger_entries_cannot_be_changed_through_the_api(as_user, manager, contract):
    url = reverse("contract-detail", args=[contract.pk])
    assert as_user(manager).delete(url).status_code == 405


def test_engineer_logs_work_and_it_deducts(as_user, engineer, contract):
    response = as_user(engineer).post(
        reverse("worklog-list"),
        {"kind": "advisory", "contract": contract.pk, "hours": "100", "description": "Tuning"},
        format="json",
    )

    assert response.status_code == 201, response.data
    entry = LedgerEntry.objects.get(contract=contract, kind="deduction")  # the month's advisory
    assert (entry.amount, entry.source_key) == (D("-0.63"), f"advisory:{contract.pk}:2026-03#1")


def test_work_log_errors_are_a_400(as_user, engineer, contract):
    response = as_user(engineer).post(
        reverse("worklog-list"),
        {"kind": "advisory", "contract": contract.pk, "hours": "1", "billable": False},
        format="json",
    )

    assert response.status_code == 400
    assert "billable_note" in response.data


def test_customer_sees_its_work_logs_without_internal_notes(
    as_user, engineer, customer_user, contract, other_contract
):
    from retainer.services import worklog_create

    worklog_create(
        actor=engineer,
        kind="advisory",
        contract=contract,
        hours=D("2"),
        description="internal detail",
    )
    worklog_create(actor=engineer, kind="advisory", contract=other_contract, hours=D("3"))

    rows = as_user(customer_user).get(reverse("worklog-list")).data["results"]

    assert [row["hours"] for row in rows] == ["2.00"]
    assert "description" not in rows[0]
    assert (
        as_user(customer_user)
        .post(reverse("worklog-list"), {"kind": "advisory"}, format="json")
        .status_code
        == 403
    )


def test_monthly_report_json(as_user, engineer, manager, contract):
    from retainer.services import worklog_create

    worklog_create(
        actor=engineer,
        kind="advisory",
        contract=contract,
        hours=D("16"),
        performed_on=date(2026, 3, 3),
    )

    response = as_user(manager).get(
        reverse("report-monthly"), {"contract": contract.pk, "month": "2026-03"}
    )

    assert response.status_code == 200
    data = response.data
    assert (data["opening"], data["closing"], data["used_in_month"]) == (
        "12.0000",
        "11.9000",
        "0.1000",
    )
    assert data["lines"][0]["mm"] == "-0.1000"
    assert data["utilisation"] == "0.8"
    assert data["month"] == "2026-03"


def test_monthly_report_of_another_company_is_a_404(as_user, customer_user, other_contract):
    response = as_user(customer_user).get(
        reverse("report-monthly"), {"contract": other_contract.pk, "month": "2026-03"}
    )
    assert response.status_code == 404


def test_monthly_report_needs_a_month(as_user, manager, contract):
    response = as_user(manager).get(
        reverse("report-monthly"), {"contract": contract.pk, "month": "March"}
    )
    assert response.status_code == 400


def test_work_log_kinds_match_the_model():
    assert set(WorkLog.Kind.values) == {"incident", "diagnostic", "advisory"}
