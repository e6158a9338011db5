"""Bad input found by review: each was a 500 or a row that broke every later read.

Times outside 2000-2099 (``core.timewindow``): in Asia/Seoul, 0001-01-01 00:00 is a date
before the common era in UTC; PostgreSQL stored it and psycopg could not read it back.
"""

import pytest
from django.urls import reverse

from core import timewindow
from incidents.models import Incident, TimelineEntry
from incidents.services.timeline import NOTE_MAX_LENGTH
from retainer.models import Service
from tests.security.conftest import client_as

OUT_OF_RANGE = [
    "0001-01-01T00:00",
    "0001-01-01T00:00:00",  # naive: DRF's ambiguity check overflowed
    "0001-01-01T00:00:00Z",
    "1899-12-31T23:00:00+09:00",
    "9999-12-31T23:59:59-10:00",
    "2100-01-01T00:00:00Z",
]


def test_the_window_edges():
    assert timewindow.within(timewindow.EARLIEST)
    assert not timewindow.within(timewindow.LATEST)
    assert timewindow.within(timewindow.LATEST.replace(year=2099, month=12, day=31))


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:59"])
def test_hotline_form_refuses_a_time_outside_the_window(users, customer_a, value):
    service = Service.objects.get(customer=customer_a, code="payments")
    response = client_as(users["customer_a"]).post(
        "/hotline/new/",
        {
            "summary": "Checkout down",
            "severity": "2",
            "service": str(service.pk),
            "contact_phone": "010-1234-5678",
            "impact_started_at": value,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["impact_started_at"] == [str(timewindow.MESSAGE)]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_api_refuses_a_time_outside_the_window(users, incident_a, value):
    body = {"summary": "x", "severity": 3, "impact_started_at": value}
    created = client_as(users["customer_a"]).post("/api/v1/incidents/", body, "application/json")
    assert created.status_code == 400
    assert created.json()["impact_started_at"] == [str(timewindow.MESSAGE)]
    assert Incident.objects.count() == 1
    patched = client_as(users["support"]).patch(
        f"/api/v1/incidents/{incident_a.key}/", {"detected_at": value}, "application/json"
    )
    assert patched.status_code == 400
    incident_a.refresh_from_db()
    assert incident_a.detected_at is None or timewindow.within(incident_a.detected_at)


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00"])
def test_who_is_on_call_at_year_one_is_a_400(users, value):
    response = client_as(users["support"]).get("/api/v1/oncall/now/", {"at": value})
    assert response.status_code == 400


def test_work_logged_through_the_api_keeps_its_times_in_the_window(users, contract_a):
    body = {
        "kind": "advisory",
        "contract": contract_a.pk,
        "started_at": "0001-01-01T00:00:00",
        "ended_at": "0001-01-01T02:00:00",
        "description": "x",
    }
    response = client_as(users["support"]).post("/api/v1/worklogs/", body, "application/json")
    assert response.status_code == 400
    assert str(timewindow.MESSAGE) in str(response.json())


def test_admin_incident_form_refuses_year_one(users, customer_a):
    service = Service.objects.get(customer=customer_a, code="payments")
    client = client_as(users["support"])
    response = client.post(
        reverse("admin:incidents_incident_add"),
        {
            "customer": customer_a.pk,
            "service": service.pk,
            "summary": "Checkout down",
            "severity": "2",
            "channel": "phone",
            "impact_started_at_0": "0001-01-01",
            "impact_started_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "impact_started_at" in response.context["adminform"].form.errors
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("url", "roles"),
    [
        ("/hotline/incidents/%00/", ["customer_a"]),  # staff get 403 on the hotline anyway
        ("/hotline/incidents/%00/received/", ["customer_a"]),
        ("/hotline/incidents/HOT-1%00/attachments/1/", ["customer_a"]),
        ("/api/v1/incidents/%00/", ["customer_a", "support"]),
        ("/api/v1/incidents/%00/timeline/", ["customer_a", "support"]),
    ],
)
def test_a_nul_in_a_key_is_a_404(users, url, roles):
    for role in roles:
        assert client_as(users[role]).get(url).status_code == 404


@pytest.mark.parametrize("kind", ["schedules", "people"])
def test_a_nul_in_a_feed_token_is_a_404(db, kind):
    token = "a" * 40 + "%00"
    assert client_as(None).get(f"/api/v1/oncall/ical/{kind}/{token}.ics").status_code == 404


def test_a_note_longer_than_the_hotline_allows_is_a_400(users, incident_a):
    url = f"/api/v1/incidents/{incident_a.key}/timeline/"
    body = {"text": "x" * (NOTE_MAX_LENGTH + 1)}
    before = TimelineEntry.objects.count()
    response = client_as(users["customer_a"]).post(url, body, "application/json")
    assert response.status_code == 400
    assert TimelineEntry.objects.count() == before
