"""How an engineer wants to be reached: contact methods, language and quiet hours."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from oncall.models.fields import (
    default_language,
    default_time_zone,
    new_token,
    validate_time_zone,
)

SEVERITIES_IGNORING_QUIET_HOURS = (1, 2)


class NotificationProfile(TimeStampedModel):
    """Contact methods and notification preferences of one engineer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.CASCADE,
        related_name="oncall_profile",
    )
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Leave empty to use the account's e-mail address.")
    )
    phone = models.CharField(
        _("phone for SMS"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9][0-9 -]{6,18}$", _("Enter a phone number."))],
    )
    slack_member_id = models.CharField(
        _("Slack member id"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^[UW][A-Z0-9]{6,18}$", _("A Slack member id looks like U012AB3CD."))
        ],
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=default_language
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    notify_by_email = models.BooleanField(_("notify by e-mail"), default=True)
    notify_by_sms = models.BooleanField(_("notify by SMS"), default=False)
    notify_by_slack = models.BooleanField(_("notify by Slack"), default=False)
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(
        _("quiet hours until"),
        null=True,
        blank=True,
        help_text=_("Pages of severity 1 and 2 are delivered during quiet hours too."),
    )
    reminder_lead_hours = models.PositiveSmallIntegerField(
        _("shift reminder (hours before)"),
        default=12,
        validators=[MaxValueValidator(168)],
        help_text=_("0 turns the reminder off."),
    )
    handoff_messages = models.BooleanField(_("handoff messages"), default=True)
    ical_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_token, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification profile")
        verbose_name_plural = _("notification profiles")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def address(self) -> str:
        """Return the e-mail address messages go to."""
        return self.email or self.user.email

    def in_quiet_hours(self, at: datetime) -> bool:
        """Tell whether ``at`` falls in the engineer's quiet hours (their own time zone)."""
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start is None or end is None or start == end:
            return False
        local: time = at.astimezone(ZoneInfo(self.time_zone)).time()
        if start < end:
            return start <= local < end
        return local >= start or local < end
