"""The customer hotline pages: intake, confirmation, lists, detail, downloads, tenant isolation."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Attachment, CancelReason, Channel, Incident, TimelineEntry
from incidents.services import attachment_add, incident_add_note, incident_cancel
from retainer.models import Product, Service
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.usefixtures("now")

NEW_URL = reverse("hotline:incident_new")
LIST_URL = reverse("hotline:incident_list")
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


# --- The intake form -----------------------------------------------------------------------


def test_form_offers_only_own_services_and_products(
    client_a, customer_a, customer_b, unknown_service
):
    response = client_a.get(NEW_URL)

    assert response.status_code == 200
    form = response.context["form"]
    services = {label for _, label in form.fields["service"].choices}
    assert services == {"Payments", unknown_service.name}
    assert [label for _, label in form.fields["products"].choices] == ["Web shop"]
    content = response.content.decode()
    assert "Billing" not in content
    assert "Mobile app" not in content


def test_form_prefills_phone_and_unknown_service(client_a, unknown_service):
    form = client_a.get(NEW_URL).context["form"]

    assert form["contact_phone"].value() == "010-1234-5678"
    assert form["service"].value() == unknown_service.pk


def test_form_explains_every_severity(client_a, unknown_service):
    content = client_a.get(NEW_URL).content.decode()

    assert content.count('type="radio" name="severity"') == 4
    assert "data is lost, or security is breached" in content
    assert "a workaround exists" in content


def test_valid_post_creates_one_incident_and_redirects_to_confirmation(
    client_a, customer_a, customer_user_a, intake_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(NEW_URL, intake_data)

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("hotline:incident_received", args=[incident.key])
    assert incident.key.startswith("HOT-")
    assert incident.customer == customer_a
    assert incident.contract.code == "ACME-2026"
    assert incident.channel == Channel.WEB
    assert incident.reporter == customer_user_a
    assert incident.reporter_phone == "010-1234-5678"
    assert incident.service.code == "payments"
    assert [p.name for p in incident.products.all()] == ["Web shop"]


def test_valid_post_sends_the_receipt(
    client_a, intake_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(NEW_URL, intake_data)

    incident = Incident.objects.get()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    assert mailoutbox[0].subject.startswith(f"[{incident.key}]")


def test_impact_start_is_read_in_seoul_time(client_a, intake_data):
    client_a.post(NEW_URL, intake_data)

    # 08:30 in Seoul (UTC+9) is 23:30 UTC the day before.
    assert Incident.objects.get().impact_started_at == datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def test_confirmation_shows_key_severity_and_response_target(client_a, intake_data):
    response = client_a.post(NEW_URL, intake_data, follow=True)

    incident = Incident.objects.get()
    content = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="incident-key">{incident.key}<' in content
    assert "1 - Critical" in content
    assert "2026-03-02 11:00" in content  # reported 09:00 + the 2-hour response target
    assert "within 2 hours" in content
    assert "What happens next" in content


@pytest.mark.parametrize(
    ("field", "change"),
    [
        pytest.param("summary", {"summary": "  "}, id="missing-summary"),
        pytest.param("severity", {"severity": "9"}, id="bad-severity"),
        pytest.param("severity", {"severity": ""}, id="no-severity"),
        pytest.param("contact_phone", {"contact_phone": ""}, id="no-phone"),
        pytest.param("impact_started_at", {"impact_started_at": "2026-03-02T11:00"}, id="future"),
    ],
)
def test_invalid_input_rerenders_with_errors_and_creates_nothing(
    client_a, intake_data, field, change
):
    response = client_a.post(NEW_URL, {**intake_data, **change})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "The incident was not sent yet" in response.content.decode()
    assert Incident.objects.count() == 0


def test_another_companys_service_is_rejected(client_a, customer_b, intake_data):
    billing = Service.objects.get(customer=customer_b)

    response = client_a.post(NEW_URL, {**intake_data, "service": str(billing.pk)})

    assert response.status_code == 200
    assert "service" in response.context["form"].errors
    assert Incident.objects.count() == 0


def test_another_companys_product_is_rejected(client_a, customer_b, intake_data):
    mobile_app = Product.objects.get(customer=customer_b)

    response = client_a.post(NEW_URL, {**intake_data, "products": [str(mobile_app.pk)]})

    assert response.status_code == 200
    assert "products" in response.context["form"].errors
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("notes.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 256, id="elf-as-txt"),
        pytest.param("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 256, id="exe"),
        pytest.param("empty.log", b"", id="empty"),
        pytest.param("readme.html", b"<script>alert(1)</script>", id="text-wrong-extension"),
    ],
)
def test_disallowed_attachment_rerenders_and_creates_nothing(client_a, intake_data, name, content):
    response = client_a.post(NEW_URL, {**intake_data, "attachments": [_upload(name, content)]})

    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert Incident.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_oversized_attachment_is_rejected(client_a, intake_data, settings):
    settings.HOTLINE_ATTACHMENT_MAX_BYTES = 100

    response = client_a.post(
        NEW_URL, {**intake_data, "attachments": [_upload("big.log", b"x" * 101)]}
    )

    errors = response.context["form"].errors["attachments"]
    assert response.status_code == 200
    assert "larger than" in errors[0]
    assert Incident.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_too_many_attachments_error_from_the_service_shows_on_the_form(
    client_a, intake_data, settings
):
    settings.HOTLINE_ATTACHMENT_MAX_COUNT = 1
    uploads = [_upload("a.log", b"first"), _upload("b.log", b"second")]

    response = client_a.post(NEW_URL, {**intake_data, "attachments": uploads})

    assert response.status_code == 200
    assert "at most 1 files" in response.context["form"].errors["attachments"][0]
    assert Incident.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_valid_attachments_are_stored(client_a, intake_data):
    uploads = [_upload("app.log", b"ERROR 500 at /pay\n"), _upload("screen.png", PNG_BYTES)]

    client_a.post(NEW_URL, {**intake_data, "attachments": uploads})

    attachments = Attachment.objects.filter(incident=Incident.objects.get())
    assert sorted(a.content_type for a in attachments) == ["image/png", "text/plain"]


# --- Who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        NEW_URL,
        LIST_URL,
        reverse("hotline:incident", args=["HOT-1"]),
        reverse("hotline:incident_received", args=["HOT-1"]),
        reverse("hotline:attachment", args=["HOT-1", 1]),
    ],
)
def test_anonymous_users_are_sent_to_login(client_en, db, url):
    response = client_en.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("hotline:login"))


@pytest.mark.parametrize(
    "user_client", ["client_support", "client_account_manager", "client_unlinked"]
)
@pytest.mark.parametrize("url", [NEW_URL, LIST_URL])
def test_non_customer_users_get_403(request, db, user_client, url):
    client = request.getfixturevalue(user_client)

    response = client.get(url)

    assert response.status_code == 403
    assert "Only users of a customer company can report and follow incidents" in (
        response.content.decode()
    )


def test_non_customer_post_creates_nothing(client_support, intake_data):
    response = client_support.post(NEW_URL, intake_data)

    assert response.status_code == 403
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    "url_name", ["hotline:incident", "hotline:incident_received", "hotline:incident_comment"]
)
def test_another_companys_incident_is_404(client_b, incident_a, url_name):
    url = reverse(url_name, args=[incident_a.key])

    response = client_b.post(url, {"text": "hi"}) if "comment" in url_name else client_b.get(url)

    assert response.status_code == 404
    assert not incident_a.timeline.filter(text="hi").exists()


def test_another_companys_attachment_is_404(client_b, customer_a, customer_user_a, incident_b):
    incident = IncidentFactory(
        customer=customer_a, reporter=customer_user_a, attachments=[_upload("a.log", b"secret")]
    )
    attachment = incident.attachments.get()

    # Neither through A's key nor through B's own key with A's attachment id.
    for key in (incident.key, incident_b.key):
        url = reverse("hotline:attachment", args=[key, attachment.pk])
        assert client_b.get(url).status_code == 404


def test_list_shows_only_own_companys_incidents(client_a, incident_a, incident_b):
    response = client_a.get(LIST_URL)

    content = response.content.decode()
    assert incident_a.key in content
    assert incident_b.key not in content
    assert {i.customer_id for i in response.context["page"]} == {incident_a.customer_id}


def test_home_shows_report_button_phone_and_recent_incidents(client_a, customer_a, incident_a):
    customer_a.hotline_phone = "1588-0000"
    customer_a.save()

    content = client_a.get(reverse("hotline:home")).content.decode()

    assert f'href="{NEW_URL}"' in content
    assert 'href="tel:1588-0000"' in content
    assert incident_a.key in content


def test_home_points_staff_to_the_admin(client_support):
    response = client_support.get(reverse("hotline:home"))

    assert response.status_code == 200
    assert f'href="{reverse("admin:index")}"' in response.content.decode()
    assert response.context["customer"] is None


def test_pages_render_in_korean_with_a_language_switcher(client, customer_user_a):
    client.force_login(customer_user_a)

    content = client.get(reverse("hotline:home")).content.decode()

    assert '<html lang="ko">' in content
    assert f'action="{reverse("set_language")}"' in content
    assert 'name="language" value="en"' in content


def test_anonymous_home_offers_login(client_en, db):
    response = client_en.get(reverse("hotline:home"))

    assert response.status_code == 200
    assert f'href="{reverse("hotline:login")}"' in response.content.decode()


def test_pages_have_no_inline_script_or_style(client_a, incident_a, intake_data):
    """A strict Content-Security-Policy comes later; nothing inline may depend on it."""
    urls = [
        reverse("hotline:home"),
        NEW_URL,
        LIST_URL,
        reverse("hotline:incident", args=[incident_a.key]),
        reverse("hotline:incident_received", args=[incident_a.key]),
    ]
    for url in urls:
        content = client_a.get(url).content.decode()
        assert "<script" not in content, url
        assert " style=" not in content, url


# --- The list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "shows_open", "shows_cancelled"),
    [
        ("open", True, False),
        ("closed", False, True),
        ("all", True, True),
    ],
)
def test_list_filters_open_and_closed(
    client_a, customer_a, support_user, state, shows_open, shows_cancelled
):
    open_incident = IncidentFactory(customer=customer_a)
    cancelled = IncidentFactory(customer=customer_a)
    incident_cancel(incident=cancelled, actor=support_user, reason=CancelReason.DUPLICATE)

    keys = {i.key for i in client_a.get(LIST_URL, {"state": state}).context["page"]}

    assert (open_incident.key in keys) is shows_open
    assert (cancelled.key in keys) is shows_cancelled


def test_list_is_paginated(client_a, customer_a):
    IncidentFactory.create_batch(25, customer=customer_a)

    first = client_a.get(LIST_URL).context["page"]
    second = client_a.get(LIST_URL, {"page": 2}).context["page"]

    assert len(first) == 20
    assert len(second) == 5
    assert first[0].number > second[0].number


def _list_queries(client) -> int:
    client.get(LIST_URL)  # warm: the signed-in user comes from the read cache after one request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST_URL).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_incidents(client_a, customer_a):
    service = Service.objects.get(customer=customer_a)
    IncidentFactory.create_batch(10, customer=customer_a, service=service)
    with_ten = _list_queries(client_a)

    IncidentFactory.create_batch(30, customer=customer_a, service=service)
    with_forty = _list_queries(client_a)

    assert with_ten == with_forty


# --- The detail page, comments and downloads -----------------------------------------------


def test_detail_shows_customer_entries_and_hides_internal_notes(client_a, incident_a, support_user):
    incident_add_note(incident=incident_a, actor=support_user, text="Disk full on db-3; ugly fix")
    incident_add_note(
        incident=incident_a,
        actor=support_user,
        text="We are looking at the database.",
        visibility=TimelineEntry.Visibility.CUSTOMER,
    )

    response = client_a.get(reverse("hotline:incident", args=[incident_a.key]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "We are looking at the database." in content
    assert "Disk full on db-3" not in content
    assert "New" in content  # the status badge


def test_detail_lists_attachments_with_download_links(client_a, customer_a):
    incident = IncidentFactory(customer=customer_a, attachments=[_upload("app.log", b"boom")])
    attachment = incident.attachments.get()

    content = client_a.get(reverse("hotline:incident", args=[incident.key])).content.decode()

    assert reverse("hotline:attachment", args=[incident.key, attachment.pk]) in content
    assert "app.log" in content


def test_detail_hides_internal_attachments(client_a, incident_a, support_user):
    attachment = attachment_add(
        incident=incident_a,
        upload=_upload("internal-dump.log", b"stack"),
        actor=support_user,
        visibility=TimelineEntry.Visibility.INTERNAL,
    )

    detail = client_a.get(reverse("hotline:incident", args=[incident_a.key]))
    download = client_a.get(reverse("hotline:attachment", args=[incident_a.key, attachment.pk]))

    assert "internal-dump.log" not in detail.content.decode()
    assert download.status_code == 404


def test_attachment_download_is_a_nosniff_attachment(client_a, customer_a):
    incident = IncidentFactory(customer=customer_a, attachments=[_upload("app.log", b"boom\n")])
    attachment = incident.attachments.get()

    response = client_a.get(reverse("hotline:attachment", args=[incident.key, attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"boom\n"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="app.log"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_customer_can_comment_on_an_open_incident(client_a, incident_a, customer_user_a):
    url = reverse("hotline:incident_comment", args=[incident_a.key])

    response = client_a.post(url, {"text": "It is failing again since 10:05."})

    entry = incident_a.timeline.get(kind=TimelineEntry.Kind.COMMUNICATION)
    assert response.status_code == 302
    assert entry.visibility == TimelineEntry.Visibility.CUSTOMER
    assert entry.actor == customer_user_a
    assert entry.text == "It is failing again since 10:05."


def test_empty_comment_rerenders_with_an_error(client_a, incident_a):
    url = reverse("hotline:incident_comment", args=[incident_a.key])

    response = client_a.post(url, {"text": ""})

    assert response.status_code == 200
    assert "text" in response.context["comment_form"].errors
    assert not incident_a.timeline.filter(kind=TimelineEntry.Kind.COMMUNICATION).exists()


def test_comment_on_a_cancelled_incident_is_refused(client_a, incident_a, support_user):
    incident_cancel(incident=incident_a, actor=support_user, reason=CancelReason.FALSE_ALARM)
    url = reverse("hotline:incident_comment", args=[incident_a.key])

    client_a.post(url, {"text": "Hello?"})

    assert not incident_a.timeline.filter(kind=TimelineEntry.Kind.COMMUNICATION).exists()


# --- Login and logout ----------------------------------------------------------------------


def test_login_page_logs_a_customer_in(client_en, customer_user_a):
    response = client_en.post(
        reverse("hotline:login"), {"username": "alice", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert response.url == reverse("hotline:home")


def test_logout_is_a_post(client_a):
    response = client_a.post(reverse("hotline:logout"))

    assert response.status_code == 302
    assert client_a.get(NEW_URL).status_code == 302
