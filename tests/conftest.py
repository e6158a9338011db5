"""Thin shared fixtures; factories live in tests/<app>/factories.py."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from core.access import SUPPORT_GROUP
from tests.retainer.factories import (
    AccountManagerFactory,
    ContractFactory,
    CustomerFactory,
    CustomerUserFactory,
    ProductFactory,
    ServiceFactory,
    SupportUserFactory,
)

# Headless Chromium for the browser tests and journeys (tests/browser.py).
pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True, scope="session")
def _no_history_bypass():
    """QuerySet.update()/bulk_update() on a historied model fails the test (tests/security)."""
    from tests.security.guards import forbid_history_bypass

    with forbid_history_bypass():
        yield


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
    escalation = importlib.import_module("incidents.migrations.0006_default_escalation_policy")
    escalation.assign(django_apps)
    escalation.create_default_policy(django_apps)
    importlib.import_module("retainer.migrations.0005_mm_permissions").assign(django_apps)
    importlib.import_module("retainer.migrations.0002_unknown_service").create_unknown(
        django_apps, None
    )


def _uses_database(request) -> bool:
    fixtures = {"db", "transactional_db", "live_server", "django_db_setup"}
    marker = request.node.get_closest_marker("django_db")
    return marker is not None or bool(fixtures & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request, django_db_blocker):
    """A transactional test ends with a flush that also wipes migration-made rows; put them back
    so the tests that run after it in the same process still find them.

    Use plain ``django_db(transaction=True)``, never ``serialized_rollback=True``: after another
    transactional test's flush has recreated the content types, reloading the serialized
    snapshot collides with them (duplicate ``admin.logentry``)."""
    if _uses_database(request):
        # The teardown below may run before the flush (fixture order varies with the closure):
        # check at setup too, before the test's own transaction begins.
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            if not Group.objects.filter(name=SUPPORT_GROUP).exists():
                restore_reference_data()
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
