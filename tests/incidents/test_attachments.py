"""Attachments: content sniffing, safe names, random storage names, timeline entries."""

import hashlib
import re
import struct
import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from incidents.models import TimelineEntry
from incidents.selectors import attachment_get_for, attachment_list_for
from incidents.services import attachment_add, validate_upload
from incidents.services.attachments import SNIFF_BYTES, safe_name
from tests.incidents.factories import IncidentFactory

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=SEOUL)


def _png() -> bytes:
    """Return a real one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 120
LOG = "2026-03-02 09:00:01 ERROR 결제 승인 실패 (timeout)\n".encode()
# Korean text longer than the sniff window, so the window ends inside a 3-byte character.
LONG_KOREAN = ("가" * (SNIFF_BYTES // 3 + 100)).encode()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("screenshot.png", PNG, "image/png"),
        ("report.pdf", PDF, "application/pdf"),
        ("app.log", LOG, "text/plain"),
        ("dump.json", b'{"error": "timeout"}', "text/plain"),
        ("metrics.csv", b"time,value\n09:00,1\n", "text/plain"),
        ("trace.txt", LONG_KOREAN, "text/plain"),
        ("screenshot.txt", PNG, "image/png"),  # judged by the bytes, not the name
    ],
)
def test_allowed_content_is_accepted(name, content, expected):
    assert validate_upload(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("notes.txt", ELF, id="ELF named .txt"),
        pytest.param("readme.txt", EXE, id="exe named .txt"),
        pytest.param("app.log", b"ok\x00\x01\x02binary", id="NUL bytes named .log"),
        pytest.param("app.log", b"\xff\xfe\xfd", id="short non-UTF-8 named .log"),
        pytest.param("app.log", b"\xff" * 64 + LOG, id="non-UTF-8 named .log"),
        pytest.param(
            "app.log",
            b"a" * (SNIFF_BYTES - 1) + b"\xff" + LOG,
            id="bad byte at the end of the sniff window",
        ),
        pytest.param("page.html", b"<script>alert(1)</script>", id="HTML"),
        pytest.param("image.svg", b"<svg onload='alert(1)'/>", id="SVG"),
        pytest.param("run.sh", b"#!/bin/sh\nrm -rf /\n", id="shell script"),
        pytest.param("setup.exe", EXE, id="exe"),
    ],
)
def test_disallowed_content_is_refused(name, content):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content))

    assert "attachments" in excinfo.value.message_dict


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("app.log", b""))


def test_file_over_the_size_limit_is_refused(settings):
    settings.HOTLINE_ATTACHMENT_MAX_BYTES = len(LOG) - 1

    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("app.log", LOG))


def test_file_at_the_size_limit_is_accepted(settings):
    settings.HOTLINE_ATTACHMENT_MAX_BYTES = len(LOG)

    assert validate_upload(SimpleUploadedFile("app.log", LOG)) == "text/plain"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/var/log/app.log", "app.log"),
        ("장애 로그.txt", "장애_로그.txt"),
        ("결제-오류_2026.log", "결제-오류_2026.log"),
        ("bad\x00name\r\n\x1b[31m.log", "badname31m.log"),
        ("..", "attachment"),
        ("", "attachment"),
        ("🔥🔥", "attachment"),
        ("$$$", "attachment"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_safe_name_bounds_the_length_and_keeps_the_extension():
    name = safe_name("가" * 300 + ".log")

    assert len(name) <= 120
    assert name.endswith(".log")


@pytest.fixture
def incident(customer_a):
    return IncidentFactory(customer=customer_a)


def test_attachment_is_stored_under_a_random_name(incident, support_user, settings):
    attachment = attachment_add(
        incident=incident, upload=SimpleUploadedFile("../../장애 로그.log", LOG), actor=support_user
    )

    assert re.fullmatch(rf"attachments/{incident.pk}/[0-9a-f]{{32}}\.log", attachment.file.name)
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == LOG
    assert attachment.original_name == "장애_로그.log"
    assert (attachment.content_type, attachment.size) == ("text/plain", len(LOG))
    assert attachment.uploaded_by == support_user


def test_same_name_twice_gets_two_stored_files(incident, support_user):
    first, second = (
        attachment_add(
            incident=incident, upload=SimpleUploadedFile("app.log", LOG), actor=support_user
        )
        for _ in range(2)
    )

    assert first.file.name != second.file.name


def test_attachment_writes_a_timeline_entry(incident, support_user, time_machine):
    time_machine.move_to(NOW, tick=False)

    attachment = attachment_add(
        incident=incident, upload=SimpleUploadedFile("shot.png", PNG), actor=support_user
    )

    entry = incident.timeline.get(kind=TimelineEntry.Kind.ATTACHMENT)
    assert (entry.actor, entry.at, entry.visibility) == (
        support_user,
        NOW,
        TimelineEntry.Visibility.CUSTOMER,
    )
    assert entry.data == {"attachment": attachment.pk, "sha256": hashlib.sha256(PNG).hexdigest()}
    assert attachment.uploaded_at == NOW


def test_internal_attachment_writes_an_internal_entry(incident, support_user):
    attachment_add(
        incident=incident,
        upload=SimpleUploadedFile("heap.txt", LOG),
        actor=support_user,
        visibility=TimelineEntry.Visibility.INTERNAL,
    )

    entry = incident.timeline.get(kind=TimelineEntry.Kind.ATTACHMENT)
    assert entry.visibility == TimelineEntry.Visibility.INTERNAL


def test_refused_attachment_writes_nothing(incident, support_user):
    with pytest.raises(ValidationError):
        attachment_add(
            incident=incident, upload=SimpleUploadedFile("notes.txt", ELF), actor=support_user
        )

    assert not incident.attachments.exists()
    assert not incident.timeline.filter(kind=TimelineEntry.Kind.ATTACHMENT).exists()


@pytest.fixture
def two_attachments(incident, support_user):
    shown, internal = (
        attachment_add(
            incident=incident,
            upload=SimpleUploadedFile(f"{visibility}.log", LOG),
            actor=support_user,
            visibility=visibility,
        )
        for visibility in (TimelineEntry.Visibility.CUSTOMER, TimelineEntry.Visibility.INTERNAL)
    )
    return shown, internal


def test_customer_sees_only_customer_visible_attachments(
    incident, two_attachments, customer_user_a
):
    shown, internal = two_attachments

    assert list(attachment_list_for(customer_user_a, incident)) == [shown]
    with pytest.raises(Http404):
        attachment_get_for(customer_user_a, key=incident.key, attachment_id=internal.pk)


def test_staff_sees_every_attachment(incident, two_attachments, support_user):
    shown, internal = two_attachments

    assert attachment_get_for(support_user, key=incident.key, attachment_id=internal.pk) == internal
    assert set(attachment_list_for(support_user, incident)) == {shown, internal}


def test_another_customer_cannot_fetch_an_attachment(incident, two_attachments, customer_user_b):
    shown, _ = two_attachments

    with pytest.raises(Http404):
        attachment_get_for(customer_user_b, key=incident.key, attachment_id=shown.pk)
