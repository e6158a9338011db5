"""The incident changelist's rows (incidents.admin.results) are Django's, byte for byte."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from incidents.admin.results import fast_results
from incidents.models import Incident
from incidents.services import incident_acknowledge
from tests.incidents.factories import IncidentFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
CHANGELIST = reverse("admin:incidents_incident_changelist")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _changelist(user, query: str = ""):
    request = RequestFactory().get(CHANGELIST + query)
    request.user = user
    request.resolver_match = resolve(CHANGELIST)  # the change links keep the filters
    cl = admin.site._registry[Incident].get_changelist_instance(request)
    cl.formset = None  # as changelist_view sets it for a list without list_editable
    return cl


@pytest.mark.parametrize(
    "query", ["", "?o=-3.2", "?status__exact=acknowledged", "?q=%3Cb%3E&severity__exact=2"]
)
def test_rows_match_djangos(query, support_user, customer_a, customer_b):
    for n, customer in enumerate([customer_a, customer_b, customer_a, customer_b]):
        incident = IncidentFactory(
            customer=customer, severity=1 + n % 4, summary=f"<b>Checkout</b> & fails {n}"
        )
        if n % 2:
            incident_acknowledge(incident=incident, actor=support_user)

    cl = _changelist(support_user, query)

    expected = [list(row) for row in results(cl)]
    assert expected  # every query above lists something
    assert [list(row) for row in fast_results(cl)] == expected


def test_changelist_page_shows_the_fast_rows(support_user, customer_a):
    incident = IncidentFactory(customer=customer_a)
    client = Client()
    client.force_login(support_user)

    response = client.get(CHANGELIST + "?status__exact=new")

    change = reverse("admin:incidents_incident_change", args=[incident.pk])
    assert response.status_code == 200
    assert f'<th class="field-key_display"><a href="{change}?_changelist_filters=' in (
        response.content.decode()
    )
