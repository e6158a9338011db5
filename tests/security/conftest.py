"""Fixtures for the security tests: one logged-in client per role, customer A's data to aim at."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from incidents.models import Severity, TimelineEntry
from incidents.services import attachment_add
from retainer.models import Contract, Service
from tests.incidents.factories import IncidentFactory

PASSWORD = "correct horse battery staple"
ROLES = ("anonymous", "customer_a", "customer_b", "support", "account_manager")


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Rate-limit counters live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limits_on(settings):
    """Turn the rate limits on (the test settings turn them off for the rest of the suite)."""
    settings.RATELIMIT_ENABLE = True
    return settings.HOTLINE_RATELIMITS


@pytest.fixture
def unknown_service(db):
    service, _ = Service.objects.get_or_create(
        customer=None, code=Service.UNKNOWN_CODE, defaults={"name": "Unknown"}
    )
    return service


@pytest.fixture
def users(customer_user_a, customer_user_b, support_user, account_manager):
    """Every role's user (None for anonymous), each with a known password."""
    found = {
        "anonymous": None,
        "customer_a": customer_user_a,
        "customer_b": customer_user_b,
        "support": support_user,
        "account_manager": account_manager,
    }
    for user in found.values():
        if user is not None:
            user.set_password(PASSWORD)
            user.save()
    return found


def client_as(user, **headers) -> Client:
    """Return a client logged in as ``user`` (anonymous for None), talking English."""
    client = Client(**{"HTTP_ACCEPT_LANGUAGE": "en", **headers})
    if user is not None:
        client.force_login(type(user).objects.get(pk=user.pk))
    return client


@pytest.fixture
def incident_a(customer_a, customer_user_a, unknown_service):
    return IncidentFactory(
        customer=customer_a,
        reporter=customer_user_a,
        actor=customer_user_a,
        summary="Acme checkout is down",
        severity=Severity.HIGH,
    )


@pytest.fixture
def attachment_a(incident_a, customer_user_a):
    upload = SimpleUploadedFile("error.log", b"ERROR 500 at checkout\n", "text/plain")
    return attachment_add(
        incident=incident_a,
        upload=upload,
        actor=customer_user_a,
        visibility=TimelineEntry.Visibility.CUSTOMER,
    )


@pytest.fixture
def contract_a(customer_a):
    return Contract.objects.get(customer=customer_a)


@pytest.fixture
def worklog_a(contract_a, support_user):
    from retainer.services import worklog_create

    return worklog_create(
        actor=support_user,
        contract=contract_a,
        kind="advisory",
        performed_on=date(2026, 3, 2),
        hours=Decimal("1.5"),
        description="Reviewed the checkout logs",
    )
