"""The support staff's incident admin: lists, filters, the workflow buttons, notes and files."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import CancelReason, Channel, Incident, Severity, Status, TimelineEntry
from incidents.services import (
    attachment_add,
    incident_acknowledge,
    incident_cancel,
    incident_transition,
)
from tests.incidents.factories import IncidentFactory, settle_postmortem

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)
CHANGELIST = reverse("admin:incidents_incident_changelist")
ADD = reverse("admin:incidents_incident_add")
MAX_CHANGELIST_QUERIES = 12


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def support_client(support_user):
    return _login(support_user)


@pytest.fixture
def am_client(account_manager):
    return _login(account_manager)


@pytest.fixture
def incident(customer_a):
    return IncidentFactory(customer=customer_a, summary="Checkout fails")


def change_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def transition_url(incident: Incident, name: str) -> str:
    return reverse("admin:incidents_incident_transition", args=[incident.pk, name])


def note_url(incident: Incident) -> str:
    return reverse("admin:incidents_incident_note", args=[incident.pk])


def listed_keys(response) -> set[str]:
    assert response.status_code == 200
    return {row.key for row in response.context["cl"].result_list}


def messages_of(response, level: int) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == level]


# --- the changelist ---------------------------------------------------------------------------


def test_changelist_loads_for_support(support_client, incident):
    response = support_client.get(CHANGELIST)

    assert response.status_code == 200
    assert listed_keys(response) == {incident.key}
    content = response.content.decode()
    assert "hl-sev-2" in content
    assert "hl-status-new" in content
    assert "hl-slo-running" in content
    assert "incidents/admin.css" in content


def _changelist_query_count(user) -> int:
    client = _login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries.captured_queries)


def _make_incidents(count: int, customer, actor) -> None:
    service = customer.services.first()
    for n in range(count):
        incident = IncidentFactory(customer=customer, service=service, severity=1 + n % 4)
        if n % 2:
            incident_acknowledge(incident=incident, actor=actor)


def test_changelist_query_count_is_constant(support_user, customer_a, customer_b):
    _make_incidents(10, customer_a, support_user)
    with_10 = _changelist_query_count(support_user)
    _make_incidents(90, customer_b, support_user)
    with_100 = _changelist_query_count(support_user)

    assert with_10 == with_100
    assert with_100 <= MAX_CHANGELIST_QUERIES


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("status__exact", Status.ACKNOWLEDGED, {"acked"}),
        ("status__exact", Status.NEW, {"new", "other"}),
        ("severity__exact", Severity.CRITICAL, {"acked"}),
        ("severity__exact", Severity.LOW, {"other"}),
    ],
)
def test_status_and_severity_filters(
    support_client, support_user, customer_a, param, value, expected
):
    incidents = {
        "new": IncidentFactory(customer=customer_a, severity=Severity.HIGH),
        "acked": IncidentFactory(customer=customer_a, severity=Severity.CRITICAL),
        "other": IncidentFactory(customer=customer_a, severity=Severity.LOW),
    }
    incident_acknowledge(incident=incidents["acked"], actor=support_user)

    response = support_client.get(CHANGELIST, {param: value})

    assert listed_keys(response) == {incidents[name].key for name in expected}


def test_customer_and_service_filters(support_client, customer_a, customer_b):
    acme = IncidentFactory(customer=customer_a, service=customer_a.services.get())
    globex = IncidentFactory(customer=customer_b)

    by_customer = support_client.get(CHANGELIST, {"customer__id__exact": customer_b.pk})
    by_service = support_client.get(
        CHANGELIST, {"service__id__exact": customer_a.services.get().pk}
    )

    assert listed_keys(by_customer) == {globex.key}
    assert listed_keys(by_service) == {acme.key}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("running", {"late_report"}),
        ("met", {"acked_in_time"}),
        ("breached", {"unacked", "acked_late"}),
        ("n/a", {"cancelled"}),
    ],
)
def test_slo_state_filter(support_client, support_user, customer_a, time_machine, state, expected):
    incidents = {
        name: IncidentFactory(customer=customer_a)
        for name in ("unacked", "acked_in_time", "acked_late", "cancelled")
    }
    incident_acknowledge(
        incident=incidents["acked_in_time"], actor=support_user, now=NOW + timedelta(minutes=30)
    )
    incident_cancel(
        incident=incidents["cancelled"], actor=support_user, reason=CancelReason.FALSE_ALARM
    )
    time_machine.move_to(NOW + timedelta(hours=2, minutes=30), tick=False)
    incidents["late_report"] = IncidentFactory(customer=customer_a)
    incident_acknowledge(incident=incidents["acked_late"], actor=support_user)
    time_machine.move_to(NOW + timedelta(hours=3), tick=False)

    response = support_client.get(CHANGELIST, {"slo": state})

    assert listed_keys(response) == {incidents[name].key for name in expected}


def test_reported_date_filter(support_client, customer_a, time_machine):
    old = IncidentFactory(customer=customer_a)
    time_machine.move_to(NOW + timedelta(days=10), tick=False)
    recent = IncidentFactory(customer=customer_a)
    today = datetime(2026, 3, 12, tzinfo=SEOUL)

    response = support_client.get(
        CHANGELIST,
        {"reported_at__gte": str(today), "reported_at__lt": str(today + timedelta(days=1))},
    )

    assert listed_keys(response) == {recent.key}
    assert old.key not in listed_keys(response)


@pytest.mark.parametrize("how", ["key", "lower_key", "number"])
def test_search_by_key(support_client, customer_a, how):
    incidents = [IncidentFactory(customer=customer_a, summary="Outage") for _ in range(12)]
    wanted = incidents[1]
    term = {"key": wanted.key, "lower_key": wanted.key.lower(), "number": str(wanted.number)}[how]

    response = support_client.get(CHANGELIST, {"q": term})

    assert listed_keys(response) == {wanted.key}


@pytest.mark.parametrize("term", ["²", "99999999999999999999"])
def test_a_search_that_is_no_number_finds_nothing_and_is_not_a_500(
    support_client, customer_a, term
):
    IncidentFactory(customer=customer_a)

    response = support_client.get(CHANGELIST, {"q": term})

    assert response.status_code == 200
    assert listed_keys(response) == set()


def test_search_by_customer_name(support_client, customer_a, customer_b):
    IncidentFactory(customer=customer_a)
    globex = IncidentFactory(customer=customer_b)

    response = support_client.get(CHANGELIST, {"q": "globex"})

    assert listed_keys(response) == {globex.key}


# --- the change page and the workflow buttons ------------------------------------------------


def test_change_page_shows_status_read_only_and_allowed_buttons(support_client, incident):
    response = support_client.get(change_url(incident))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "severity" in form.fields
    content = response.content.decode()
    assert transition_url(incident, "acknowledge") in content
    assert transition_url(incident, "cancel") in content
    assert transition_url(incident, "resolve") not in content
    assert note_url(incident) in content
    assert "Checkout fails" in content  # the CREATED timeline entry, inline


TRANSITIONS = [
    ("acknowledge", [], {}, Status.ACKNOWLEDGED),
    ("mitigate", ["acknowledge"], {}, Status.MITIGATED),
    ("resolve", ["acknowledge"], {}, Status.RESOLVED),
    ("reopen", ["acknowledge", "resolve"], {}, Status.ACKNOWLEDGED),
    ("close", ["acknowledge", "resolve"], {}, Status.CLOSED),
    (
        "cancel",
        [],
        {"reason": CancelReason.DUPLICATE, "note": "Same as yesterday"},
        Status.CANCELLED,
    ),
]


@pytest.mark.parametrize(("name", "before", "data", "status"), TRANSITIONS)
def test_transition_button(support_client, support_user, incident, name, before, data, status):
    for step in before:
        incident_transition(incident=incident, name=step, actor=support_user)
    if name == "close":
        settle_postmortem(incident, actor=support_user)
    assert support_client.get(transition_url(incident, name)).status_code == 200

    response = support_client.post(transition_url(incident, name), {"note": "", **data})

    assert response.status_code == 302
    assert response.url == change_url(incident)
    incident.refresh_from_db()
    assert incident.status == status
    entry = incident.timeline.last()
    assert entry.kind == TimelineEntry.Kind.STATUS
    assert entry.data["transition"] == name
    assert entry.actor == support_user


def test_transition_note_lands_on_the_timeline(support_client, incident):
    support_client.post(transition_url(incident, "acknowledge"), {"note": "Looking at the DB"})

    assert "Looking at the DB" in incident.timeline.last().text


def test_refused_transition_shows_error_and_changes_nothing(support_client, incident):
    entries = incident.timeline.count()

    response = support_client.post(transition_url(incident, "resolve"), {"note": "done"})

    assert response.status_code == 302
    errors = messages_of(response, message_levels.ERROR)
    assert len(errors) == 1
    assert incident.key in errors[0]
    incident.refresh_from_db()
    assert incident.status == Status.NEW
    assert incident.resolved_at is None
    assert incident.timeline.count() == entries


def test_refused_transition_page_redirects_with_error(support_client, incident):
    response = support_client.get(transition_url(incident, "close"))

    assert response.status_code == 302
    assert messages_of(response, message_levels.ERROR)


def test_transition_needs_post_or_get(support_client, incident):
    assert support_client.put(transition_url(incident, "acknowledge")).status_code == 405


def test_unknown_transition_is_404(support_client, incident):
    assert support_client.post(transition_url(incident, "explode")).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "", "note": "dup"}, "reason"),
        ({"reason": CancelReason.OTHER, "note": "  "}, "note"),
    ],
)
def test_cancel_without_a_reason_is_refused(support_client, incident, data, field):
    entries = incident.timeline.count()

    response = support_client.post(transition_url(incident, "cancel"), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    incident.refresh_from_db()
    assert incident.status == Status.NEW
    assert incident.timeline.count() == entries


def test_transition_is_csrf_protected(support_user, incident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(support_user)

    response = client.post(transition_url(incident, "acknowledge"))

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.NEW


# --- bulk actions ----------------------------------------------------------------------------


def test_bulk_acknowledge_reports_each_refusal(support_client, support_user, customer_a):
    fresh = [IncidentFactory(customer=customer_a) for _ in range(2)]
    already = IncidentFactory(customer=customer_a)
    incident_acknowledge(incident=already, actor=support_user)

    response = support_client.post(
        CHANGELIST,
        {
            "action": "acknowledge_selected",
            "_selected_action": [i.pk for i in (*fresh, already)],
        },
    )

    assert response.status_code == 302
    assert {i.status for i in Incident.objects.filter(pk__in=[i.pk for i in fresh])} == {
        Status.ACKNOWLEDGED
    }
    errors = messages_of(response, message_levels.ERROR)
    assert len(errors) == 1
    assert errors[0].startswith(already.key)
    assert messages_of(response, message_levels.SUCCESS)


def test_bulk_resolve(support_client, support_user, incident):
    incident_acknowledge(incident=incident, actor=support_user)

    support_client.post(
        CHANGELIST, {"action": "resolve_selected", "_selected_action": [incident.pk]}
    )

    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.timeline.last().data["transition"] == "resolve"


# --- notes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "kind"),
    [
        (TimelineEntry.Visibility.INTERNAL, TimelineEntry.Kind.NOTE),
        (TimelineEntry.Visibility.CUSTOMER, TimelineEntry.Kind.COMMUNICATION),
    ],
)
def test_add_note(support_client, support_user, incident, visibility, kind):
    response = support_client.post(
        note_url(incident), {"text": "Called the DBA.", "visibility": visibility}
    )

    assert response.status_code == 302
    entry = incident.timeline.last()
    assert (entry.kind, entry.visibility, entry.text) == (kind, visibility, "Called the DBA.")
    assert entry.actor == support_user


def test_empty_note_is_refused(support_client, incident):
    entries = incident.timeline.count()

    response = support_client.post(note_url(incident), {"text": "   ", "visibility": "internal"})

    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert incident.timeline.count() == entries


# --- add and change through the services -----------------------------------------------------


def test_add_page_defaults_to_phone(support_client):
    response = support_client.get(ADD)

    assert response.status_code == 200
    assert response.context["adminform"].form.initial["channel"] == Channel.PHONE


def test_add_page_creates_through_the_service(support_client, support_user, customer_a):
    service, product = customer_a.services.get(), customer_a.products.get()

    response = support_client.post(
        ADD,
        {
            "customer": customer_a.pk,
            "channel": Channel.PHONE,
            "summary": "Payments down",
            "description": "All card payments fail.",
            "severity": Severity.CRITICAL,
            "service": service.pk,
            "products": [product.pk],
            "reporter_name": "Kim Caller",
            "reporter_phone": "010-1111-2222",
            "reporter_email": "",
            "impact_started_at_0": "2026-03-02",
            "impact_started_at_1": "08:30:00",
            "detected_at_0": "2026-03-02",
            "detected_at_1": "08:45:00",
        },
    )

    assert response.status_code == 302
    incident = Incident.objects.get(summary="Payments down")
    assert re.fullmatch(r"HOT-\d+", incident.key)
    assert (incident.channel, incident.service, incident.contract.code) == (
        Channel.PHONE,
        service,
        "ACME-2026",
    )
    assert list(incident.products.all()) == [product]
    assert (incident.reporter, incident.reporter_name) == (None, "Kim Caller")
    assert incident.impact_started_at == datetime(2026, 3, 2, 8, 30, tzinfo=SEOUL)
    assert incident.time_to_detect == timedelta(minutes=15)
    first = incident.timeline.first()
    assert first.kind == TimelineEntry.Kind.CREATED
    assert first.actor == support_user


def test_add_page_shows_service_errors_and_creates_nothing(support_client, customer_a, customer_b):
    response = support_client.post(
        ADD,
        {
            "customer": customer_a.pk,
            "channel": Channel.PHONE,
            "summary": "Wrong service",
            "severity": Severity.HIGH,
            "service": customer_b.services.get().pk,
        },
    )

    assert response.status_code == 200
    assert "service" in response.context["adminform"].form.errors
    assert not Incident.objects.filter(summary="Wrong service").exists()


def _split(value: datetime | None, field: str) -> dict[str, str]:
    local = value.astimezone(SEOUL) if value else None
    return {
        f"{field}_0": local.strftime("%Y-%m-%d") if local else "",
        f"{field}_1": local.strftime("%H:%M:%S") if local else "",
    }


def _change_data(incident: Incident, **changes) -> dict:
    data = {
        "summary": incident.summary,
        "description": incident.description,
        "severity": incident.severity,
        "service": incident.service_id or "",
        "products": [p.pk for p in incident.products.all()],
        **_split(incident.impact_started_at, "impact_started_at"),
        **_split(incident.detected_at, "detected_at"),
        "reporter_name": incident.reporter_name,
        "reporter_phone": incident.reporter_phone,
        "reporter_email": incident.reporter_email,
        "incident_manager": incident.incident_manager_id or "",
        "tech_lead": incident.tech_lead_id or "",
        "communications_lead": incident.communications_lead_id or "",
    }
    return {**data, **changes}


def test_editing_severity_writes_one_timeline_entry(support_client, support_user, incident):
    entries = incident.timeline.count()

    response = support_client.post(
        change_url(incident), _change_data(incident, severity=Severity.CRITICAL)
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.severity == Severity.CRITICAL
    assert incident.timeline.count() == entries + 1
    entry = incident.timeline.last()
    assert (entry.kind, entry.actor) == (TimelineEntry.Kind.SEVERITY, support_user)


def test_assigning_a_customer_user_as_role_is_refused(support_client, customer_user_a, incident):
    response = support_client.post(
        change_url(incident), _change_data(incident, tech_lead=customer_user_a.pk)
    )

    assert response.status_code == 200
    assert "tech_lead" in response.context["adminform"].form.errors
    incident.refresh_from_db()
    assert incident.tech_lead is None


def test_closed_incident_is_read_only(support_client, support_user, incident):
    for step in ("acknowledge", "resolve", "close"):
        if step == "close":
            settle_postmortem(incident, actor=support_user)
        incident_transition(incident=incident, name=step, actor=support_user)

    response = support_client.get(change_url(incident))

    assert response.status_code == 200
    assert not response.context["adminform"].form.fields
    assert not response.context.get("transitions")


def test_history_page_renders(support_client, support_user, incident):
    incident_acknowledge(incident=incident, actor=support_user)

    history = support_client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))
    version = support_client.get(
        reverse(
            "admin:incidents_incident_simple_history",
            args=[incident.pk, incident.history.earliest().history_id],
        )
    )

    assert history.status_code == 200
    assert incident.key in history.content.decode()
    assert version.status_code == 200


def test_history_revert_is_refused(support_client, incident):
    version = incident.history.earliest()
    url = reverse("admin:incidents_incident_simple_history", args=[incident.pk, version.history_id])

    response = support_client.post(url, _change_data(incident, summary="Rewritten"))

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.summary == "Checkout fails"


def test_incidents_cannot_be_deleted(support_client, incident):
    url = reverse("admin:incidents_incident_delete", args=[incident.pk])

    assert support_client.post(url, {"post": "yes"}).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


# --- attachments -----------------------------------------------------------------------------


@pytest.fixture
def attachment(incident, support_user):
    upload = SimpleUploadedFile("server.log", b"error: disk full\n", content_type="text/html")
    return attachment_add(incident=incident, upload=upload, actor=support_user)


def test_attachment_downloads_as_a_file(support_client, incident, attachment):
    url = reverse("admin:incidents_incident_attachment", args=[incident.pk, attachment.pk])
    assert url in support_client.get(change_url(incident)).content.decode()

    response = support_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "server.log" in response["Content-Disposition"]
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"error: disk full\n"


def test_attachment_of_another_incident_is_404(support_client, customer_a, attachment):
    other = IncidentFactory(customer=customer_a)
    url = reverse("admin:incidents_incident_attachment", args=[other.pk, attachment.pk])

    assert support_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["admin:incidents_timelineentry_changelist", "admin:incidents_attachment_changelist"]
)
def test_records_are_listed_read_only(support_client, attachment, name):
    response = support_client.get(reverse(name))

    assert response.status_code == 200
    assert not response.context["has_add_permission"]


# --- who may do what -------------------------------------------------------------------------


def test_account_manager_can_view_but_not_change(am_client, incident):
    assert am_client.get(CHANGELIST).status_code == 200
    page = am_client.get(change_url(incident))
    assert page.status_code == 200
    assert transition_url(incident, "acknowledge") not in page.content.decode()
    assert note_url(incident) not in page.content.decode()

    edit = am_client.post(change_url(incident), _change_data(incident, severity=Severity.LOW))
    transition = am_client.post(transition_url(incident, "acknowledge"))
    note = am_client.post(note_url(incident), {"text": "hi", "visibility": "internal"})

    assert (edit.status_code, transition.status_code, note.status_code) == (403, 403, 403)
    assert am_client.get(ADD).status_code == 403
    incident.refresh_from_db()
    assert (incident.status, incident.severity) == (Status.NEW, Severity.HIGH)


def test_account_manager_is_offered_no_bulk_actions(am_client, incident):
    response = am_client.get(CHANGELIST)

    assert response.status_code == 200
    assert response.context["action_form"] is None


@pytest.mark.parametrize("page", ["changelist", "change", "attachment"])
def test_customer_user_cannot_reach_the_admin(customer_user_a, incident, attachment, page):
    client = _login(customer_user_a)
    urls = {
        "changelist": CHANGELIST,
        "change": change_url(incident),
        "attachment": reverse(
            "admin:incidents_incident_attachment", args=[incident.pk, attachment.pk]
        ),
    }

    response = client.get(urls[page])

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_history_page_reads_in_korean(support_user, incident):
    incident_acknowledge(incident=incident, actor=support_user)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(support_user)
    page = client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))
    text = page.content.decode()
    assert f"이력 보기: {incident}" in text or f"변경 이력: {incident}" in text
    assert "View history" not in text
    assert "생성일시" not in text  # DRF's "creation time", not "created"
    assert ">변경<" in text or "변경\n" in text
