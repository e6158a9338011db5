"""Base models shared by the domain apps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Record when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SecurityEvent(models.Model):
    """A login, failed login, lockout or two-factor event: who, from where, when.

    An append-only log written by ``core.security.audit``; it has no history of its own because
    nothing ever changes a row (the admin shows it read-only).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGOUT = "logout", _("Logout")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        OTP_SETUP = "otp_setup", _("Two-factor device set up")
        OTP_VERIFIED = "otp_verified", _("Two-factor check passed")
        OTP_FAILED = "otp_failed", _("Two-factor check failed")

    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("staff account"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "-at"], name="security_event_username_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username}"


# The notification outbox lives in its own module; importing it registers its models here.
from core.notifications.models import Delivery, WebhookEndpoint  # noqa: E402, F401
