"""The dashboard, its live endpoint and every metrics page run a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Severity
from incidents.services import incident_transition
from insights.metrics import PAGES
from tests.incidents.factories import IncidentFactory
from tests.insights.conftest import seoul
from tests.insights.test_views import client_for
from tests.oncall.factories import ScheduleFactory, make_layer, make_page
from tests.retainer.factories import ProductFactory, ServiceFactory

URLS = {
    "dashboard": "/admin/",
    "live": "/admin/insights/dashboard/live/",
    **{page.slug: f"/admin/insights/metrics/{page.slug}/" for page in PAGES},
}
# Pinned: the admin's own queries (session, user, permissions for the app list), the on-call
# panel (one per schedule, ten at most), and each page's grouped aggregates.
MAX_QUERIES = {
    "dashboard": 16,
    "live": 3,
    "times": 5,
    "slo": 5,
    "escalation": 6,
    "services": 6,
    "oncall": 6,
}


def seed(size: int, customers, engineer) -> None:
    """Report ``size`` incidents per customer over two months, in every state and severity."""
    for customer in customers:
        service = ServiceFactory(customer=customer)
        product = ProductFactory(customer=customer)
        for n in range(size):
            reported = seoul(2026, 2, 1, 9, 0) + timedelta(hours=17 * n)
            incident = IncidentFactory(
                customer=customer,
                service=service,
                products=[product],
                severity=Severity.values[n % 4],
                now=reported,
            )
            make_page(engineer, incident_id=incident.pk, at=reported + timedelta(minutes=1))
            if n % 3:
                incident_transition(
                    incident=incident,
                    name="acknowledge",
                    actor=engineer,
                    now=reported + timedelta(minutes=10 * n),
                )
            if n % 3 == 2:
                incident_transition(
                    incident=incident,
                    name="resolve",
                    actor=engineer,
                    now=reported + timedelta(hours=3),
                )


@pytest.fixture
def schedules(support_user):
    for name in ("Tier 3", "DBA"):
        make_layer(ScheduleFactory(name=name), [support_user], name="Primary")


def count_queries(client, url: str, limit: int, assert_max) -> int:
    client.get(url)  # warm: the on-call plans are built once per schedule revision
    with assert_max(limit), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", list(URLS))
def test_query_count_is_pinned_and_does_not_grow_with_the_data(
    name, clock, customer_a, customer_b, support_user, schedules, django_assert_max_num_queries
):
    client = client_for(support_user)
    url, limit = URLS[name], MAX_QUERIES[name]
    seed(2, [customer_a, customer_b], support_user)
    small = count_queries(client, url, limit, django_assert_max_num_queries)

    seed(12, [customer_a, customer_b], support_user)
    large = count_queries(client, url, limit, django_assert_max_num_queries)

    assert small == large, f"{url}: {small} queries with 4 incidents, {large} with 28"
