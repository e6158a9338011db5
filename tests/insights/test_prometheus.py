"""/metrics: refused without the token or an allowed address; the figures; bounded labels."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.http import HttpResponse
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from core.notifications.models import Delivery
from incidents.escalation.sweep import timers_sweep
from incidents.models import Severity
from incidents.services import incident_transition
from insights.prometheus import UNMATCHED, RequestMetricsMiddleware
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-0123456789"
REPORTED = datetime.fromisoformat("2026-03-10 01:00:00+00:00")
COUNT = "hotline_http_request_duration_seconds_count"


@pytest.fixture
def token(settings):
    settings.HOTLINE_METRICS_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def frozen():
    with time_machine.travel(REPORTED, tick=False) as traveller:
        yield traveller


def scrape(client) -> dict[str, dict[tuple, float]]:
    """Return {sample name: {sorted labels: value}} from the exposition."""
    response = client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            samples.setdefault(sample.name, {})[key] = sample.value
    return samples


def test_not_configured_the_endpoint_does_not_exist(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_without_the_right_token_it_is_refused(client, token, authorization):
    headers = {"authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 403
    assert b"hotline_" not in response.content


def test_a_logged_in_staff_member_is_refused_too(client, token, support_user):
    client.force_login(support_user)
    assert client.get("/metrics").status_code == 403


def test_the_right_token_gets_the_exposition(client, token):
    samples = scrape(client)
    for name in (
        "hotline_incidents_open",
        "hotline_slo_response_breaches_total",
        "hotline_slo_response_breached_open",
        "hotline_notification_deliveries_failing",
        "hotline_sweep_lag_seconds",
        "hotline_http_request_duration_seconds_bucket",
    ):
        assert name in samples, name


@pytest.mark.parametrize(
    ("allowed", "status"), [(["10.0.0.0/8", "127.0.0.1"], 200), (["10.0.0.0/8"], 403)]
)
def test_an_allowed_address_needs_no_token(client, settings, allowed, status):
    settings.HOTLINE_METRICS_ALLOWED_IPS = allowed
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == status


def test_open_incidents_by_severity(client, token, customer_a, support_user, frozen):
    for severity in (Severity.CRITICAL, Severity.HIGH, Severity.HIGH, Severity.LOW):
        IncidentFactory(customer=customer_a, severity=severity)
    acknowledged = IncidentFactory(customer=customer_a, severity=Severity.CRITICAL)
    incident_transition(incident=acknowledged, name="acknowledge", actor=support_user)
    resolved = IncidentFactory(customer=customer_a, severity=Severity.MEDIUM)
    incident_transition(incident=resolved, name="acknowledge", actor=support_user)
    incident_transition(incident=resolved, name="resolve", actor=support_user)

    gauge = scrape(client)["hotline_incidents_open"]

    assert gauge == {
        (("severity", "1"),): 2,
        (("severity", "2"),): 2,
        (("severity", "3"),): 0,
        (("severity", "4"),): 1,
    }


def test_response_slo_breaches_total_and_open(client, token, customer_a, support_user, frozen):
    late = [IncidentFactory(customer=customer_a, severity=Severity.HIGH) for _ in range(3)]
    IncidentFactory(customer=customer_a, severity=Severity.HIGH, now=REPORTED + timedelta(hours=2))
    frozen.shift(timedelta(hours=2, minutes=1))
    timers_sweep()  # the three earlier incidents breach their 2-hour response SLO
    incident_transition(incident=late[0], name="acknowledge", actor=support_user)
    incident_transition(incident=late[0], name="resolve", actor=support_user)

    samples = scrape(client)

    assert samples["hotline_slo_response_breaches_total"] == {(): 3}
    assert samples["hotline_slo_response_breached_open"] == {(): 2}


def test_failing_deliveries_by_channel(client, token, frozen):
    rows = [("email", "dead"), ("sms", "dead"), ("sms", "dead"), ("slack", "failed"),
            ("email", "sent"), ("email", "pending")]  # fmt: skip
    for channel, status in rows:
        Delivery.objects.create(
            topic="test",
            idempotency_key=f"{channel}-{status}-{Delivery.objects.count()}",
            recipient_label="Kim",
            channel=channel,
            language="en",
            subject="Page",
            body="Database down",
            status=status,
            next_attempt_at=REPORTED,
        )

    gauge = scrape(client)["hotline_notification_deliveries_failing"]

    assert gauge[(("channel", "email"), ("status", "dead"))] == 1
    assert gauge[(("channel", "sms"), ("status", "dead"))] == 2
    assert gauge[(("channel", "slack"), ("status", "failed"))] == 1
    assert gauge[(("channel", "email"), ("status", "failed"))] == 0
    assert sum(gauge.values()) == 4


def test_sweep_lag_is_the_age_of_the_oldest_due_timer(client, token, customer_a, frozen, settings):
    IncidentFactory(customer=customer_a)  # its first escalation step is due at once
    frozen.shift(90)

    samples = scrape(client)

    assert samples["hotline_sweep_lag_seconds"] == {(): 90.0}

    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, "filesystem://"
    settings.VAR_DIR = settings.MEDIA_ROOT.parent  # a per-test folder
    timers_sweep()
    frozen.shift(12)
    samples = scrape(client)
    assert samples["hotline_sweep_lag_seconds"] == {(): 0.0}
    assert samples["hotline_sweep_last_success_age_seconds"] == {(): 12.0}


def test_latency_is_labelled_by_route_name_never_by_path(client, token, customer_a):
    """Two incident pages and junk paths add two route labels, however many paths there are."""
    first, second = IncidentFactory(customer=customer_a), IncidentFactory(customer=customer_a)
    for path in (
        f"/hotline/incidents/{first.key}/",
        f"/hotline/incidents/{second.key}/",
        "/no/such/page/1",
        "/no/such/page/2",
    ):
        client.get(path)

    counts = scrape(client)["hotline_http_request_duration_seconds_count"]
    routes = {dict(labels)["route"] for labels in counts}

    assert "hotline:incident" in routes
    assert UNMATCHED in routes
    assert not any(first.key in route or "/no/such" in route for route in routes)


def test_unknown_methods_and_statuses_are_folded_into_bounded_labels(rf):
    middleware = RequestMetricsMiddleware(lambda request: HttpResponse(status=418))
    labels = {"route": UNMATCHED, "method": "other", "status": "4xx"}

    before = REGISTRY.get_sample_value(COUNT, labels) or 0
    middleware(rf.generic("BREW", "/coffee"))

    assert REGISTRY.get_sample_value(COUNT, labels) == before + 1
