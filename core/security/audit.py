"""Record logins, failed logins, lockouts and two-factor events as ``SecurityEvent`` rows.

The receivers below are connected in ``core.apps``; the two-factor views call
``security_event_record`` directly. Recording is bookkeeping, not business logic: a failure to
record never blocks a login (it is logged instead).
"""

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction

from core import clock
from core.access import is_staff_member
from core.models import SecurityEvent
from core.security.net import client_ip

logger = logging.getLogger(__name__)
Kind = SecurityEvent.Kind


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False) or is_staff_member(user))


def security_event_record(
    *, kind: str, request: Any = None, user: Any = None, username: str = ""
) -> SecurityEvent | None:
    """Write one security event for ``user`` (or a tried ``username``) from ``request``."""
    if user is not None and not getattr(user, "pk", None):
        user = None
    if user is not None:
        username = user.get_username()
    meta = getattr(request, "META", {}) if request is not None else {}
    ip = client_ip(request) if request is not None else None
    try:
        with transaction.atomic():  # a savepoint: a failed insert leaves the caller's transaction
            return SecurityEvent.objects.create(
                at=clock.now(),
                kind=kind,
                user=user,
                username=str(username or "")[:150],
                is_staff=_is_staff(user) if user is not None else _is_staff_name(username),
                ip_address=ip,
                user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:300],
                path=str(getattr(request, "path", ""))[:300],
            )
    except Exception:  # an audit row must never turn a login into a server error
        logger.exception("Could not record the security event %s for %s", kind, username)
        return None


def _is_staff_name(username: str) -> bool:
    user = get_user_model().objects.filter(username=username).first() if username else None
    return user is not None and _is_staff(user)


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event_record(kind=Kind.LOGIN, request=request, user=user)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(kind=Kind.LOGOUT, request=request, user=user)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any):
    security_event_record(
        kind=Kind.LOGIN_FAILED, request=request, username=credentials.get("username", "")
    )


def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any):
    security_event_record(kind=Kind.LOCKED_OUT, request=request, username=username or "")


def connect() -> None:
    """Connect the receivers (called once from ``CoreConfig.ready``)."""
    from axes.signals import user_locked_out

    user_logged_in.connect(_logged_in, dispatch_uid="core.security.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="core.security.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="core.security.audit.failed")
    user_locked_out.connect(_locked_out, dispatch_uid="core.security.audit.locked_out")
