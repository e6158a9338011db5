"""How each route answers each role: the table ``test_route_matrix.py`` checks.

Every route of the project needs an entry here (by name, or by pattern when it has no name);
admin routes are covered by ``ADMIN_RULE``. URLs are built with customer A's data, so customer B
must get 404 wherever A gets the object. Outcomes: a status code, ``LOGIN`` (a redirect to a login
page) or ``REDIRECT`` (any other redirect); a tuple allows several.

Adding a route? Add its entry below, saying what each role gets. Look at what the route answers
with ``ROUTE_MATRIX_PRINT=1 pytest tests/security/test_route_matrix.py -s``, and write down what it
*should* answer: a customer reaching another company's data is a bug, not an entry.
"""

from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
REDIRECT = "redirect"
ROLES = ("anonymous", "customer_a", "customer_b", "support", "account_manager")
API_ANON = (401, 403)
BAD_TOKEN = (400, 403, 404, 410)


@dataclass(frozen=True)
class Probe:
    """One request and what each role must get back."""

    expected: dict[str, tuple[Any, ...]]
    method: str = "GET"
    data: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)


def probe(
    anonymous: Any,
    customer_a: Any,
    customer_b: Any,
    support: Any,
    account_manager: Any,
    *,
    method: str = "GET",
    data: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
) -> Probe:
    outcomes = (anonymous, customer_a, customer_b, support, account_manager)
    expected = {
        role: outcome if isinstance(outcome, tuple) else (outcome,)
        for role, outcome in zip(ROLES, outcomes, strict=True)
    }
    return Probe(expected, method, data, query or {})


# Shorthands for the common shapes.
def customer_page(**kw: Any) -> Probe:
    """A customer page about A's own object: B gets 404, staff the customers-only 403."""
    return probe(LOGIN, 200, 404, 403, 403, **kw)


def customer_list_page(**kw: Any) -> Probe:
    return probe(LOGIN, 200, 200, 403, 403, **kw)


def api_read_shared(**kw: Any) -> Probe:
    """An API read of A's object that staff may see too."""
    return probe(API_ANON, 200, 404, 200, 200, **kw)


def api_list(**kw: Any) -> Probe:
    return probe(API_ANON, 200, 200, 200, 200, **kw)


def api_staff_only(**kw: Any) -> Probe:
    """Staff data: customers are refused (403) or see nothing (404)."""
    return probe(API_ANON, (403, 404), (403, 404), 200, 200, **kw)


def api_staff_only_object(**kw: Any) -> Probe:
    """A staff-only object (the sample id may not exist: staff then get 404)."""
    return probe(API_ANON, (403, 404), (403, 404), (200, 404), (200, 404), **kw)


def public(**kw: Any) -> Probe:
    return probe(200, 200, 200, 200, 200, **kw)


INCIDENT_NOTE = {"text": "Still failing for some users.", "visibility": "customer"}
NEW_INCIDENT = {"summary": "Login page is slow", "severity": 3}

