"""Automated attackers: schemathesis against /api/schema/, every operation, as a customer and as
support, in-process against the WSGI app.

Bounded so the run fits CI: ``SCHEMATHESIS_MAX_EXAMPLES`` per operation and role (default 6;
raise it for a long run).
What must never happen: a server error, or a success without valid credentials
(``ignored_auth`` repeats each authenticated call without a token and with a bad one). Path
parameters point at customer A's real objects in half the cases, so customer B's runs probe
another company's keys and ids too.
"""

import itertools
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth

from config.wsgi import application

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6"))
CHECKS = [not_a_server_error, ignored_auth]
_alternate = itertools.count()


# Loaded once at collection (the schema view reads no database), one test per operation.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection(db):
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's own test client switches that off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(incident_a, attachment_a, contract_a, worklog_a):
    """Customer A's objects, by path prefix: what half of the cases aim at."""
    return {
        "/api/v1/incidents/": {"key": incident_a.key},
        "/api/v1/contracts/": {"pk": str(contract_a.pk), "id": str(contract_a.pk)},
        "/api/v1/worklogs/": {"pk": str(worklog_a.pk), "id": str(worklog_a.pk)},
    }


def aim_at_real_objects(case, real_ids) -> None:
    if not case.path_parameters or next(_alternate) % 2:
        return
    for prefix, values in real_ids.items():
        if case.path.startswith(prefix):
            for name in case.path_parameters:
                if name in values:
                    case.path_parameters[name] = values[name]


def token_header(user) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@SETTINGS
def test_api_as_a_customer(case, customer_user_a, customer_user_b, real_ids):
    # Customer B aims at A's objects: every answer must be a refusal or B's own data.
    aim_at_real_objects(case, real_ids)
    case.call_and_validate(headers=token_header(customer_user_b), checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_api_as_support(case, support_user, customer_user_a, real_ids):
    aim_at_real_objects(case, real_ids)
    case.call_and_validate(headers=token_header(support_user), checks=CHECKS)


def test_every_operation_declares_authentication(db, client):
    """The schema names the auth schemes; only the token endpoint is open to anyone."""
    spec = client.get("/api/schema/?format=json").json()
    open_operations = [
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if not any(
            requirement for requirement in operation.get("security", spec.get("security", []))
        )
        or {} in operation.get("security", [])
    ]
    allowed = [op for op in open_operations if re.search(r"/auth/token/|/ical/", op)]
    assert open_operations == allowed
