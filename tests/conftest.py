"""Thin shared fixtures; factories live in tests/<app>/factories.py."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.models import ContentType
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


def restore_reference_data() -> None:
    """Recreate what data migrations made (groups, permissions, the shared "unknown" service)."""
    # The flush gave content types new ids; the cache still holds the old ones.
    ContentType.objects.clear_cache()
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    importlib.import_module("core.migrations.0001_staff_groups").assign(django_apps)
    importlib.import_module("retainer.migrations.0002_unknown_service").create_unknown(
        django_apps, None
    )


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request, django_db_blocker):
    """A transactional test ends with a flush that also wipes migration-made rows; put them back
    so the tests that run after it in the same process still find them."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        with django_db_blocker.unblock():
            restore_reference_data()


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
