"""Fixtures for the incident API: a frozen clock, logged-in clients, incidents per customer."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from incidents.models import Status
from tests.incidents.factories import IncidentFactory, incident_in_status

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def traveller():
    """Freeze the clock inside the customers' contract year; tests move it with ``shift``."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def client_for():
    """Return a factory of API clients logged in (session) as a given user."""

    def make(user) -> APIClient:
        client = APIClient()
        # Log in the stored row: the staff factories leave an unsaved password on the instance,
        # and a session keyed to that hash would not match the database.
        client.force_login(type(user).objects.get(pk=user.pk))
        return client

    return make


@pytest.fixture
def support_client(client_for, support_user):
    return client_for(support_user)


@pytest.fixture
def incident_a(customer_a):
    return IncidentFactory(customer=customer_a, summary="Checkout fails")


@pytest.fixture
def incident_b(customer_b):
    return IncidentFactory(customer=customer_b, summary="Invoices missing")


@pytest.fixture
def incident_a_in(customer_a, support_user):
    """Return a factory of customer A incidents already walked to a status (an hour ago)."""

    def make(status: str = Status.NEW, **kwargs):
        return incident_in_status(
            status,
            actor=support_user,
            reported_at=NOW - timedelta(hours=1),
            customer=customer_a,
            **kwargs,
        )

    return make
