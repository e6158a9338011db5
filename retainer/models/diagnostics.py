"""Regular diagnostics (seed 002 §4.2): an engagement and its milestones from the on-site dates."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from retainer.models.contracts import Contract


class DiagnosticEngagement(TimeStampedModel):
    """One regular diagnostic of a customer's systems under a contract."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ON_SITE = "on_site", _("On site")
        REPORTED = "reported", _("Reported")
        CANCELLED = "cancelled", _("Cancelled")

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead engineer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_engagements",
    )
    onsite_starts_on = models.DateField(_("on-site start"))
    onsite_ends_on = models.DateField(_("on-site end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    report_delivered_on = models.DateField(_("report delivered"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("diagnostic engagement")
        verbose_name_plural = _("diagnostic engagements")
        ordering = ["-onsite_starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(onsite_ends_on__gte=F("onsite_starts_on")),
                name="engagement_onsite_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.onsite_starts_on:%Y-%m-%d})"


class Milestone(models.Model):
    """A dated step of an engagement's plan; reminded once before it is due."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan agreed")
        MATERIALS = "materials", _("Materials collected")
        ONSITE = "onsite", _("On-site diagnostic")
        REPORT = "report", _("Report due")
        FOLLOW_UP = "follow_up", _("Follow-up")

    engagement = models.ForeignKey(
        DiagnosticEngagement,
        verbose_name=_("diagnostic engagement"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "kind"], name="milestone_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d}"
