"""Thin shared fixtures; factories live in tests/<app>/factories.py."""

import pytest
from rest_framework.test import APIClient

from tests.retainer.factories import (
    AccountManagerFactory,
    ContractFactory,
    CustomerFactory,
    CustomerUserFactory,
    ProductFactory,
    ServiceFactory,
    SupportUserFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Keep uploaded files of a test in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def support_user(db):
    return SupportUserFactory(username="support1")


@pytest.fixture
def account_manager(db):
    return AccountManagerFactory(username="am1")


@pytest.fixture
def customer_a(db):
    customer = CustomerFactory(name="Acme", code="acme")
    ContractFactory(customer=customer, code="ACME-2026")
    ServiceFactory(customer=customer, name="Payments", code="payments")
    ProductFactory(customer=customer, name="Web shop")
    return customer


@pytest.fixture
def customer_b(db):
    customer = CustomerFactory(name="Globex", code="globex")
    ContractFactory(customer=customer, code="GLOBEX-2026")
    ServiceFactory(customer=customer, name="Billing", code="billing")
    ProductFactory(customer=customer, name="Mobile app")
    return customer


@pytest.fixture
def customer_user_a(customer_a):
    return CustomerUserFactory(customer=customer_a, user__username="alice").user


@pytest.fixture
def customer_user_b(customer_b):
    return CustomerUserFactory(customer=customer_b, user__username="bob").user


@pytest.fixture
def api_client():
    return APIClient()
