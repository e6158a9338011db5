"""The incident REST API: scoping, permissions, filters, writes through services, the schema."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import CancelReason, Channel, Incident, Status, TimelineEntry
from incidents.services import incident_acknowledge, incident_add_note, incident_cancel
from tests.incidents.api.conftest import NOW
from tests.incidents.factories import IncidentFactory, settle_postmortem
from tests.retainer.factories import PASSWORD, SupportUserFactory, UserFactory

pytestmark = pytest.mark.django_db

TRANSITIONS = ("acknowledge", "mitigate", "resolve", "reopen", "close", "cancel")
# A body every transition accepts, so a refusal can only come from the rules under test.
TRANSITION_BODY = {"reason": CancelReason.DUPLICATE, "note": "Same as yesterday's."}


def list_url() -> str:
    return reverse("incident-list")


def detail_url(key: str) -> str:
    return reverse("incident-detail", args=[key])


def action_url(key: str, name: str) -> str:
    return reverse(f"incident-{name}", args=[key])


def call(client: APIClient, method: str, url: str, data: dict | None = None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data or {}, format="json")


def result_keys(response) -> set[str]:
    assert response.status_code == 200, response.data
    return {row["key"] for row in response.data["results"]}


def snapshot(incident: Incident) -> tuple[dict, int]:
    """Return the incident's row and timeline length, to show a refused request changed nothing."""
    return Incident.objects.values().get(pk=incident.pk), incident.timeline.count()


# --- Listing and filters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "new"}, {Status.NEW}),
        ({"status": ["new", "resolved"]}, {Status.NEW, Status.RESOLVED}),
        ({"status": "closed"}, set()),
        ({}, {Status.NEW, Status.ACKNOWLEDGED, Status.RESOLVED}),
    ],
)
def test_list_filters_by_status(support_client, incident_a_in, query, expected):
    made = {status: incident_a_in(status).key for status in ("new", "acknowledged", "resolved")}

    response = support_client.get(list_url(), query)

    assert result_keys(response) == {made[status] for status in expected}


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"severity": 1}, {1}), ({"severity": [1, 3]}, {1, 3}), ({}, {1, 2, 3})],
)
def test_list_filters_by_severity(support_client, customer_a, query, expected):
    for severity in (1, 2, 3):
        IncidentFactory(customer=customer_a, severity=severity)

    response = support_client.get(list_url(), query)

    assert sorted(row["severity"] for row in response.data["results"]) == sorted(expected)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("running", {"running"}),
        ("met", {"met"}),
        ("breached", {"late", "unacknowledged"}),
        ("n/a", {"cancelled"}),
    ],
)
def test_list_filters_by_slo_state(
    support_client, support_user, customer_a, traveller, state, expected
):
    made = {
        name: IncidentFactory(customer=customer_a, summary=name)
        for name in ("met", "late", "unacknowledged", "cancelled")
    }
    traveller.shift(timedelta(minutes=30))
    incident_acknowledge(incident=made["met"], actor=support_user)
    incident_cancel(incident=made["cancelled"], actor=support_user, reason=CancelReason.DUPLICATE)
    traveller.shift(timedelta(hours=2))
    IncidentFactory(customer=customer_a, summary="running")
    traveller.shift(timedelta(minutes=30))  # 3 h after the first reports; the target is 2 h
    incident_acknowledge(incident=made["late"], actor=support_user)

    response = support_client.get(list_url(), {"slo_state": state})

    assert {row["summary"] for row in response.data["results"]} == expected
    assert {row["slo_state"] for row in response.data["results"]} == {state}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("checkout", {"Checkout fails"}),
        ("INVOICE", {"Invoice run slow"}),
        ("fails", {"Checkout fails"}),
        ("nothing like it", set()),
    ],
)
def test_list_searches_summary(support_client, customer_a, q, expected):
    IncidentFactory(customer=customer_a, summary="Checkout fails")
    IncidentFactory(customer=customer_a, summary="Invoice run slow")

    response = support_client.get(list_url(), {"q": q})

    assert {row["summary"] for row in response.data["results"]} == expected


