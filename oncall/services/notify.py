"""Reaching an engineer: contact preferences, quiet hours, and the one sending seam.

``notify_user`` is the seam the later notification-outbox issue replaces (e-mail, Slack,
webhook, SMS with delivery records); today it sends e-mail through Django's mail API.
"""

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from core import clock
from oncall.models import NotificationProfile
from oncall.models.profiles import SEVERITIES_IGNORING_QUIET_HOURS

logger = logging.getLogger(__name__)

EMAIL, SMS, SLACK = "email", "sms", "slack"


def profile_for(user: Any) -> NotificationProfile:
    """Return the user's profile; an unsaved one with the defaults when they have none."""
    try:
        return user.oncall_profile
    except NotificationProfile.DoesNotExist:
        return NotificationProfile(user=user)


def channels_for(
    profile: NotificationProfile, *, at: datetime, severity: int | None = None
) -> list[str]:
    """Return the channels a message reaches the engineer on.

    Quiet hours hold back the interrupting channels (SMS, Slack) unless the message is a page
    of severity 1 or 2; e-mail waits in the inbox, so it always goes.
    """
    urgent = severity in SEVERITIES_IGNORING_QUIET_HOURS
    interrupt = urgent or not profile.in_quiet_hours(at)
    channels = []
    if profile.notify_by_email and profile.address:
        channels.append(EMAIL)
    if profile.notify_by_sms and profile.phone and interrupt:
        channels.append(SMS)
    if profile.notify_by_slack and profile.slack_member_id and interrupt:
        channels.append(SLACK)
    return channels


def notify_user(
    user: Any, subject: str, body: str, *, severity: int | None = None, now: datetime | None = None
) -> list[str]:
    """Send a message to an engineer on their channels; return the channels used."""
    profile = profile_for(user)
    channels = channels_for(profile, at=clock.resolve(now), severity=severity)
    if EMAIL in channels:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [profile.address])
    for channel in set(channels) - {EMAIL}:
        # SMS and Slack delivery arrive with the notification outbox.
        logger.info("No %s delivery yet; %s reached by e-mail only.", channel, user)
    return [c for c in channels if c == EMAIL]


def language_of(user: Any) -> str:
    """Return the language messages to ``user`` are written in."""
    return profile_for(user).language or settings.LANGUAGE_CODE


def in_language_of(user: Any) -> Any:
    """Return a context manager that writes in ``user``'s language."""
    return translation.override(language_of(user))


def notify_later(user: Any, kind: str, swap_id: int) -> None:
    """Tell ``user`` about a swap request once the transaction commits."""
    from oncall.tasks import send_swap_notice

    transaction.on_commit(lambda: send_swap_notice.delay(swap_id, kind, user.pk))
