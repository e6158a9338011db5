"""Fixtures for the customer hotline pages: logged-in clients, incidents, form data."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from incidents.models import Severity
from retainer.models import Product, Service
from tests.incidents.factories import IncidentFactory
from tests.retainer.factories import UserFactory

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)


@pytest.fixture
def now(time_machine):
    """Freeze the clock on a Monday morning in Seoul, inside the fixtures' contract year."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def unknown_service(db):
    # The data migration creates it; transactional tests flush it, so make sure it is there.
    service, _ = Service.objects.get_or_create(
        customer=None, code=Service.UNKNOWN_CODE, defaults={"name": "Unknown"}
    )
    return service


def _client_for(user) -> Client:
    # English, so assertions on texts do not depend on the Korean catalogue.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def client_en():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def client_a(customer_user_a):
    return _client_for(customer_user_a)


@pytest.fixture
def client_b(customer_user_b):
    return _client_for(customer_user_b)


@pytest.fixture
def client_support(support_user):
    return _client_for(support_user)


@pytest.fixture
def client_account_manager(account_manager):
    return _client_for(account_manager)


@pytest.fixture
def client_unlinked(db):
    return _client_for(UserFactory(username="nobody"))


@pytest.fixture
def incident_a(customer_a, customer_user_a):
    return IncidentFactory(customer=customer_a, reporter=customer_user_a, summary="Acme is down")


@pytest.fixture
def incident_b(customer_b, customer_user_b):
    return IncidentFactory(customer=customer_b, reporter=customer_user_b, summary="Globex is down")


@pytest.fixture
def intake_data(customer_a, unknown_service):
    """A valid intake form submission for customer A."""
    return {
        "summary": "Payment API returns 500 for every order",
        "description": "All web shop orders fail since 08:30. Call Alice on 010-1234-5678.",
        "severity": str(Severity.CRITICAL),
        "service": str(Service.objects.get(customer=customer_a, code="payments").pk),
        "products": [str(Product.objects.get(customer=customer_a, name="Web shop").pk)],
        "impact_started_at": "2026-03-02T08:30",
        "contact_phone": "010-1234-5678",
    }
