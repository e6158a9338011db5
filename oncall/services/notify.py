"""Reaching an engineer: contact preferences, quiet hours, and the one sending seam.

``notify_user`` writes one outbox message per channel (e-mail, SMS, Slack); the outbox sends
them after the transaction commits, once per idempotency key.
"""

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from core import clock
from core.notifications.models import WebhookEndpoint
from core.notifications.services import Message, deliveries_create
from core.notifications.topics import ONCALL_NOTICE
from core.people import person_name
from oncall.models import NotificationProfile
from oncall.models.profiles import SEVERITIES_IGNORING_QUIET_HOURS

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


def _slack_endpoint() -> WebhookEndpoint | None:
    """Return the Slack channel that people who choose Slack are mentioned in."""
    return WebhookEndpoint.objects.filter(
        kind=WebhookEndpoint.Kind.SLACK, pages_people=True, is_active=True
    ).first()


def _route(profile: NotificationProfile, channel: str) -> tuple[str, WebhookEndpoint | None]:
    """Return the address (and endpoint) ``channel`` reaches the engineer at; "" when none."""
    if channel == EMAIL:
        return profile.address, None
    if channel == SMS:
        return profile.phone, None
    endpoint = _slack_endpoint()
    return (profile.slack_member_id, endpoint) if endpoint is not None else ("", None)


@transaction.atomic
def notify_user(
    user: Any,
    subject: str,
    body: str,
    *,
    severity: int | None = None,
    now: datetime | None = None,
    key: str = "",
) -> list[str]:
    """Write a message to an engineer on each of their channels; return the channels used.

    ``key`` makes the messages idempotent (one outbox row per key and channel); without it
    every call writes new rows. The outbox sends them once the transaction commits.
    """
    profile = profile_for(user)
    channels = channels_for(profile, at=clock.resolve(now), severity=severity)
    key = key or f"oncall:{uuid.uuid4().hex}"
    label = person_name(user)
    messages, used = [], []
    for channel in channels:
        address, endpoint = _route(profile, channel)
        if not address:
            continue
        used.append(channel)
        messages.append(
            Message(
                idempotency_key=f"{key}:{channel}",
                topic=ONCALL_NOTICE,
                channel=channel,
                recipient=user,
                recipient_label=label,
                address=address,
                endpoint=endpoint,
                language=profile.language or settings.LANGUAGE_CODE,
                subject=subject,
                body=body,
            )
        )
    # deliveries_create enqueues the new rows with enqueue_on_commit.
    deliveries_create(messages)
    return used


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
