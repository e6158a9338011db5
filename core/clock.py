"""The one seam for the current time: services take ``now=None`` and resolve it here once."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """Return the current aware UTC datetime."""
    return timezone.now()


def resolve(value: datetime | None) -> datetime:
    """Return ``value`` or the current time when it is None."""
    return value if value is not None else now()
