"""Rate limits for logins, the hotline form, every other form post and the API.

One table decides what counts against which limit, so a route added later is covered without
touching it: every unsafe request outside the API counts against the generic form limits, every
API request against the per-address API limit (before DRF authenticates, so floods of
unauthenticated calls are limited too), and DRF's throttles below add the per-user API limits.
Counters live in the default cache (django-ratelimit's fixed windows); rates are
``settings.HOTLINE_RATELIMITS`` and ``RATELIMIT_ENABLE`` turns all of them off.

Limits are per user *and* per address, never only per address: a company behind one NAT address
shares it, and an attacker on that address must not stop a colleague from reporting an outage.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from core.security.net import client_ip
from core.security.responses import too_many_requests

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIX = "/api/"


def _ip(group: str, request: Any) -> str:
    return client_ip(request)


def _user_or_ip(group: str, request: Any) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def _username(group: str, request: Any) -> str:
    """The login name being tried (any case), so guesses spread over addresses still count."""
    data = getattr(request, "data", None)
    if not isinstance(data, Mapping):
        data = request.POST if request.method == "POST" else {}
    name = data.get("username") or data.get("auth-username") or ""
    name = str(name).strip().lower()[:150]
    return f"name:{name}" if name else f"ip:{client_ip(request)}"


KEYS: dict[str, Callable[[str, Any], str]] = {
    "ip": _ip,
    "user": _user_or_ip,
    "username": _username,
}


@dataclass(frozen=True)
class Limit:
    """One counter: ``rate`` is looked up by name in HOTLINE_RATELIMITS, ``key`` in KEYS."""

    name: str
    key: str


LOGIN = (Limit("login_ip", "ip"), Limit("login_username", "username"))
OTP = (Limit("otp_user", "user"), Limit("otp_ip", "ip"))
INTAKE = (Limit("intake_user", "user"), Limit("intake_ip", "ip"))
FORM = (Limit("form_user", "user"), Limit("form_ip", "ip"))
API = (Limit("api_ip", "ip"),)

# Unsafe requests to these views count against their own limits instead of FORM.
VIEW_LIMITS: dict[str, tuple[Limit, ...]] = {
    "hotline:login": LOGIN,
    "admin:login": LOGIN,
    "twofactor:verify": OTP,
    "twofactor:setup": OTP,
    "hotline:incident_new": INTAKE,
}


def exceeded(request: Any, limits: tuple[Limit, ...]) -> int | None:
    """Count the request against each limit; return seconds to wait when one is exceeded."""
    wait = None
    for limit in limits:
        rate = settings.HOTLINE_RATELIMITS.get(limit.name)
        if not rate:
            continue
        usage = get_usage(
            request, group=f"hotline.{limit.name}", key=KEYS[limit.key], rate=rate, increment=True
        )
        if usage is not None and usage["should_limit"]:
            wait = max(wait or 0, usage["time_left"], 1)
    return wait


def limits_for(request: HttpRequest) -> tuple[Limit, ...]:
    """Return the limits a request counts against (none for a page read)."""
    if request.path.startswith(API_PREFIX):
        return API
    if request.method in SAFE_METHODS:
        return ()
    match = request.resolver_match
    return VIEW_LIMITS.get(match.view_name if match else "", FORM)


class RateLimitMiddleware:
    """Refuse a request over its limits with 429 before the view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        limits = limits_for(request)
        wait = exceeded(request, limits) if limits else None
        if wait is None:
            return None
        return too_many_requests(request, retry_after=wait)


# --- DRF throttles: the per-user API limits (the user is known only once DRF authenticated) ---


class LimitThrottle(BaseThrottle):
    """A DRF throttle over Limit counters; ``methods`` None means every method."""

    limits: tuple[Limit, ...] = ()
    methods: frozenset[str] | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        self.retry_after = None
        if self.methods is not None and request.method not in self.methods:
            return True
        self.retry_after = exceeded(request, self.limits)
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


class ApiUserThrottle(LimitThrottle):
    """Every API call of one user (or, unauthenticated, one address)."""

    limits = (Limit("api_user", "user"),)


class ApiWriteThrottle(LimitThrottle):
    """API writes of one user: reports, edits, transitions, notes."""

    limits = (Limit("api_write", "user"),)
    methods = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TokenLoginThrottle(LimitThrottle):
    """Token requests: per address and per login name, like the login pages."""

    limits = LOGIN
