"""API glue: turn domain ``ValidationError`` into HTTP 400 and throttling into a translated 429."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.security.responses import rate_limited_message


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map Django's ValidationError (raised by services) to a DRF 400 response."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.Throttled):
        exc = _throttled(exc, context)
    return drf_exception_handler(exc, context)


def _throttled(exc: exceptions.Throttled, context: dict[str, Any]) -> exceptions.Throttled:
    """Say in the user's language how long to wait and where to call in an emergency."""
    wait = max(int(exc.wait or 1), 1)
    translated = exceptions.Throttled(
        detail=rate_limited_message(context["request"], wait)  # no English suffix appended
    )
    translated.wait = wait  # sets the Retry-After header
    return translated
