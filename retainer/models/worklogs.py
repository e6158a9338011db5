"""Work logs: who spent how many hours on what; the source of every usage deduction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from retainer.models.contracts import HOURS_DIGITS, Contract


class WorkLog(TimeStampedModel):
    """Effort by one engineer on an incident, a diagnostic engagement or advisory work."""

    class Kind(models.TextChoices):
        INCIDENT = "incident", _("Incident response")
        DIAGNOSTIC = "diagnostic", _("Regular diagnostic")
        ADVISORY = "advisory", _("Advisory")

    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="work_logs",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_logs",
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_logs",
    )
    engagement = models.ForeignKey(
        "retainer.DiagnosticEngagement",
        verbose_name=_("diagnostic engagement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_logs",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    performed_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), **HOURS_DIGITS)
    description = models.TextField(_("description"), blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    billable_note = models.CharField(
        _("billing note"),
        max_length=200,
        blank=True,
        help_text=_("Shown to the customer, e.g. not deducted because the fault was ours."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-performed_on", "-id"]
        indexes = [models.Index(fields=["contract", "performed_on"], name="worklog_contract_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="worklog_hours_positive"),
            models.CheckConstraint(
                condition=~Q(kind="incident") | Q(incident__isnull=False),
                name="worklog_incident_has_incident",
            ),
            models.CheckConstraint(
                condition=~Q(kind="diagnostic") | Q(engagement__isnull=False),
                name="worklog_diagnostic_has_engagement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} {self.hours}h {self.get_kind_display()} ({self.performed_on})"
