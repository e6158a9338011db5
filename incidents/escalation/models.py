"""Escalation policies (edited in the admin), their copy on an incident, SLO timers, due work.

Loaded by ``incidents.models`` so that they belong to the incidents app.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.notifications.models import NotificationChannel

PERSON_CHANNELS = (NotificationChannel.EMAIL, NotificationChannel.SMS, NotificationChannel.SLACK)


def default_channels() -> list[str]:
    return [NotificationChannel.EMAIL, NotificationChannel.SMS]


class EscalationPolicy(TimeStampedModel):
    """Ordered steps: "after T since reporting, if not acknowledged, notify these targets"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default policy"), default=False, help_text=_("New incidents escalate by this policy.")
    )
    sev1_start_step = models.PositiveSmallIntegerField(
        _("severity 1 starts at step"),
        null=True,
        blank=True,
        help_text=_("Severity 1 incidents skip the earlier steps and run this step at once."),
    )
    repeat_count = models.PositiveSmallIntegerField(
        _("repeat"),
        default=0,
        validators=[MaxValueValidator(5)],
        help_text=_("Run all steps again this many times while nobody acknowledges."),
    )
    repeat_interval = models.DurationField(
        _("repeat after"),
        default=timedelta(minutes=30),
        help_text=_("Wait this long after the last step before repeating (hh:mm:ss)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="escalation_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EscalationStep(models.Model):
    """One step of a policy: its delay since reporting and the channels it pages on."""

    policy = models.ForeignKey(
        EscalationPolicy,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    position = models.PositiveSmallIntegerField(_("step"))
    delay = models.DurationField(
        _("after"), help_text=_("Time since the incident was reported (hh:mm:ss).")
    )
    channels = models.JSONField(_("channels"), default=default_channels)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="escalation_step_unique")
        ]

    def __str__(self) -> str:
        return _("%(policy)s, step %(position)s") % {
            "policy": self.policy,
            "position": self.position,
        }


class TargetKind(models.TextChoices):
    LAYER = "layer", _("On-call person of a schedule layer")
    USER = "user", _("User")
    GROUP = "group", _("Group")
    ACCOUNT_MANAGER = "account_manager", _("The contract's account manager")
    ENDPOINT = "endpoint", _("Slack channel or webhook")


# Which field each kind of target needs.
TARGET_FIELDS = {
    TargetKind.USER: "user",
    TargetKind.GROUP: "group",
    TargetKind.ENDPOINT: "endpoint",
}


class EscalationTarget(models.Model):
    """Who a step pages."""

    step = models.ForeignKey(
        EscalationStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="targets"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TargetKind.choices)
    schedule = models.ForeignKey(
        "oncall.Schedule",
        verbose_name=_("schedule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every active schedule."),
    )
    layer_position = models.PositiveSmallIntegerField(
        _("layer"), default=1, help_text=_("1 = primary, 2 = secondary, 3 = L3 …")
    )
    fall_through = models.BooleanField(
        _("fall through"),
        default=True,
        help_text=_("When nobody is on call on this layer, page the next layer's person."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    endpoint = models.ForeignKey(
        "core.WebhookEndpoint",
        verbose_name=_("endpoint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation target")
        verbose_name_plural = _("escalation targets")
        ordering = ["step", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        needed = TARGET_FIELDS.get(self.kind)
        if needed and getattr(self, f"{needed}_id") is None:
            raise ValidationError({needed: _("Choose whom this target pages.")})


class IncidentEscalation(models.Model):
    """The policy copied onto one incident when it started escalating (later edits don't apply)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Escalating")
        STOPPED = "stopped", _("Stopped")

    incident = models.OneToOneField(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="escalation",
    )
    policy = models.ForeignKey(
        EscalationPolicy,
        verbose_name=_("policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    policy_name = models.CharField(_("policy name"), max_length=120)
    plan = models.JSONField(_("plan"), default=list)
    started_at = models.DateTimeField(_("started"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stop_reason = models.CharField(_("stop reason"), max_length=20, blank=True)
    history = HistoricalRecords(no_db_index=["incident", "policy"])  # see Incident.history

    class Meta:
        verbose_name = _("incident escalation")
        verbose_name_plural = _("incident escalations")

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.policy_name}"


class SloKind(models.TextChoices):
    RESPONSE = "response", _("Response SLO")
    POSTMORTEM = "postmortem", _("Post-mortem SLO")


class SloTimer(models.Model):
    """One SLO clock of an incident: running until stopped (met) or past due (breached)."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        MET = "met", _("Met")
        BREACHED = "breached", _("Breached")
        CANCELLED = "cancelled", _("Cancelled")

    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="slo_timers",
        db_index=False,  # the unique constraint below leads with the incident
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SloKind.choices)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RUNNING
    )
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    history = HistoricalRecords(no_db_index=["incident"])  # see Incident.history

    class Meta:
        verbose_name = _("SLO timer")
        verbose_name_plural = _("SLO timers")
        ordering = ["incident", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind"], name="slo_timer_unique")
        ]
        indexes = [models.Index(fields=["kind", "state", "due_at"], name="slo_timer_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_state_display()}"


class Timer(models.Model):
    """A due time the sweep acts on: an escalation step, an SLO warning or an SLO breach."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", _("Escalation step")
        SLO_WARNING = "slo_warning", _("SLO warning")
        SLO_BREACH = "slo_breach", _("SLO breach")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="timers",
        db_index=False,  # the unique constraint below leads with the incident
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    slo_kind = models.CharField(_("SLO"), max_length=12, choices=SloKind.choices, blank=True)
    # The plan index of an escalation step, or the percentage of an SLO warning.
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    fired_at = models.DateTimeField(_("fired"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("timer")
        verbose_name_plural = _("timers")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "kind", "slo_kind", "step"], name="timer_unique"
            )
        ]
        indexes = [
            # The sweep reads only pending rows due by now: an index range scan, however many
            # timers are idle or finished.
            models.Index(
                fields=["due_at"], name="timer_pending_due_idx", condition=Q(state="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.due_at:%Y-%m-%d %H:%M:%S}"
