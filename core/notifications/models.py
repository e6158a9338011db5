"""Outbox rows (one per recipient and channel) and the outside endpoints they may go to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    SLACK = "slack", _("Slack")
    WEBHOOK = "webhook", _("Webhook")


class WebhookEndpoint(TimeStampedModel):
    """A Slack incoming webhook or a generic webhook that receives signed JSON."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack incoming webhook")
        WEBHOOK = "webhook", _("Generic webhook (HMAC-SHA256 signed)")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("Generic webhooks: the key of the X-Hotline-Signature HMAC-SHA256 header."),
    )
    pages_people = models.BooleanField(
        _("pages people"),
        default=False,
        help_text=_("Slack: engineers who choose Slack are mentioned in this channel."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Delivery(TimeStampedModel):
    """One message to one recipient on one channel, sent at most once per idempotency key."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Dead (gave up)")
        CANCELLED = "cancelled", _("Cancelled")

    topic = models.CharField(_("topic"), max_length=40)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_label = models.CharField(_("recipient name"), max_length=150)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The one-time nonce of the signed action link (e.g. acknowledge) this message carries.
    link_nonce = models.CharField(_("link nonce"), max_length=64, blank=True)
    link_used_at = models.DateTimeField(_("link used"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        indexes = [
            # The re-enqueue job reads only open rows: a range scan of a small index.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_open_due_idx",
                condition=Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["topic", "object_id"], name="delivery_topic_object_idx"),
            models.Index(fields=["recipient", "created_at"], name="delivery_recipient_idx"),
            models.Index(
                fields=["link_nonce"], name="delivery_link_nonce_idx", condition=~Q(link_nonce="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_label} ({self.get_channel_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.FAILED)


OPEN_STATUSES = (Delivery.Status.PENDING, Delivery.Status.FAILED)
