"""Attachments: sniff the content, cap the size, store under a random name."""

import hashlib
from datetime import datetime
from pathlib import PurePath
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from core import clock
from incidents.models import Attachment, Incident, TimelineEntry
from incidents.services.timeline import acting_user, record_actor, timeline_add

# Binary types recognised by their magic bytes; anything else must be plain UTF-8 text.
ALLOWED_BINARY_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-tar",
}
TEXT_EXTENSIONS = {".txt", ".log", ".csv", ".json", ".xml", ".yaml", ".yml", ".conf", ".out"}
SNIFF_BYTES = 8192


def _sniff(upload: UploadedFile) -> str | None:
    """Return the content type judged from the bytes, not the name or the browser's claim."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_BINARY_TYPES else None
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniff window is still text; a short
        # file was read whole, so bad bytes at its end are just bad bytes.
        cut = len(head) == SNIFF_BYTES and exc.reason == "unexpected end of data"
        if not cut:
            return None
    return "text/plain"


def safe_name(name: str) -> str:
    """Return a display-safe file name (no path, no control characters, bounded length)."""
    base = PurePath(str(name).replace("\\", "/")).name
    try:
        cleaned = get_valid_filename(base) if base.strip(". ") else ""
    except SuspiciousFileOperation:  # no safe character left ("🔥", "$$$")
        cleaned = ""
    return (cleaned or "attachment")[-120:]


def validate_upload(upload: UploadedFile) -> str:
    """Check one upload's size and content; return its sniffed content type."""
    limit = settings.HOTLINE_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(
            {
                "attachments": _("The file %(name)s is empty.")
                % {"name": safe_name(upload.name or "")}
            }
        )
    if upload.size > limit:
        raise ValidationError(
            {
                "attachments": _("The file %(name)s is larger than %(limit)s.")
                % {"name": safe_name(upload.name or ""), "limit": filesizeformat(limit)}
            }
        )
    content_type = _sniff(upload)
    suffix = PurePath(upload.name or "").suffix.lower()
    if content_type is None or (content_type == "text/plain" and suffix not in TEXT_EXTENSIONS):
        raise ValidationError(
            {
                "attachments": _(
                    "The file %(name)s is not an allowed type (images, PDF, archives, text logs)."
                )
                % {"name": safe_name(upload.name or "")}
            }
        )
    return content_type


@transaction.atomic
def attachment_add(
    *,
    incident: Incident,
    upload: UploadedFile,
    actor: Any,
    now: datetime | None = None,
    validated: bool = False,
    visibility: str = TimelineEntry.Visibility.CUSTOMER,
) -> Attachment:
    """Store an upload on the incident and note it on the timeline."""
    now = clock.resolve(now)
    content_type = _sniff(upload) if validated else validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = safe_name(upload.name or "")
    attachment = Attachment(
        incident=incident,
        original_name=name,
        content_type=content_type or "text/plain",
        size=upload.size or 0,
        uploaded_by=acting_user(actor),
        uploaded_at=now,
    )
    attachment.file.save(name, upload, save=False)
    record_actor(attachment, actor)
    attachment.save()
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.ATTACHMENT,
        actor=attachment.uploaded_by,
        visibility=visibility,
        at=now,
        text=_("Attached %(name)s") % {"name": name},
        data={"attachment": attachment.pk, "sha256": digest.hexdigest()},
    )
    return attachment
