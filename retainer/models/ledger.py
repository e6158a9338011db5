"""The M/M ledger: append-only signed entries per contract; balances are sums of entries.

PostgreSQL refuses UPDATE and DELETE on the ledger table (a trigger made by migration 0004),
so not even a stray ``QuerySet.update()`` or a raw statement can rewrite history; a correction
is a new, reversing entry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retainer.models.contracts import HOURS_DIGITS, MM_DIGITS, Contract


class LedgerEntry(models.Model):
    """One signed M/M movement on a contract, with its source, author and effective date."""

    class Kind(models.TextChoices):
        ALLOTMENT = "allotment", _("Allotment")
        CARRY_IN = "carry_in", _("Carry-in")
        DEDUCTION = "deduction", _("Deduction")
        ADJUSTMENT = "adjustment", _("Adjustment")
        EXPIRY = "expiry", _("Expiry")
        CARRY_OUT = "carry_out", _("Carry-over to renewal")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(
        _("M/M"), **MM_DIGITS, help_text=_("Positive adds M/M, negative uses it up.")
    )
    hours = models.DecimalField(_("hours"), **HOURS_DIGITS, null=True, blank=True)
    effective_on = models.DateField(_("effective date"))
    source_key = models.CharField(
        _("source"),
        max_length=120,
        unique=True,
        help_text=_("What caused the entry; the same source never posts twice."),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    work_log = models.ForeignKey(
        "retainer.WorkLog",
        verbose_name=_("work log"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    engagement = models.ForeignKey(
        "retainer.DiagnosticEngagement",
        verbose_name=_("diagnostic engagement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        help_text=_("The diagnostic engagement whose effort the entry deducts."),
    )
    related_contract = models.ForeignKey(
        Contract,
        verbose_name=_("related contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where a carry-over came from or went to."),
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    memo = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["effective_on", "id"]
        indexes = [
            models.Index(fields=["contract", "effective_on"], name="ledger_contract_date_idx"),
            models.Index(fields=["effective_on", "contract"], name="ledger_date_contract_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:+} ({self.source_key})"


# Kinds that grant M/M, and kinds that measure use (a deduction and its later corrections).
GRANT_KINDS = (LedgerEntry.Kind.ALLOTMENT, LedgerEntry.Kind.CARRY_IN)
USAGE_KINDS = (LedgerEntry.Kind.DEDUCTION, LedgerEntry.Kind.ADJUSTMENT)


class UtilisationAlert(models.Model):
    """That the account manager was told a contract crossed a utilisation threshold (once)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="alerts"
    )
    threshold = models.PositiveSmallIntegerField(_("threshold (%)"))
    utilisation = models.DecimalField(_("utilisation (%)"), max_digits=7, decimal_places=1)
    created_at = models.DateTimeField(_("raised at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("utilisation alert")
        verbose_name_plural = _("utilisation alerts")
        constraints = [
            models.UniqueConstraint(fields=["contract", "threshold"], name="utilisation_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} ≥ {self.threshold}%"


class ReportDispatch(models.Model):
    """That a contract's monthly M/M report for a month was e-mailed (the beat job's key)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="dispatches"
    )
    month = models.DateField(_("month"))
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("monthly report dispatch")
        verbose_name_plural = _("monthly report dispatches")
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="report_dispatch_once")
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.month:%Y-%m}"
