"""Customers see their own monthly M/M reports at /hotline/reports/."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from retainer.models import CustomerUser
from retainer.services import ledger_post_adjustment
from retainer.services.reports import report_recipients
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


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "2026-3", "26-03", "2026-03x", "x"])
def test_a_month_that_is_not_one_is_a_404(customer_client, contract, month):
    """It used to show the contract's first month instead, under the wrong address."""
    url = reverse("reports:detail", args=[contract.pk, month])
    assert customer_client.get(url).status_code == 404


def test_another_company_report_is_a_404(customer_client, clock):
    other = contract_with_allotment(mm="3")
    url = reverse("reports:detail", args=[other.pk, "2026-03"])
    assert customer_client.get(url).status_code == 404


def test_staff_get_the_forbidden_page(manager, contract):
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("reports:list")).status_code == 403


def test_customer_opts_in_and_out_of_the_report_email(customer_client, contract):
    url = reverse("reports:subscription")
    link = CustomerUser.objects.get(user__username="hanbit")

    assert customer_client.post(url, {"receives": "on"}).status_code == 302
    link.refresh_from_db()
    assert link.receives_mm_reports is True
    assert report_recipients(contract) == ["hanbit@example.com", "mgr1@example.com"]

    customer_client.post(url, {})
    link.refresh_from_db()
    assert link.receives_mm_reports is False
    assert link.history.first().history_user == link.user


def test_the_list_shows_the_opt_in(customer_client):
    content = customer_client.get(reverse("reports:list")).content.decode()

    assert reverse("reports:subscription") in content
    assert 'name="receives"' in content


def test_opt_in_needs_a_post(customer_client):
    assert customer_client.get(reverse("reports:subscription")).status_code == 405


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1899-12"])
def test_a_month_out_of_range_is_not_a_500(customer_client, contract, month):
    url = reverse("reports:detail", args=[contract.pk, month])

    assert customer_client.get(url).status_code < 500
