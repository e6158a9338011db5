"""The customer and contract admin: account managers edit, support engineers only look."""

import pytest
from django.test import Client
from django.urls import reverse

from retainer.models import Customer

MODELS = ["customer", "contract", "service", "product", "customeruser"]


def _login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_account_manager_lists_and_adds(account_manager, customer_user_a, model):
    client = _login(account_manager)

    assert client.get(reverse(f"admin:retainer_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:retainer_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_support_views_but_cannot_add(support_user, customer_user_a, model):
    client = _login(support_user)

    assert client.get(reverse(f"admin:retainer_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:retainer_{model}_add")).status_code == 403


def test_customer_page_shows_people_services_and_products(account_manager, customer_user_a):
    customer = Customer.objects.get(code="acme")

    response = _login(account_manager).get(
        reverse("admin:retainer_customer_change", args=[customer.pk])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "alice" in content
    assert "Payments" in content
    assert "Web shop" in content


def test_customer_history_renders(account_manager, customer_a):
    url = reverse("admin:retainer_customer_history", args=[customer_a.pk])

    assert _login(account_manager).get(url).status_code == 200


def test_view_only_user_cannot_revert(support_user, customer_a):
    customer_a.name = "Acme Renamed"
    customer_a.save()
    version = customer_a.history.earliest()
    url = reverse("admin:retainer_customer_simple_history", args=[customer_a.pk, version.pk])

    response = _login(support_user).post(url, {"name": "Acme", "code": "acme", "is_active": "on"})

    assert response.status_code == 403
    customer_a.refresh_from_db()
    assert customer_a.name == "Acme Renamed"
