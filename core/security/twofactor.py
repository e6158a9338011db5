"""Two-factor login for staff: who needs it, and the middleware that enforces it.

With ``HOTLINE_REQUIRE_2FA`` on (the default whenever DEBUG and the test settings are off) a staff
account (``is_staff``, a superuser, or a member of a staff group) that logged in with its password
reaches nothing but the two-factor pages and logout until it has entered a TOTP code
(django-otp); without a device yet, it is sent to set one up first. Being a middleware, this
covers every page and API route added later. API tokens are issued to staff only together with a
code (``core.security.tokens``).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import is_staff_member

# What an unverified staff member may still reach: the way to verify, and the way out.
EXEMPT_VIEWS = frozenset(
    {"twofactor:setup", "twofactor:verify", "hotline:logout", "admin:logout", "set_language"}
)


def needs_second_factor(user: Any) -> bool:
    """Tell whether the account sees more than one company's data (staff, superusers)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or is_staff_member(user))


def is_verified(user: Any) -> bool:
    """Tell whether the session has passed a two-factor check (django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def required() -> bool:
    return bool(getattr(settings, "HOTLINE_REQUIRE_2FA", False))


class TwoFactorMiddleware:
    """Hold an unverified staff session at the two-factor pages (JSON 403 on the API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not required():
            return None
        user = request.user
        if not needs_second_factor(user) or is_verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Enter your two-factor code on the admin site before using the API.")},
                status=403,
            )
        return redirect_to_login(request.get_full_path(), reverse("twofactor:verify"))
