"""Thin shared fixtures; factories live in tests/<app>/factories.py."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_migrate
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
    importlib.import_module("postmortems.migrations.0003_permissions").assign(django_apps)
    importlib.import_module("retainer.migrations.0002_unknown_service").create_unknown(
        django_apps, None
    )


@pytest.fixture(autouse=True, scope="session")
def _reference_data_after_flush():
    """A transactional test ends with a flush that also wipes migration-made rows; Django sends
    ``post_migrate`` right after that flush, so put them back there, before any later test in the
    same process runs (however it reaches the database: a marker, a fixture or
    ``request.getfixturevalue``).

    Use plain ``django_db(transaction=True)``, never ``serialized_rollback=True``: that inhibits
    the signal, and reloading the serialized snapshot collides with the content types another
    transactional test's flush recreated (duplicate ``admin.logentry``)."""

    def restore(sender, **kwargs):
        restore_reference_data()

    uid = "tests.restore_reference_data"
    post_migrate.connect(
        restore, sender=django_apps.get_app_config("core"), weak=False, dispatch_uid=uid
    )
    yield
    post_migrate.disconnect(sender=django_apps.get_app_config("core"), dispatch_uid=uid)


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