def test_list_searches_key_in_any_case(support_client, customer_a):
    wanted = IncidentFactory(customer=customer_a)
    IncidentFactory(customer=customer_a)

    response = support_client.get(list_url(), {"q": wanted.key.lower()})

    assert result_keys(response) == {wanted.key}


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("customer", "first"),
        ("service", "first"),
        ("channel", "first"),
        ("reported_before", "first"),
        ("reported_after", "second"),
    ],
)
def test_list_filters_by_customer_service_channel_and_time(
    support_client, customer_a, customer_b, traveller, field, expected
):
    made = {
        "first": IncidentFactory(
            customer=customer_a, service=customer_a.services.get(), channel=Channel.PHONE
        )
    }
    traveller.shift(timedelta(hours=1))
    made["second"] = IncidentFactory(
        customer=customer_b, service=customer_b.services.get(), channel=Channel.EMAIL
    )
    halfway = (NOW + timedelta(minutes=30)).isoformat()
    query = {
        "customer": customer_a.pk,
        "service": made["first"].service_id,
        "channel": Channel.PHONE,
        "reported_before": halfway,
        "reported_after": halfway,
    }

    response = support_client.get(list_url(), {field: query[field]})

    assert result_keys(response) == {made[expected].key}


@pytest.mark.parametrize(
    "query",
    [{"status": "bogus"}, {"slo_state": "late"}, {"severity": 9}, {"customer": "one"}],
)
def test_list_refuses_bad_filter_values(support_client, query):
    assert support_client.get(list_url(), query).status_code == 400


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ({}, [4, 1, 3]),
        ({"ordering": "severity"}, [1, 3, 4]),
        ({"ordering": "-severity"}, [4, 3, 1]),
        ({"ordering": "summary"}, [4, 1, 3]),  # not an ordering field: newest first stays
    ],
)
def test_list_ordering(support_client, customer_a, ordering, expected):
    for severity in (3, 1, 4):
        IncidentFactory(customer=customer_a, severity=severity)

    response = support_client.get(list_url(), ordering)

    assert [row["severity"] for row in response.data["results"]] == expected


