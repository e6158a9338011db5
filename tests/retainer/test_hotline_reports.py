"""Customers see their own monthly M/M reports at /hotline/reports/."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from retainer.services import ledger_post_adjustment
from tests.retainer.factories import CustomerUserFactory, contract_with_allotment


@pytest.fixture
def customer_client(contract):
    user = CustomerUserFactory(customer=contract.customer, user__username="hanbit").user
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(user)
    return client


def test_list_shows_own_contract_months(customer_client, contract):
    content = customer_client.get(reverse("reports:list")).content.decode()

    assert "HANBIT-2026" in content
    assert reverse("reports:detail", args=[contract.pk, "2026-03"]) in content


def test_detail_in_korean_and_pdf(customer_client, contract, manager):
    ledger_post_adjustment(contract=contract, amount=D("-1"), memo="기술 자문", actor=manager)
    url = reverse("reports:detail", args=[contract.pk, "2026-03"])

    content = customer_client.get(url).content.decode()
    pdf = customer_client.get(url, {"format": "pdf"})

    assert "월간 M/M 리포트" in content
    assert "기술 자문" in content
    assert pdf["Content-Type"] == "application/pdf"


def test_another_company_report_is_a_404(customer_client, clock):
    other = contract_with_allotment(mm="3")
    url = reverse("reports:detail", args=[other.pk, "2026-03"])
    assert customer_client.get(url).status_code == 404


def test_staff_get_the_forbidden_page(manager, contract):
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("reports:list")).status_code == 403
