"""The answers a refused client gets: HTTP 429 for too many requests and for a login lockout.

Both say, in the user's language, how long to wait and that an emergency can always be phoned
in: a rate limit must never be the reason an outage goes unreported.
"""

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.access import customer_link_for


def wants_json(request: HttpRequest) -> bool:
    """Tell whether the client is an API client rather than a browser."""
    accept = request.META.get("HTTP_ACCEPT", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def hotline_phone(request: HttpRequest) -> str:
    """Return the 24/7 number to show: the customer's own line, else the firm's."""
    link = customer_link_for(getattr(request, "user", None))
    if link is not None and link.customer.hotline_phone:
        return link.customer.hotline_phone
    return settings.HOTLINE_PHONE


def wait_text(seconds: int) -> str:
    """Return "3 minutes" or "40 seconds" in the active language."""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    seconds = max(seconds, 1)
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def rate_limited_message(request: HttpRequest, retry_after: int) -> str:
    """Return the translated explanation of a rate limit."""
    return _(
        "Too many requests. Please wait %(wait)s and try again. "
        "If this is an emergency, call the 24/7 hotline: %(phone)s."
    ) % {"wait": wait_text(retry_after), "phone": hotline_phone(request)}


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """Answer 429 with a translated message, as JSON for API clients and a page otherwise."""
    retry_after = max(int(retry_after), 1)
    message = rate_limited_message(request, retry_after)
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request,
            "429.html",
            {"message": message, "phone": hotline_phone(request)},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Answer a locked-out login (django-axes) with 429 and when to try again."""
    cool_off = settings.AXES_COOLOFF_TIME
    seconds = int(cool_off.total_seconds()) if cool_off else 3600
    message = _(
        "Too many failed logins for this account from your network. "
        "Try again in %(wait)s, or ask your account manager to unlock it. "
        "If this is an emergency, call the 24/7 hotline: %(phone)s."
    ) % {"wait": wait_text(seconds), "phone": hotline_phone(request)}
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request,
            "429.html",
            {"message": message, "phone": hotline_phone(request), "locked_out": True},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