MATRIX: dict[str, list[Probe]] = {
    # --- the site root, language switch, API docs --------------------------------------------
    "": [probe(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)],
    "set_language": [
        probe(
            REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, method="POST", data={"language": "en"}
        )
    ],
    "api-schema": [public()],
    "api-docs": [public()],
    # --- operations: probes are open (no secrets in them); /metrics needs METRICS_TOKEN or an
    # allowed address, and without either configured it does not exist (tests/insights) -------
    "ops:livez": [public()],
    "ops:healthz": [public()],
    "ops:metrics": [probe(404, 404, 404, 404, 404)],
    # --- two-factor pages: staff only ----------------------------------------------------------
    "twofactor:setup": [probe(LOGIN, 403, 403, 200, 200)],
    "twofactor:verify": [probe(LOGIN, 403, 403, REDIRECT, REDIRECT)],
    # --- the customer hotline ---------------------------------------------------------------
    "hotline:home": [public()],
    "hotline:login": [probe(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT)],
    "hotline:logout": [probe(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, method="POST")],
    "hotline:incident_new": [customer_list_page()],
    "hotline:incident_list": [customer_list_page()],
    "hotline:incident": [customer_page()],
    "hotline:incident_received": [customer_page()],
    "hotline:incident_comment": [
        probe(LOGIN, REDIRECT, 404, 403, 403, method="POST", data={"text": "Any news?"})
    ],
    "hotline:attachment": [customer_page()],
    "postmortems:list": [customer_list_page()],
    "postmortems:detail": [customer_page()],
    "postmortems:acknowledge": [probe(LOGIN, REDIRECT, 404, 403, 403, method="POST", data={})],
    "postmortems:export_markdown": [probe(LOGIN, 200, 404, 200, 200)],
    "postmortems:export_html": [probe(LOGIN, 200, 404, 200, 200)],
    "postmortems:export_pdf": [probe(LOGIN, 200, 404, 200, 200)],
    "reports:list": [probe(LOGIN, 200, 200, 403, 403)],
    "reports:detail": [probe(LOGIN, 200, 404, 403, 403)],
    # the monthly report e-mail opt-in: a customer user's own choice; staff have none
    "reports:subscription": [
        probe(LOGIN, REDIRECT, REDIRECT, 403, 403, method="POST", data={"receives": "on"})
    ],
    # --- the one-click acknowledge link and the calendar feeds: a bad token opens nothing -----
    "incident-ack": [probe(*[BAD_TOKEN] * 5)],
    "oncall-ical-schedule": [probe(404, 404, 404, 404, 404)],
    "oncall-ical-person": [probe(404, 404, 404, 404, 404)],
    # --- API: auth ----------------------------------------------------------------------------
    "api-token": [
        probe(400, 400, 400, 400, 400, method="POST", data={"username": "x", "password": "y"})
    ],
    # --- API: incidents -------------------------------------------------------------------------
    "incident-list": [
        api_list(),
        probe(API_ANON, 201, 201, 400, 403, method="POST", data=NEW_INCIDENT),
    ],
    "incident-detail": [
        api_read_shared(),
        probe(API_ANON, 403, 404, 200, 403, method="PATCH", data={"summary": "Checkout down"}),
    ],
    "incident-timeline": [
        api_read_shared(),
        probe(API_ANON, 201, 404, 201, 403, method="POST", data=INCIDENT_NOTE),
    ],
    "incident-acknowledge": [probe(API_ANON, 403, 404, 200, 403, method="POST", data={})],
    "incident-mitigate": [probe(API_ANON, 403, 404, 400, 403, method="POST", data={})],
    "incident-resolve": [probe(API_ANON, 403, 404, 400, 403, method="POST", data={})],
    "incident-reopen": [probe(API_ANON, 403, 404, 400, 403, method="POST", data={})],
    "incident-close": [probe(API_ANON, 403, 404, 400, 403, method="POST", data={})],
    "incident-cancel": [
        probe(
            API_ANON,
            403,
            404,
            200,
            403,
            method="POST",
            data={"reason": "duplicate", "note": "Same as the phone call"},
        )
    ],
    # --- API: post-mortems (A's published one; published reports are frozen: support gets 400) -
    "postmortem-list": [api_list()],
    "postmortem-detail": [
        api_read_shared(),
        probe(API_ANON, 403, 404, 400, 403, method="PATCH", data={"summary": "Checkout down"}),
    ],
    "postmortem-submit": [probe(API_ANON, 403, 404, 400, 403, method="POST", data={})],
    "postmortem-approve": [probe(API_ANON, 403, 404, 400, 403, method="POST", data={})],
    "postmortem-publish": [probe(API_ANON, 403, 404, 400, 403, method="POST", data={})],
    "postmortem-acknowledge": [probe(API_ANON, 200, 404, 403, 403, method="POST", data={})],
    "postmortem-cancel": [
        probe(API_ANON, 403, 404, 400, 403, method="POST", data={"reason": "Not needed"})
    ],
    "postmortem-action-items": [
        api_read_shared(),
        probe(
            API_ANON, 403, 404, 201, 403, method="POST", data={"title": "Alert", "type": "detect"}
        ),
    ],
    "postmortem-export": [api_read_shared(), api_read_shared(query={"format": "pdf"})],
    "action-item-detail": [
        api_read_shared(),
        probe(API_ANON, 403, 404, 200, 403, method="PATCH", data={"status": "done"}),
    ],
    # --- API: contracts, work logs, reports -------------------------------------------------
    "contract-list": [api_list()],
    "contract-detail": [api_read_shared()],
    "contract-balance": [api_read_shared()],
    "contract-ledger": [
        api_read_shared(),
        # an adjustment: account managers only (the empty body is a 400); customers never
        probe(API_ANON, 403, 403, 403, 400, method="POST", data={}),
    ],
    "contract-ledger-reverse": [probe(API_ANON, 403, 403, 403, 400, method="POST", data={})],
    # diagnostics: the sample id names no engagement, so every reader gets 404 on the detail
    "engagement-list": [api_list(), probe(API_ANON, 403, 403, 400, 400, method="POST", data={})],
    "engagement-detail": [
        probe(API_ANON, (200, 404), 404, (200, 404), (200, 404)),
        probe(API_ANON, 403, 403, 404, 404, method="PATCH", data={"title": "Q3 review"}),
    ],
    "worklog-list": [api_list()],
    "worklog-detail": [api_read_shared()],
    "report-monthly": [api_read_shared(query={"contract": "{contract_a}", "month": "2026-03"})],
    # --- API: on-call (the firm's own data) ----------------------------------------------------
    "oncall-now": [probe(API_ANON, (403, 404), (403, 404), (200, 400), (200, 400))],
    "oncall-schedule-list": [api_staff_only()],
    "oncall-schedule-detail": [api_staff_only_object()],
    "oncall-schedule-shifts": [api_staff_only_object()],
    "oncall-layer-list": [api_staff_only()],
    "oncall-layer-detail": [api_staff_only_object()],
    "oncall-override-list": [api_staff_only()],
    "oncall-override-detail": [api_staff_only_object()],
    "oncall-swap-request-list": [api_staff_only()],
    "oncall-swap-request-detail": [api_staff_only_object()],
    "oncall-swap-request-accept": [
        probe(
            API_ANON,
            (403, 404),
            (403, 404),
            (200, 400, 403, 404),
            (200, 400, 403, 404),
            method="POST",
            data={},
        )
    ],
    "oncall-swap-request-cancel": [
        probe(
            API_ANON,
            (403, 404),
            (403, 404),
            (200, 400, 403, 404),
            (200, 400, 403, 404),
            method="POST",
            data={},
        )
    ],
    "oncall-swap-request-decline": [
        probe(
            API_ANON,
            (403, 404),
            (403, 404),
            (200, 400, 403, 404),
            (200, 400, 403, 404),
            method="POST",
            data={},
        )
    ],
}
