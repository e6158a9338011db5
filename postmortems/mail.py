"""One e-mail to a person, written in their language: the reminders and the weekly chase."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation

from core.notifications.models import NotificationChannel
from core.notifications.services import Message
from core.people import person_name
from oncall.services.notify import profile_for


def email_to(
    user: Any, *, key: str, topic: str, compose: Callable[[], tuple[str, str]], **extra: Any
) -> Message | None:
    """Return the outbox message e-mailing ``user`` (None without an address).

    ``compose`` returns (subject, body); it runs with the user's language active.
    """
    profile = profile_for(user)
    if not profile.address:
        return None
    language = profile.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body = compose()
    return Message(
        idempotency_key=f"{key}:email",
        topic=topic,
        channel=NotificationChannel.EMAIL,
        recipient=user,
        recipient_label=person_name(user),
        address=profile.address,
        language=language,
        subject=subject,
        body=body,
        **extra,
    )
