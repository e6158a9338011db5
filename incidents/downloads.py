"""The one way an attachment leaves the portal: as a download that a browser never renders."""

from django.http import FileResponse, Http404

from incidents.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Stream an attachment the caller has already access-checked, as a download."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened by mistake in a tab, the file still runs nothing and keeps no cached copy.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
