"""An upload handler that never writes more than ``HOTLINE_UPLOAD_MAX_BYTES`` of a file to disk.

Django streams every upload to a temporary file before any form sees it, so without a bound a
single request could fill the disk. Past the bound the bytes are dropped but the file keeps its
real size, so every size check (``incidents.services.attachments.validate_upload``) refuses it.
The number of files per request is bounded by ``DATA_UPLOAD_MAX_NUMBER_FILES``.
"""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class BoundedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Stream an upload to a temporary file, up to the site-wide per-file bound."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.written = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = settings.HOTLINE_UPLOAD_MAX_BYTES + 1 - self.written
        if room > 0:
            chunk = raw_data[:room]
            self.file.write(chunk)
            self.written += len(chunk)
