"""Every route for every role: allowed ones answer, the rest get 401/403/404 or the login page.

The routes come from ``get_resolver()`` (see ``routes.py``), so a route added anywhere is walked
here; one without an entry in ``matrix.py`` fails ``test_every_route_has_an_entry``. URLs carry
customer A's incident key, attachment, contract and work log; customer B must never get them.
"""

import json
import os
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from tests.incidents.factories import IncidentFactory
from tests.postmortems.factories import published_postmortem
from tests.security.conftest import client_as
from tests.security.matrix import LOGIN, MATRIX, REDIRECT, ROLES, Probe
from tests.security.routes import Route, all_routes, build_url

ADMIN_MODEL = re.compile(r"^admin/(\w+)/(\w+)/")
# Admin route parameters that name a row of the model in the path (or one of its versions).
ADMIN_ROW_PARAMS = {"object_id", "id", "pk", "history_id", "version_id"}
LOGIN_PATHS = ("/hotline/login/", "/admin/login/")
# Admin routes that are not behind the admin's login check.
ADMIN_OPEN = {"admin:login": (200,), "admin:logout": (REDIRECT, 405)}


def is_admin(route: Route) -> bool:
    return route.pattern.startswith("admin/") and not route.pattern.startswith("admin/2fa/")


def admin_expected(route: Route, role: str) -> tuple[Any, ...]:
    """The rule for every admin route: staff only, everyone else is sent to the login page."""
    if role in ("anonymous", "customer_a", "customer_b"):
        return ADMIN_OPEN.get(route.name, (LOGIN,))
    # Staff reach what their permissions allow; a refusal is a 403, a missing row a redirect.
    return (200, 302, 403, 404, 405)


@pytest.fixture
def samples(incident_a, attachment_a, contract_a, worklog_a, support_user):
    """Values for every route parameter: customer A's objects."""
    # A second incident of A's, resolved: incident_a must stay new for the workflow routes.
    postmortem_a = published_postmortem(IncidentFactory(customer=incident_a.customer), support_user)
    return {
        "key": incident_a.key,
        "attachment_id": str(attachment_a.pk),
        "contract_id": str(contract_a.pk),
        "contract_a": str(contract_a.pk),
        "month": "2026-03",
        "token": "not-a-valid-token",
        "url": "no-such-page/",
        "app_label": "incidents",
        "name": "acknowledge",
        "content_type_id": str(ContentType.objects.get_for_model(type(incident_a)).pk),
        "object_id": str(incident_a.pk),
        "pk": {
            "contract-": str(contract_a.pk),
            "worklog-": str(worklog_a.pk),
            "postmortems:": str(postmortem_a.pk),
            "postmortem-": str(postmortem_a.pk),
            "action-item-": str(postmortem_a.action_items.get().pk),
        },
    }


def values_for(route: Route, samples: dict[str, Any]) -> dict[str, str]:
    values = {}
    admin_model = ADMIN_MODEL.match(route.pattern)
    for param in route.params:
        if admin_model and param in ADMIN_ROW_PARAMS:
            values[param] = _admin_sample(route, param)
        elif param == "pk":
            by_prefix = samples["pk"]
            values["pk"] = next(
                (pk for prefix, pk in by_prefix.items() if (route.name or "").startswith(prefix)),
                "1",
            )
        elif param in samples:
            values[param] = samples[param]
        else:
            pytest.fail(
                f"No sample value for parameter {param!r} of route {route.id!r}: add one to the "
                "`samples` fixture in tests/security/test_route_matrix.py."
            )
    return values


def _admin_sample(route: Route, param: str) -> str:
    app_label, model_name = ADMIN_MODEL.match(route.pattern).groups()
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return "0"
    row = model._default_manager.order_by("pk").first()
    if row is None:
        return "0"
    if param not in ("history_id", "version_id"):
        return str(row.pk)
    history = getattr(row, "history", None)
    first = history.order_by("pk").first() if history is not None else None
    return str(first.pk) if first is not None else "0"


def send(client, probe: Probe, url: str, samples: dict[str, Any]):
    query = {k: v.format(**samples) for k, v in probe.query.items()}
    if probe.method == "GET":
        return client.get(url, query)
    if url.startswith("/api/"):
        body = json.dumps(probe.data or {})
        return client.generic(probe.method, url, body, content_type="application/json")
    return client.generic(
        probe.method,
        url,
        _form(probe.data or {}),
        content_type="application/x-www-form-urlencoded",
    )


def _form(data: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def outcome_ok(response, expected: tuple[Any, ...]) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    for outcome in expected:
        if outcome == LOGIN and status == 302 and location.startswith(LOGIN_PATHS):
            return True
        if (
            outcome == REDIRECT
            and status in (301, 302, 303)
            and not location.startswith(LOGIN_PATHS)
        ):
            return True
        if outcome == status:
            return True
    return False


def describe(response) -> str:
    if response.status_code in (301, 302, 303):
        return f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


def test_every_route_has_an_entry():
    missing = [
        f"  {route.id!r}  (pattern {route.pattern!r})"
        for route in all_routes()
        if not is_admin(route) and route.id not in MATRIX
    ]
    assert not missing, (
        "These routes have no entry in tests/security/matrix.py. Add one per route saying what "
        "anonymous, customer A, customer B, support and the account manager get:\n"
        + "\n".join(missing)
    )


def test_matrix_has_no_stale_entries():
    known = {route.id for route in all_routes()}
    stale = sorted(set(MATRIX) - known)
    assert not stale, f"Entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(role, users, samples):
    """Walk all routes as one role; report every mismatch at once."""
    user = users[role]
    problems, table = [], []
    for route in all_routes():
        probes = MATRIX.get(route.id)
        if is_admin(route):
            probes = [None]
        elif probes is None:
            continue  # test_every_route_has_an_entry reports it
        url = build_url(route, values_for(route, samples))
        for entry in probes:
            probe = entry or Probe({role: admin_expected(route, role)})
            expected = probe.expected[role] if entry else admin_expected(route, role)
            with transaction.atomic():  # each request's writes are undone: probes stay independent
                response = send(client_as(user), probe, url, samples)
                transaction.set_rollback(True)
            table.append(f"{role:16} {probe.method:6} {url:70} {describe(response)}")
            if response.status_code >= 500 or not outcome_ok(response, expected):
                problems.append(
                    f"{probe.method} {url} ({route.id}) as {role}: got {describe(response)}, "
                    f"expected {expected}"
                )
    if os.environ.get("ROUTE_MATRIX_PRINT"):
        print("\n".join(table))
    assert not problems, "\n".join(problems)
