"""Post-incident reports: the blameless post-mortem of an incident and its action items."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class PostMortem(TimeStampedModel):
    """The blameless report on one incident, due 72 hours after its resolution."""

    # The blameless report's sections, in reading order (admin, exports).
    REPORT_FIELDS = (
        "summary",
        "customer_impact",
        "detection",
        "response",
        "recovery",
        "timeline_text",
        "five_whys",
        "contributing_factors",
        "went_well",
        "went_badly",
        "got_lucky",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the customer")
        CANCELLED = "cancelled", _("Cancelled (not needed)")

    incident = models.OneToOneField(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        related_name="postmortem",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewers"),
        blank=True,
        related_name="+",
        help_text=_("Staff members who review the report; at least one before submitting."),
    )
    due_at = models.DateTimeField(_("due"))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("why no post-mortem is needed"), blank=True, editable=False)
    summary = models.TextField(_("summary"), blank=True)
    customer_impact = models.TextField(_("customer impact"), blank=True)
    impact_duration = models.DurationField(
        _("impact duration"),
        null=True,
        blank=True,
        help_text=_("How long customers were affected (hh:mm:ss); pre-filled from the incident."),
    )
    users_affected = models.PositiveIntegerField(_("users affected"), null=True, blank=True)
    products = models.ManyToManyField(
        "retainer.Product", verbose_name=_("affected products"), blank=True, related_name="+"
    )
    detection = models.TextField(_("detection"), blank=True)
    response = models.TextField(_("response"), blank=True)
    recovery = models.TextField(_("recovery"), blank=True)
    timeline_text = models.TextField(_("timeline"), blank=True)
    five_whys = models.TextField(_("root cause (five whys)"), blank=True)
    contributing_factors = models.TextField(_("contributing factors"), blank=True)
    went_well = models.TextField(_("what went well"), blank=True)
    went_badly = models.TextField(_("what went badly"), blank=True)
    got_lucky = models.TextField(_("where we got lucky"), blank=True)
    history = HistoricalRecords(m2m_fields=[reviewers, products])

    class Meta:
        verbose_name = _("post-mortem")
        verbose_name_plural = _("post-mortems")
        ordering = ["-due_at"]

    def __str__(self) -> str:
        return str(_("Post-mortem of %(key)s") % {"key": self.incident.key})

    @property
    def on_time(self) -> bool | None:
        """Tell whether it was delivered by its due time; None while not delivered."""
        if self.delivered_at is None:
            return None
        return self.delivered_at <= self.due_at


class Reminder(models.Model):
    """A due time of the post-mortem deadline: the 24 h and 4 h reminders, the overdue escalation.

    Swept by the incidents timer sweep through its hook (``postmortems.reminders``); a row goes
    from pending to sent (or cancelled) exactly once.
    """

    class Kind(models.TextChoices):
        DUE_24H = "due_24h", _("24 hours before the due time")
        DUE_4H = "due_4h", _("4 hours before the due time")
        OVERDUE = "overdue", _("Overdue: escalation")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    post_mortem = models.ForeignKey(
        PostMortem,
        verbose_name=_("post-mortem"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post-mortem reminder")
        verbose_name_plural = _("post-mortem reminders")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["post_mortem", "kind"], name="pm_reminder_unique")
        ]
        indexes = [
            # The sweep reads pending rows due by now only: a range scan of this partial index.
            models.Index(
                fields=["due_at"],
                name="pm_reminder_pending_idx",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"


class ActionItem(TimeStampedModel):
    """One follow-up task of a post-mortem."""

    class Type(models.TextChoices):
        MITIGATE = "mitigate", _("Mitigate")
        PREVENT = "prevent", _("Prevent")
        DETECT = "detect", _("Detect")
        PROCESS = "process", _("Process")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    post_mortem = models.ForeignKey(
        PostMortem,
        verbose_name=_("post-mortem"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    link = models.URLField(_("link"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["priority", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title
