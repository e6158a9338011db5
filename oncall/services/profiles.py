"""Writes on notification profiles: an engineer's contact methods and preferences."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oncall.models import NotificationProfile
from oncall.models.fields import new_token
from oncall.services.common import check_engineer, record_actor

PROFILE_FIELDS = (
    "email",
    "phone",
    "slack_member_id",
    "language",
    "time_zone",
    "notify_by_email",
    "notify_by_sms",
    "notify_by_slack",
    "quiet_hours_start",
    "quiet_hours_end",
    "reminder_lead_hours",
    "handoff_messages",
)


@transaction.atomic
def profile_update(*, user: Any, actor: Any, **changes: Any) -> NotificationProfile:
    """Create or change the engineer's notification profile."""
    check_engineer(user, "user")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    profile, _created = NotificationProfile.objects.select_for_update().get_or_create(user=user)
    for name, value in changes.items():
        setattr(profile, name, value)
    if (profile.quiet_hours_start is None) != (profile.quiet_hours_end is None):
        raise ValidationError({"quiet_hours_end": _("Give both ends of the quiet hours.")})
    profile.full_clean()
    record_actor(profile, actor)
    profile.save()
    return profile


@transaction.atomic
def profile_rotate_token(*, user: Any, actor: Any) -> NotificationProfile:
    """Give the engineer's personal calendar feed a new secret URL."""
    profile, _created = NotificationProfile.objects.select_for_update().get_or_create(user=user)
    profile.ical_token = new_token()
    record_actor(profile, actor)
    profile.save(update_fields=["ical_token", "updated_at"])
    return profile
