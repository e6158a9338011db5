"""Structured logs: JSON lines carrying the request id, the incident key and the Celery task."""

import io
import json
import logging
from datetime import datetime

import pytest
import time_machine
from django.conf import settings as django_settings

from core import logging as log_context
from incidents.tasks import sweep_timers
from tests.incidents.escalation.conftest import make_policy
from tests.incidents.factories import IncidentFactory
from tests.oncall.factories import EngineerFactory

pytestmark = pytest.mark.django_db

REPORTED = datetime.fromisoformat("2026-03-10 01:00:00+00:00")


class JsonLines:
    """A root handler like the production one: the context filter and the JSON formatter."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(log_context.ContextFilter())
        self.handler.setFormatter(log_context.JsonFormatter())

    def lines(self, containing: str = "") -> list[dict]:
        found = [json.loads(line) for line in self.stream.getvalue().splitlines()]
        return [line for line in found if containing in line["message"]]


@pytest.fixture
def logs():
    captured = JsonLines()
    root = logging.getLogger()
    root.addHandler(captured.handler)
    yield captured
    root.removeHandler(captured.handler)


@pytest.fixture(autouse=True)
def _clean_context():
    log_context._context.set(log_context._EMPTY)
    yield
    log_context._context.set(log_context._EMPTY)


def test_a_request_id_is_in_the_requests_log_lines_and_header(client, logs):
    response = client.get("/no/such/page/")

    [line] = logs.lines("Not Found: /no/such/page/")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "WARNING"
    assert line["name"] == "django.request"
    assert line["time"].endswith("+00:00")
    assert log_context.current() == {}  # cleared once the response was closed


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("4f1c2a9e-lb-0001", True),
        ("short", False),
        ("x" * 65, False),
        ('abcdefgh"} {"level": "ERROR', False),  # no forged JSON in our lines
    ],
)
def test_a_proxys_request_id_is_kept_only_when_plain(client, given, kept):
    response = client.get("/livez", headers={"x-request-id": given})
    assert (response["X-Request-ID"] == given) is kept
    assert len(response["X-Request-ID"]) in (len(given) if kept else 16,)


def test_a_refused_transition_logs_its_incident_key(api_client, logs, customer_a, support_user):
    incident = IncidentFactory(customer=customer_a)
    api_client.force_authenticate(support_user)
    url = f"/api/v1/incidents/{incident.key}/acknowledge/"
    assert api_client.post(url, {}, format="json").status_code == 200

    response = api_client.post(url, {}, format="json")

    assert response.status_code == 400
    [line] = logs.lines(f"Bad Request: {url}")
    assert line["incident"] == incident.key
    assert line["request_id"] == response["X-Request-ID"]


def test_intake_binds_the_new_incidents_key_within_a_request(customer_a, logs):
    log_context.bind(request_id="r-1")
    incident = IncidentFactory(customer=customer_a)
    logging.getLogger("hotline.test").info("after intake")

    [line] = logs.lines("after intake")
    assert (line["request_id"], line["incident"]) == ("r-1", incident.key)


def test_outside_a_request_or_task_nothing_is_bound(customer_a):
    IncidentFactory(customer=customer_a)
    assert log_context.current() == {}


def test_sweep_task_lines_carry_the_task_and_the_incident(customer_a, logs):
    """The sweep logs each page it sends: with the task's name and id and the incident key."""
    engineer = EngineerFactory(email="p1@x.io")
    make_policy([(0, ["email"], [{"kind": "user", "user": engineer}])])
    with time_machine.travel(REPORTED, tick=False):
        incident = IncidentFactory(customer=customer_a)
        sweep_timers.delay()

    [line] = logs.lines("Escalation step 1 paged 1 recipient(s).")
    assert line["incident"] == incident.key
    assert line["task_name"] == "incidents.sweep_timers"
    assert line["task_id"]
    assert log_context.current() == {}  # the task's context is gone after it


def test_the_plain_format_puts_the_context_at_the_end():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "Paged %s", ("Kim",), None)
    with log_context.incident_context("HOT-7"):
        log_context.ContextFilter().filter(record)
    line = log_context.PlainFormatter("%(levelname)s %(message)s").format(record)
    assert line == "INFO Paged Kim [incident=HOT-7]"


def test_json_in_production_and_plain_in_debug():
    handler = django_settings.LOGGING["handlers"]["console"]
    assert handler["formatter"] == ("plain" if django_settings.DEBUG else "json")
    assert handler["filters"] == ["context"]
