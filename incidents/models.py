"""Incidents, their timeline and attachments."""

import uuid
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class Severity(models.IntegerChoices):
    CRITICAL = 1, _("1 - Critical")
    HIGH = 2, _("2 - High")
    MEDIUM = 3, _("3 - Medium")
    LOW = 4, _("4 - Low")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    MITIGATED = "mitigated", _("Mitigated")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.MITIGATED)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    ALERT = "alert", _("Monitoring alert")


class CancelReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    FALSE_ALARM = "false_alarm", _("False alarm")
    NOT_COVERED = "not_covered", _("Not covered by the contract")
    OTHER = "other", _("Other")


class SloState(models.TextChoices):
    RUNNING = "running", _("Running")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    NOT_APPLICABLE = "n/a", _("Not applicable")


class IncidentQuerySet(models.QuerySet):
    """Query helpers that express derived incident states in SQL."""

    def open(self) -> "IncidentQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def with_slo_state(self, state: str, now: datetime) -> "IncidentQuerySet":
        """Filter by response SLO state as of ``now`` (running, met, breached, n/a)."""
        cancelled_unacked = Q(status=Status.CANCELLED, acknowledged_at__isnull=True)
        acked = Q(acknowledged_at__isnull=False)
        conditions = {
            SloState.MET: acked & Q(acknowledged_at__lte=models.F("response_due_at")),
            SloState.BREACHED: (acked & Q(acknowledged_at__gt=models.F("response_due_at")))
            | (~acked & ~cancelled_unacked & Q(response_due_at__lte=now)),
            SloState.RUNNING: ~acked & ~cancelled_unacked & Q(response_due_at__gt=now),
            SloState.NOT_APPLICABLE: cancelled_unacked,
        }
        return self.filter(conditions[SloState(state)])


class Incident(TimeStampedModel):
    """Something broke at a customer; the firm owes a response within the SLO target."""

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    key = models.CharField(_("key"), max_length=32, unique=True, editable=False)
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, editable=False
    )
    # Not indexed alone: incident_customer_idx (customer, -number) leads with it.
    customer = models.ForeignKey(
        "retainer.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
    )
    contract = models.ForeignKey(
        "retainer.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    # Not indexed alone: incident_service_idx (service, -number) leads with it.
    service = models.ForeignKey(
        "retainer.Service",
        verbose_name=_("faulty service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        db_index=False,
    )
    products = models.ManyToManyField(
        "retainer.Product",
        verbose_name=_("affected products"),
        blank=True,
        related_name="incidents",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_incidents",
    )
    reporter_name = models.CharField(_("reporter name"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=40, blank=True)
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True)
    incident_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("incident manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_incidents",
    )
    tech_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tech lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tech_lead_incidents",
    )
    communications_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("communications lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comms_lead_incidents",
    )
    impact_started_at = models.DateTimeField(_("impact started"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported"), editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, editable=False)
    mitigated_at = models.DateTimeField(_("mitigated"), null=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, editable=False)
    cancel_reason = models.CharField(
        _("cancel reason"),
        max_length=16,
        choices=CancelReason.choices,
        blank=True,
        editable=False,
    )
    cancel_note = models.TextField(_("cancel note"), blank=True, editable=False)
    response_due_at = models.DateTimeField(_("response due"), editable=False)
    # Product changes are recorded as timeline entries (themselves historied); tracking the
    # M2M in simple-history would write a whole extra historical incident per change.
    # History rows are looked up by ``id`` (an object's versions) and history_date/user; the
    # other copied columns are not searched, so every insert skips their index upkeep.
    history = HistoricalRecords(
        no_db_index=[
            "number",
            "key",
            "created_at",
            "customer",
            "contract",
            "service",
            "reporter",
            "incident_manager",
            "tech_lead",
            "communications_lead",
        ]
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["status", "-number"], name="incident_status_idx"),
            models.Index(fields=["severity", "-number"], name="incident_severity_idx"),
            models.Index(fields=["customer", "-number"], name="incident_customer_idx"),
            models.Index(fields=["service", "-number"], name="incident_service_idx"),
            models.Index(fields=["reported_at"], name="incident_reported_idx"),
            models.Index(fields=["response_due_at"], name="incident_response_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def time_to_detect(self) -> timedelta | None:
        """TTD: detected minus impact started."""
        if self.detected_at and self.impact_started_at:
            return self.detected_at - self.impact_started_at
        return None

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        """TTA: acknowledged minus reported."""
        if self.acknowledged_at:
            return self.acknowledged_at - self.reported_at
        return None

    @property
    def time_to_resolve(self) -> timedelta | None:
        """TTR: resolved minus impact started (or reported when the start is unknown)."""
        if self.resolved_at:
            return self.resolved_at - (self.impact_started_at or self.reported_at)
        return None

    def slo_state(self, now: datetime) -> str:
        """Return the response SLO state as of ``now``."""
        if self.acknowledged_at:
            met = self.acknowledged_at <= self.response_due_at
            return SloState.MET if met else SloState.BREACHED
        if self.status == Status.CANCELLED:
            return SloState.NOT_APPLICABLE
        return SloState.BREACHED if now >= self.response_due_at else SloState.RUNNING


class TimelineEntry(models.Model):
    """One thing that happened on an incident, visible to staff only or to the customer too."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Reported")
        STATUS = "status", _("Status change")
        ROLE = "role", _("Role change")
        SEVERITY = "severity", _("Severity change")
        FIELD = "field", _("Field change")
        NOTE = "note", _("Note")
        COMMUNICATION = "communication", _("Customer communication")
        ATTACHMENT = "attachment", _("Attachment")
        ESCALATION = "escalation", _("Escalation")
        NOTIFICATION = "notification", _("Notification")
        SLO = "slo", _("SLO")
        ENTITLEMENT = "entitlement", _("Entitlement")

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        CUSTOMER = "customer", _("Customer")

    # Not indexed alone: timeline_incident_at_idx (incident, at) leads with it.
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="timeline",
        db_index=False,
    )
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    text = models.TextField(_("text"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    history = HistoricalRecords(no_db_index=["incident", "actor"])  # see Incident.history

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"], name="timeline_incident_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """Store under a random name; the original name is kept only as metadata."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.incident_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file attached to an incident (logs, screenshots); served only after an access check."""

    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# Timers, escalation policies and their copies live in their own module of this app.
from incidents.escalation.models import (  # noqa: E402
    EscalationPolicy,
    EscalationStep,
    EscalationTarget,
    IncidentEscalation,
    SloTimer,
    Timer,
)

__all__ = [
    "Attachment",
    "CancelReason",
    "Channel",
    "EscalationPolicy",
    "EscalationStep",
    "EscalationTarget",
    "Incident",
    "IncidentEscalation",
    "Severity",
    "SloState",
    "SloTimer",
    "Status",
    "TimelineEntry",
    "Timer",
]
