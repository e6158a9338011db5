"""Rate limits on the hotline form, the logins and the API: per user and per address, with a
translated 429 that names the hotline phone, and never in the way of a colleague's urgent report.
"""

from datetime import UTC, datetime

import pytest
from django.test import Client

from incidents.models import Incident, Severity
from retainer.models import Service
from tests.retainer.factories import CustomerUserFactory
from tests.security.conftest import PASSWORD, client_as

OFFICE, ATTACKER, HOME = "198.51.100.30", "203.0.113.7", "198.51.100.20"
# django-ratelimit counts in fixed windows: a test that crossed a window's end (a minute, for
# "2/m") started counting again and saw 201 where 429 was due. The clock stands still here, at
# the start of every window these tests use.
WINDOW_START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _one_window(time_machine):
    time_machine.move_to(WINDOW_START, tick=False)


@pytest.fixture
def rates(limits_on, settings):
    """Small limits so a test can reach them quickly."""
    settings.HOTLINE_RATELIMITS = {
        **settings.HOTLINE_RATELIMITS,
        "intake_user": "3/10m",
        "intake_ip": "100/10m",
        "login_ip": "6/5m",
        "login_username": "4/5m",
        "form_user": "3/m",
        "api_ip": "8/m",
        "api_user": "4/m",
        "api_write": "2/m",
    }
    return settings.HOTLINE_RATELIMITS


@pytest.fixture
def mallory(customer_a):
    """A second user of customer A who floods the form (a script gone wrong, a stolen login)."""
    return CustomerUserFactory(customer=customer_a, user__username="mallory").user


def report(client: Client, customer, *, summary: str, severity: int = Severity.MEDIUM):
    service = Service.objects.get(customer=customer, code="payments")
    return client.post(
        "/hotline/new/",
        {
            "summary": summary,
            "severity": str(severity),
            "service": str(service.pk),
            "contact_phone": "010-1234-5678",
        },
    )


def as_user(user, address: str = OFFICE, language: str = "en") -> Client:
    return client_as(user, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


# --- the hotline form -------------------------------------------------------------------------


def test_the_form_is_limited_per_user_with_a_clear_429(rates, mallory, customer_a, unknown_service):
    client = as_user(mallory)
    statuses = [report(client, customer_a, summary=f"spam {n}").status_code for n in range(4)]

    assert statuses == [302, 302, 302, 429]
    refused = report(client, customer_a, summary="more spam")
    page = refused.content.decode()
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests" in page
    assert "1588-0000" in page  # the way to report an emergency anyway


def test_a_colleague_on_the_same_address_still_files_an_urgent_incident(
    rates, mallory, customer_a, users, unknown_service
):
    flooder = as_user(mallory)
    while report(flooder, customer_a, summary="spam").status_code != 429:
        pass

    response = report(
        as_user(users["customer_a"]),
        customer_a,
        summary="Payments down",
        severity=Severity.CRITICAL,
    )

    assert response.status_code == 302
    assert Incident.objects.get(summary="Payments down").severity == Severity.CRITICAL


def test_the_urgent_report_gets_through_while_its_login_is_attacked(
    rates, customer_a, users, unknown_service
):
    """An attacker guessing alice's password from elsewhere neither locks nor slows her."""
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(10):
        attacker.post("/hotline/login/", {"username": "alice", "password": "guess"})

    alice = Client(REMOTE_ADDR=HOME, HTTP_ACCEPT_LANGUAGE="en")
    alice.force_login(users["customer_a"])
    response = report(alice, customer_a, summary="Site down", severity=Severity.CRITICAL)

    assert response.status_code == 302
    assert Incident.objects.filter(summary="Site down").exists()


def test_other_forms_are_covered_by_the_generic_limit(rates, users, incident_a):
    client = as_user(users["customer_a"])
    url = f"/hotline/incidents/{incident_a.key}/comment/"

    statuses = [client.post(url, {"text": f"Any news? {n}"}).status_code for n in range(4)]

    assert statuses == [302, 302, 302, 429]


# --- logins -----------------------------------------------------------------------------------


def test_login_attempts_are_limited_per_address(rates, users):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    statuses = [
        attacker.post("/hotline/login/", {"username": f"user{n}", "password": "x"}).status_code
        for n in range(7)
    ]

    assert statuses[-1] == 429
    alice = Client(REMOTE_ADDR=HOME)
    assert (
        alice.post("/hotline/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )


def test_login_attempts_are_limited_per_user_name_across_addresses(rates, users):
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}")
        .post("/admin/login/", {"username": "support1", "password": "guess"})
        .status_code
        for n in range(10, 15)
    ]

    assert statuses[-1] == 429


# --- the API ----------------------------------------------------------------------------------


def test_the_api_is_limited_per_user(rates, users):
    alice = as_user(users["customer_a"])
    statuses = [alice.get("/api/v1/incidents/").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    refused = alice.get("/api/v1/incidents/")
    assert "Too many requests" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    # Another user on the same address is not affected.
    assert as_user(users["customer_b"]).get("/api/v1/incidents/").status_code == 200


def test_api_writes_have_their_own_lower_limit(rates, users, incident_a):
    alice = as_user(users["customer_a"])
    url = f"/api/v1/incidents/{incident_a.key}/timeline/"

    statuses = [
        alice.post(url, {"text": f"note {n}"}, "application/json").status_code for n in range(3)
    ]

    assert statuses == [201, 201, 429]


def test_unauthenticated_api_floods_are_limited_per_address(rates, db):
    anonymous = Client(REMOTE_ADDR=ATTACKER)
    statuses = [anonymous.get("/api/v1/incidents/").status_code for _ in range(9)]

    assert statuses[:8] == [401] * 8
    assert statuses[8] == 429
    assert Client(REMOTE_ADDR=HOME).get("/api/v1/incidents/").status_code == 401


def test_the_token_endpoint_is_limited_per_user_name(rates, users):
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}")
        .post("/api/v1/auth/token/", {"username": "alice", "password": "guess"}, "application/json")
        .status_code
        for n in range(20, 25)
    ]

    assert statuses[-1] == 429


def test_the_limit_message_is_translated(rates, mallory, customer_a, unknown_service):
    client = as_user(mallory, language="ko")
    while (response := report(client, customer_a, summary="spam")).status_code != 429:
        pass

    page = response.content.decode()
    assert "Too many requests" not in page
    assert "1588-0000" in page
