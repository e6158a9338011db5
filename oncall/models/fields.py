"""Small field helpers shared by the on-call models."""

import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """Return a fresh secret for a calendar feed URL (unguessable, URL-safe)."""
    return secrets.token_urlsafe(32)


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names (``Asia/Seoul``, ``America/New_York``)."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone name (e.g. Asia/Seoul)."),
            params={"value": value},
            code="invalid_time_zone",
        )


def default_time_zone() -> str:
    """Return the site's time zone (``TIME_ZONE``), the default for schedules and people."""
    return settings.TIME_ZONE


def default_language() -> str:
    """Return the site's default language (``LANGUAGE_CODE``)."""
    return settings.LANGUAGE_CODE