@pytest.mark.parametrize("user_fixture", ["support_user", "customer_user_a"])
def test_list_query_count_does_not_grow_with_rows(
    request, client_for, customer_a, support_user, customer_user_a, user_fixture
):
    client = client_for(request.getfixturevalue(user_fixture))
    client.get(list_url())  # warm the session cache so both measured requests start alike
    service, product = customer_a.services.get(), customer_a.products.get()
    counts = {}
    for total in (5, 50):
        while Incident.objects.count() < total:
            incident = IncidentFactory(
                customer=customer_a, actor=customer_user_a, service=service, products=[product]
            )
            incident_acknowledge(incident=incident, actor=support_user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(list_url())
        assert response.data["count"] == total
        counts[total] = len(queries)

    assert counts[5] == counts[50]
    # auth (session, user, groups, customer link), count, page, and at most one query per
    # prefetched relation (products, contract, reporter, tech lead, communications lead).
    assert counts[50] <= 11


# --- Reading one incident ---------------------------------------------------------------------


def test_retrieve_shows_times_derived_durations_and_transitions(support_client, incident_a_in):
    incident = incident_a_in(
        Status.RESOLVED,
        impact_started_at=NOW - timedelta(minutes=90),
        detected_at=NOW - timedelta(minutes=80),
    )

    data = support_client.get(detail_url(incident.key.lower())).data

    assert data["key"] == incident.key
    assert (data["status"], data["severity"], data["contract_code"]) == ("resolved", 2, "ACME-2026")
    assert data["status_label"]
    assert data["severity_label"]
    assert (data["ttd_seconds"], data["tta_seconds"], data["ttr_seconds"]) == (600, 600, 3000)
    assert data["slo_state"] == "met"
    assert data["allowed_transitions"] == ["reopen", "close"]
    assert data["customer"]["code"] == "acme"


def test_customer_sees_no_transitions_it_cannot_run(client_for, customer_user_a, incident_a):
    data = client_for(customer_user_a).get(detail_url(incident_a.key)).data

    assert data["allowed_transitions"] == []


def test_user_without_a_company_or_staff_role_is_refused(client_for, incident_a):
    client = client_for(UserFactory(username="drifter"))

    assert client.get(list_url()).status_code == 403


# --- Reporting --------------------------------------------------------------------------------


def test_customer_reports_for_own_company_via_api(client_for, customer_user_a, customer_a):
    service, product = customer_a.services.get(), customer_a.products.get()
    payload = {
        "summary": "Checkout fails",
        "severity": 1,
        "service": service.pk,
        "products": [product.pk],
        "channel": Channel.PHONE,
    }

    response = client_for(customer_user_a).post(list_url(), payload, format="json")

    assert response.status_code == 201, response.data
    incident = Incident.objects.get(key=response.data["key"])
    assert (incident.customer, incident.channel) == (customer_a, Channel.API)
    assert (incident.reporter, incident.reporter_email) == (customer_user_a, customer_user_a.email)
    assert list(incident.products.all()) == [product]
    assert response.data["service"]["id"] == service.pk


def test_support_reports_for_the_named_customer(support_client, customer_a):
    payload = {
        "customer": customer_a.pk,
        "summary": "Payments down",
        "severity": 2,
        "channel": Channel.PHONE,
        "reporter_name": "Kim Minji",
        "reporter_phone": "010-2222-3333",
    }

    response = support_client.post(list_url(), payload, format="json")

    assert response.status_code == 201, response.data
    assert response.data["customer"]["id"] == customer_a.pk
    assert (response.data["channel"], response.data["status"]) == ("phone", "new")
    assert response.data["reporter_name"] == "Kim Minji"
    assert response.data["contract_code"] == "ACME-2026"
    assert response.data["allowed_transitions"] == ["acknowledge", "cancel"]


def _valid(**extra):
    return {"summary": "Checkout fails", "severity": 2, **extra}


BAD_CREATES = [
    pytest.param("customer_user_a", lambda a, b: {"severity": 2}, "summary", id="no-summary"),
    pytest.param("customer_user_a", lambda a, b: _valid(severity=9), "severity", id="severity"),
    pytest.param(
        "customer_user_a",
        lambda a, b: _valid(service=b.services.get().pk),
        "service",
        id="customer-foreign-service",
    ),
    pytest.param(
        "customer_user_a",
        lambda a, b: _valid(products=[b.products.get().pk]),
        "products",
        id="customer-foreign-product",
    ),
    pytest.param(
        "customer_user_a", lambda a, b: _valid(customer=b.pk), "customer", id="other-customer"
    ),
    pytest.param("support_user", lambda a, b: _valid(), "customer", id="staff-no-customer"),
    pytest.param(
        "support_user",
        lambda a, b: _valid(customer=a.pk, service=b.services.get().pk),
        "service",
        id="staff-foreign-service",
    ),
    pytest.param(
        "support_user",
        lambda a, b: _valid(customer=a.pk, products=[b.products.get().pk]),
        "products",
        id="staff-foreign-product",
    ),
]


@pytest.mark.parametrize(("user_fixture", "payload", "field"), BAD_CREATES)
def test_create_refuses_bad_input_and_writes_nothing(
    request, client_for, customer_a, customer_b, user_fixture, payload, field
):
    client = client_for(request.getfixturevalue(user_fixture))

    response = client.post(list_url(), payload(customer_a, customer_b), format="json")

    assert response.status_code == 400
    assert field in response.data
    assert Incident.objects.count() == 0
    assert TimelineEntry.objects.count() == 0


# --- Tenant isolation -------------------------------------------------------------------------

FOREIGN_REQUESTS = [
    ("get", ""),
    ("patch", ""),
    ("put", ""),
    ("get", "timeline/"),
    ("post", "timeline/"),
    *[("post", f"{name}/") for name in TRANSITIONS],
]


@pytest.mark.parametrize(("method", "suffix"), FOREIGN_REQUESTS)
def test_other_companys_incident_is_not_found(
    client_for, customer_user_b, incident_a, method, suffix
):
    client = client_for(customer_user_b)
    before = snapshot(incident_a)
    body = {**TRANSITION_BODY, "text": "Hello?", "summary": "Mine now", "severity": 1}

    response = call(client, method, detail_url(incident_a.key) + suffix, body)
    unknown = call(client, method, detail_url("HOT-999999") + suffix, body)

    assert response.status_code == 404
    assert response.data == unknown.data  # indistinguishable from a key that does not exist
    assert snapshot(incident_a) == before


def test_customer_list_never_includes_another_company(
    client_for, customer_user_b, incident_a, incident_b
):
    client = client_for(customer_user_b)

    assert result_keys(client.get(list_url())) == {incident_b.key}
    assert result_keys(client.get(list_url(), {"customer": incident_a.customer_id})) == set()
    assert result_keys(client.get(list_url(), {"q": incident_a.key})) == set()


# --- Transitions ------------------------------------------------------------------------------

ALLOWED = [
    (Status.NEW, "acknowledge", {}, Status.ACKNOWLEDGED),
    (Status.NEW, "cancel", {"reason": "false_alarm", "note": "Probe glitch"}, Status.CANCELLED),
    (Status.ACKNOWLEDGED, "mitigate", {"note": "Failed over"}, Status.MITIGATED),
    (Status.ACKNOWLEDGED, "resolve", {}, Status.RESOLVED),
    (Status.MITIGATED, "resolve", {"note": "Fixed"}, Status.RESOLVED),
    (Status.RESOLVED, "reopen", {}, Status.ACKNOWLEDGED),
    (Status.RESOLVED, "close", {}, Status.CLOSED),
]


@pytest.mark.parametrize(("start", "name", "body", "target"), ALLOWED)
def test_allowed_transition_changes_status_and_records_it(
    support_client, incident_a_in, start, name, body, target
):
    incident = incident_a_in(start)
    if name == "close":
        settle_postmortem(incident, actor=None)
    entries = incident.timeline.count()

    response = support_client.post(action_url(incident.key, name), body, format="json")

    assert response.status_code == 200, response.data
    assert response.data["status"] == target
    incident.refresh_from_db()
    assert incident.status == target
    assert incident.timeline.count() == entries + 1
    entry = incident.timeline.last()
    assert (entry.kind, entry.data["transition"]) == (TimelineEntry.Kind.STATUS, name)
    assert body.get("note", "") in entry.text


def test_acknowledge_sets_the_named_incident_manager(support_client, incident_a):
    manager = SupportUserFactory(username="support2")

    response = support_client.post(
        action_url(incident_a.key.lower(), "acknowledge"),
        {"incident_manager": manager.pk},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert response.data["incident_manager"]["id"] == manager.pk
    assert (response.data["tta_seconds"], response.data["slo_state"]) == (0, "met")


def test_acknowledge_refuses_a_customer_as_incident_manager(
    support_client, customer_user_a, incident_a
):
    before = snapshot(incident_a)

    response = support_client.post(
        action_url(incident_a.key, "acknowledge"),
        {"incident_manager": customer_user_a.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "incident_manager" in response.data
    assert snapshot(incident_a) == before


REFUSED = [
    (Status.NEW, "mitigate"),
    (Status.NEW, "resolve"),
    (Status.NEW, "reopen"),
    (Status.NEW, "close"),
    (Status.ACKNOWLEDGED, "acknowledge"),
    (Status.ACKNOWLEDGED, "cancel"),
    (Status.MITIGATED, "mitigate"),
    (Status.CLOSED, "reopen"),
    (Status.CANCELLED, "acknowledge"),
]


@pytest.mark.parametrize(("start", "name"), REFUSED)
def test_refused_transition_is_400_with_message_and_changes_nothing(
    support_client, incident_a_in, start, name
):
    incident = incident_a_in(start)
    before = snapshot(incident)

    response = support_client.post(
        action_url(incident.key, name), TRANSITION_BODY, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.data["detail"] == [
        f"Cannot {name} incident {incident.key}: it is {Status(start).label.lower()}."
    ]
    assert snapshot(incident) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "Dup of HOT-1"}, "reason"),
        ({"reason": "bogus", "note": "x"}, "reason"),
        ({"reason": CancelReason.DUPLICATE}, "note"),
        ({"reason": CancelReason.DUPLICATE, "note": ""}, "note"),
    ],
)
def test_cancel_needs_reason_and_note(support_client, incident_a, body, field):
    before = snapshot(incident_a)

    response = support_client.post(action_url(incident_a.key, "cancel"), body, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert snapshot(incident_a) == before


# --- Who may write ----------------------------------------------------------------------------

EDITS = [
    ("patch", "", {"summary": "Not so bad"}),
    ("put", "", {"summary": "Not so bad", "severity": 4}),
    *[("post", f"{name}/", TRANSITION_BODY) for name in TRANSITIONS],
]


@pytest.mark.parametrize(("method", "suffix", "body"), EDITS)
def test_customer_may_not_edit_or_transition_own_incident(
    client_for, customer_user_a, incident_a, method, suffix, body
):
    before = snapshot(incident_a)

    response = call(client_for(customer_user_a), method, detail_url(incident_a.key) + suffix, body)

    assert response.status_code == 403
    assert snapshot(incident_a) == before


@pytest.mark.parametrize(
    ("method", "suffix", "expected"),
    [
        ("get", None, 200),
        ("get", "", 200),
        ("get", "timeline/", 200),
        ("post", None, 403),
        ("patch", "", 403),
        ("put", "", 403),
        ("post", "timeline/", 403),
        *[("post", f"{name}/", 403) for name in TRANSITIONS],
    ],
)
def test_account_manager_is_read_only(
    client_for, account_manager, incident_a, method, suffix, expected
):
    url = list_url() if suffix is None else detail_url(incident_a.key) + suffix
    body = {
        **TRANSITION_BODY,
        "customer": incident_a.customer_id,
        "summary": "Mine now",
        "severity": 1,
        "text": "Any news?",
    }
    before = snapshot(incident_a)

    response = call(client_for(account_manager), method, url, body)

    assert response.status_code == expected
    assert snapshot(incident_a) == before
    assert Incident.objects.count() == 1


def test_support_updates_fields_and_roles(support_client, incident_a, customer_a):
    lead = SupportUserFactory(username="support2")
    product = customer_a.products.get()
    body = {
        "summary": "Checkout fails for card payments",
        "severity": 1,
        "tech_lead": lead.pk,
        "products": [product.pk],
    }

    response = support_client.patch(detail_url(incident_a.key), body, format="json")

    assert response.status_code == 200, response.data
    assert (response.data["summary"], response.data["severity"]) == (body["summary"], 1)
    assert response.data["tech_lead"]["id"] == lead.pk
    assert [p["id"] for p in response.data["products"]] == [product.pk]
    kinds = set(incident_a.timeline.values_list("kind", flat=True))
    assert {TimelineEntry.Kind.SEVERITY, TimelineEntry.Kind.ROLE, TimelineEntry.Kind.FIELD} <= kinds


def test_put_replaces_the_fields_sent(support_client, incident_a):
    body = {"summary": "Card payments fail", "severity": 3, "description": "All card brands."}

    response = support_client.put(detail_url(incident_a.key), body, format="json")

    assert response.status_code == 200, response.data
    incident_a.refresh_from_db()
    assert (incident_a.summary, incident_a.severity, incident_a.description) == tuple(body.values())


BAD_EDITS = [
    pytest.param("patch", lambda a, b, u: {"summary": ""}, "summary", id="blank-summary"),
    pytest.param("patch", lambda a, b, u: {"severity": 0}, "severity", id="severity"),
    pytest.param("put", lambda a, b, u: {"summary": "x"}, "severity", id="put-needs-severity"),
    pytest.param(
        "patch", lambda a, b, u: {"service": b.services.get().pk}, "service", id="foreign-service"
    ),
    pytest.param(
        "patch",
        lambda a, b, u: {"products": [b.products.get().pk]},
        "products",
        id="foreign-product",
    ),
    pytest.param("patch", lambda a, b, u: {"tech_lead": u.pk}, "tech_lead", id="customer-as-lead"),
]


@pytest.mark.parametrize(("method", "body", "field"), BAD_EDITS)
def test_update_refuses_bad_input_and_changes_nothing(
    support_client, incident_a, customer_a, customer_b, customer_user_a, method, body, field
):
    before = snapshot(incident_a)

    response = call(
        support_client,
        method,
        detail_url(incident_a.key),
        body(customer_a, customer_b, customer_user_a),
    )

    assert response.status_code == 400
    assert field in response.data
    assert snapshot(incident_a) == before


def test_update_of_a_closed_incident_is_refused(support_client, incident_a_in):
    incident = incident_a_in(Status.CLOSED)
    before = snapshot(incident)

    response = support_client.patch(detail_url(incident.key), {"summary": "x"}, format="json")

    assert response.status_code == 400
    assert "detail" in response.data
    assert snapshot(incident) == before


# --- Timeline ---------------------------------------------------------------------------------


def test_timeline_hides_internal_entries_from_customers(
    client_for, support_client, customer_user_a, support_user, incident_a
):
    incident_add_note(incident=incident_a, actor=support_user, text="Suspect the DB failover")
    incident_add_note(
        incident=incident_a, actor=support_user, text="We are on it", visibility="customer"
    )
    url = action_url(incident_a.key, "timeline")

    customer_view = client_for(customer_user_a).get(url).data
    staff_view = support_client.get(url).data

    assert {e["visibility"] for e in customer_view} == {"customer"}
    assert "We are on it" in {e["text"] for e in customer_view}
    assert "Suspect the DB failover" not in {e["text"] for e in customer_view}
    assert "Suspect the DB failover" in {e["text"] for e in staff_view}


@pytest.mark.parametrize(
    ("user_fixture", "asked", "stored"),
    [
        ("customer_user_a", "internal", "customer"),
        ("customer_user_a", None, "customer"),
        ("support_user", "customer", "customer"),
        ("support_user", "internal", "internal"),
        ("support_user", None, "internal"),
    ],
)
def test_note_visibility_is_chosen_by_staff_and_forced_for_customers(
    request, client_for, incident_a, user_fixture, asked, stored
):
    user = request.getfixturevalue(user_fixture)
    body = {"text": "Still failing at 10:05", **({"visibility": asked} if asked else {})}

    response = client_for(user).post(action_url(incident_a.key, "timeline"), body, format="json")

    assert response.status_code == 201, response.data
    assert response.data["visibility"] == stored
    entry = incident_a.timeline.get(pk=response.data["id"])
    assert (entry.visibility, entry.actor, entry.text) == (stored, user, body["text"])


def test_empty_note_is_refused(client_for, customer_user_a, incident_a):
    before = snapshot(incident_a)

    response = client_for(customer_user_a).post(
        action_url(incident_a.key, "timeline"), {"text": "  "}, format="json"
    )

    assert response.status_code == 400
    assert "text" in response.data
    assert snapshot(incident_a) == before


# --- Token auth and schema --------------------------------------------------------------------


def test_token_obtained_with_password_authenticates(api_client, customer_user_a, incident_a):
    response = api_client.post(
        reverse("api-token"), {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")

    assert result_keys(api_client.get(list_url())) == {incident_a.key}


@pytest.mark.parametrize("authorization", [None, "Token not-a-real-token"])
def test_requests_without_valid_credentials_are_refused(api_client, incident_a, authorization):
    if authorization:
        api_client.credentials(HTTP_AUTHORIZATION=authorization)

    response = api_client.get(list_url())

    # 403 rather than 401 while session auth comes first in DEFAULT_AUTHENTICATION_CLASSES.
    assert response.status_code in {401, 403}


def test_schema_lists_the_transition_actions(api_client):
    response = api_client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for name in TRANSITIONS:
        assert "post" in paths[f"/api/v1/incidents/{{key}}/{name}/"]
    assert set(paths["/api/v1/incidents/{key}/timeline/"]) >= {"get", "post"}
    assert "delete" not in paths["/api/v1/incidents/{key}/"]
