"""Attachments end to end: what the hotline form accepts, where files live, how they leave.

Sniffing and safe names are unit-tested in tests/incidents/test_attachments.py; here the whole
path is attacked through HTTP, as an attacker would.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from core.security.uploads import BoundedTemporaryFileUploadHandler
from incidents.models import Attachment, Incident
from retainer.models import Service
from tests.incidents.test_attachments import EXE, PNG
from tests.security.conftest import client_as

HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.fixture
def alice(users):
    return client_as(users["customer_a"])


def post_report(client, customer, files):
    service = Service.objects.get(customer=customer, code="payments")
    return client.post(
        "/hotline/new/",
        {
            "summary": "Checkout fails with a stack trace",
            "severity": "2",
            "service": str(service.pk),
            "contact_phone": "010-1234-5678",
            "attachments": files,
        },
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("screenshot.png", HTML),  # HTML dressed up as an image
        ("notes.txt", EXE),  # a program dressed up as text
        ("page.html", HTML),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ],
)
def test_the_form_judges_files_by_their_content(alice, customer_a, unknown_service, name, content):
    response = post_report(alice, customer_a, [SimpleUploadedFile(name, content)])

    assert response.status_code == 200
    assert "not an allowed type" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_form_refuses_a_file_over_the_size_limit(settings, alice, customer_a, unknown_service):
    settings.HOTLINE_ATTACHMENT_MAX_BYTES = 1000

    response = post_report(alice, customer_a, [SimpleUploadedFile("big.log", b"x" * 1001)])

    assert "is larger than" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_form_refuses_more_files_than_allowed(alice, customer_a, unknown_service):
    files = [SimpleUploadedFile(f"log{n}.txt", b"ERROR\n") for n in range(6)]

    response = post_report(alice, customer_a, files)

    assert "Attach at most 5 files" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_request_with_too_many_files_is_refused_outright(alice, customer_a, unknown_service):
    files = [SimpleUploadedFile(f"log{n}.txt", b"ERROR\n") for n in range(11)]

    response = post_report(alice, customer_a, files)

    assert response.status_code == 400


def test_names_are_made_safe_and_storage_names_random(alice, customer_a, unknown_service):
    upload = SimpleUploadedFile('../../etc/"evil"\u202egnp.log', b"ERROR 42\n")

    assert post_report(alice, customer_a, [upload]).status_code == 302

    attachment = Attachment.objects.get()
    assert attachment.original_name == "evilgnp.log"
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.name != attachment.original_name
    assert len(stored.stem) == 32  # a random hex name


def test_files_are_stored_outside_every_static_path():
    media = Path(settings.MEDIA_ROOT).resolve()
    static_dirs = [Path(settings.STATIC_ROOT).resolve()]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                static_dirs.append(Path(storage.location).resolve())
    for static in static_dirs:
        assert not media.is_relative_to(static), static
        assert not static.is_relative_to(media), static


def test_no_url_serves_the_media_folder(alice, attachment_a):
    stored = attachment_a.file.name

    assert alice.get(f"{settings.MEDIA_URL}{stored}").status_code == 404
    assert alice.get(f"/static/{stored}").status_code == 404
    assert alice.get(f"/media/{stored}").status_code == 404


def test_download_is_an_access_checked_attachment(users, incident_a, attachment_a):
    url = f"/hotline/incidents/{incident_a.key}/attachments/{attachment_a.pk}/"

    response = client_as(users["customer_a"]).get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert client_as(users["customer_b"]).get(url).status_code == 404
    assert client_as(None).get(url).status_code == 302


def test_an_attachment_id_of_another_incident_is_not_found(users, customer_a, attachment_a):
    from tests.incidents.factories import IncidentFactory

    other = IncidentFactory(customer=customer_a, actor=users["customer_a"])
    url = f"/hotline/incidents/{other.key}/attachments/{attachment_a.pk}/"

    assert client_as(users["customer_a"]).get(url).status_code == 404


def test_png_content_is_served_as_an_image_download(alice, customer_a, unknown_service):
    assert post_report(alice, customer_a, [SimpleUploadedFile("shot.txt", PNG)]).status_code == 302

    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"


def test_the_upload_handler_writes_no_more_than_the_bound(settings):
    settings.HOTLINE_UPLOAD_MAX_BYTES = 1024
    handler = BoundedTemporaryFileUploadHandler()
    handler.new_file("field", "big.log", "text/plain", 5000)
    for start in range(0, 5000, 1000):
        handler.receive_data_chunk(b"x" * 1000, start)

    uploaded = handler.file_complete(5000)

    assert Path(uploaded.temporary_file_path()).stat().st_size == 1025
    assert uploaded.size == 5000  # so every size check still refuses it
    uploaded.close()
