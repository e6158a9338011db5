"""Tenant isolation in what customers send: ids of another company's rows are refused, and the
answers never tell a customer which ids exist."""

import pytest

from core.tenancy import scope_to_customer
from incidents.models import Incident
from retainer.models import Contract, Product, Service
from tests.security.conftest import client_as


@pytest.fixture
def b_rows(customer_b):
    return {
        "service": Service.objects.get(customer=customer_b, code="billing"),
        "product": Product.objects.get(customer=customer_b),
        "contract": Contract.objects.get(customer=customer_b),
    }


def api_report(user, **fields):
    body = {"summary": "Checkout down", "severity": 2, **fields}
    return client_as(user).post("/api/v1/incidents/", body, "application/json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service", lambda rows: rows["service"].pk),
        ("products", lambda rows: [rows["product"].pk]),
        ("customer", lambda rows: rows["contract"].customer_id),
    ],
)
def test_a_customer_cannot_name_another_companys_rows_in_the_api(users, b_rows, field, value):
    response = api_report(users["customer_a"], **{field: value(b_rows)})

    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists()


def test_another_companys_id_reads_like_an_id_that_does_not_exist(users, b_rows):
    foreign = api_report(users["customer_a"], service=b_rows["service"].pk).json()
    missing = api_report(users["customer_a"], service=99_999_999).json()

    assert foreign["service"][0].replace(str(b_rows["service"].pk), "N") == missing["service"][
        0
    ].replace("99999999", "N")


def test_a_customer_cannot_name_another_companys_service_in_the_form(
    users, customer_a, b_rows, unknown_service
):
    response = client_as(users["customer_a"]).post(
        "/hotline/new/",
        {
            "summary": "Checkout down",
            "severity": "2",
            "service": str(b_rows["service"].pk),
            "products": [str(b_rows["product"].pk)],
            "contact_phone": "010-1234-5678",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "service" in errors
    assert "products" in errors
    assert not Incident.objects.exists()


def test_staff_cannot_file_a_customer_incident_against_another_companys_service(
    users, customer_a, b_rows
):
    response = api_report(users["support"], customer=customer_a.pk, service=b_rows["service"].pk)

    assert response.status_code == 400
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/incidents/?customer={b}",
        "/api/v1/incidents/?customer=99999999",
        "/api/v1/contracts/?customer={b}",
        "/api/v1/contracts/?customer=99999999",
        "/api/v1/worklogs/?contract={b_contract}",
        "/api/v1/worklogs/?contract=99999999",
    ],
)
def test_filters_by_id_answer_foreign_and_missing_ids_alike(users, b_rows, url):
    url = url.format(b=b_rows["contract"].customer_id, b_contract=b_rows["contract"].pk)

    response = client_as(users["customer_a"]).get(url)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_monthly_report_of_another_companys_contract_is_not_found(users, b_rows):
    response = client_as(users["customer_a"]).get(
        "/api/v1/reports/monthly/", {"contract": b_rows["contract"].pk, "month": "2026-03"}
    )

    assert response.status_code == 404


def test_the_one_scoping_rule(users, customer_a, customer_b):
    contracts = Contract.objects.all()

    assert set(scope_to_customer(contracts, users["support"])) == set(contracts)
    assert {c.customer for c in scope_to_customer(contracts, users["customer_a"])} == {customer_a}
    assert not scope_to_customer(contracts, None).exists()
