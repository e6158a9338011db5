"""Retainer contracts: the M/M bought for a contract year, its response targets and renewals."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from retainer.models.customers import Customer

# Column sizes shared by every M/M and hours amount (never float).
MM_DIGITS = {"max_digits": 9, "decimal_places": 4}
HOURS_DIGITS = {"max_digits": 8, "decimal_places": 2}


def default_response_minutes() -> int:
    """Return the default response SLO target in minutes (2 hours unless configured)."""
    return settings.HOTLINE_DEFAULT_RESPONSE_MINUTES


class Contract(TimeStampedModel):
    """A retainer contract year: contracted M/M, response targets, carry-over cap, renewal."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    class PostmortemPolicy(models.TextChoices):
        SEVERE = "severe", _("Severity 1-2 incidents")
        ALL = "all", _("Every incident")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    code = models.CharField(_("contract code"), max_length=40, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_contracts",
    )
    contracted_mm = models.DecimalField(
        _("contracted M/M"),
        **MM_DIGITS,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    hours_per_mm = models.DecimalField(
        _("hours per M/M"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("160"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("160 hours = 20 days x 8 hours unless the contract says otherwise."),
    )
    carry_over_cap_percent = models.DecimalField(
        _("carry-over cap (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of the contracted M/M that unused M/M may carry into the renewal."),
    )
    previous_contract = models.OneToOneField(
        "self",
        verbose_name=_("previous contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        help_text=_("The contract this one renews; unused M/M carries over from it."),
    )
    postmortem_policy = models.CharField(
        _("post-mortem required for"),
        max_length=10,
        choices=PostmortemPolicy.choices,
        default=PostmortemPolicy.SEVERE,
    )
    closed_out_at = models.DateTimeField(_("closed out"), null=True, blank=True, editable=False)
    response_minutes_sev1 = models.PositiveIntegerField(
        _("response target, severity 1 (minutes)"), default=default_response_minutes
    )
    response_minutes_sev2 = models.PositiveIntegerField(
        _("response target, severity 2 (minutes)"), default=default_response_minutes
    )
    response_minutes_sev3 = models.PositiveIntegerField(
        _("response target, severity 3 (minutes)"), default=default_response_minutes
    )
    response_minutes_sev4 = models.PositiveIntegerField(
        _("response target, severity 4 (minutes)"), default=default_response_minutes
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["customer", "status", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_period_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    response_minutes_sev1__gt=0,
                    response_minutes_sev2__gt=0,
                    response_minutes_sev3__gt=0,
                    response_minutes_sev4__gt=0,
                ),
                name="contract_response_targets_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(contracted_mm__gte=0, hours_per_mm__gt=0),
                name="contract_mm_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(carry_over_cap_percent__gte=0, carry_over_cap_percent__lte=100),
                name="contract_carry_over_cap_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.customer})"

    def response_target(self, severity: int) -> timedelta:
        """Return the response SLO target for an incident severity."""
        return timedelta(minutes=getattr(self, f"response_minutes_sev{int(severity)}"))

    def covers(self, day: date) -> bool:
        """Tell whether the contract is active on ``day``."""
        return self.status == self.Status.ACTIVE and self.starts_on <= day <= self.ends_on

    def requires_postmortem(self, severity: int) -> bool:
        """Tell whether an incident of ``severity`` needs a post-mortem under this contract."""
        return self.postmortem_policy == self.PostmortemPolicy.ALL or int(severity) <= 2

    def clamp(self, day: date) -> date:
        """Return ``day`` moved into the contract period (postings belong to its year)."""
        return min(max(day, self.starts_on), self.ends_on)
