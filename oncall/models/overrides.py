"""Overrides, swap requests between engineers, and the log of shift reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from oncall.models.schedules import Layer


class Override(TimeStampedModel):
    """Someone covers a layer for a period, replacing whoever the rotation puts there."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        SWAP = "swap", _("Swap request")
        ROTA = "rota", _("Rota")
        IMPORT = "import", _("Sheet import")

    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="overrides"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="oncall_overrides",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("override")
        verbose_name_plural = _("overrides")
        ordering = ["-start"]
        indexes = [models.Index(fields=["layer", "end", "start"], name="override_layer_span_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="override_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.layer} · {self.start:%Y-%m-%d %H:%M}"


class SwapRequest(TimeStampedModel):
    """An engineer asks a colleague to cover part of their shift; accepting makes an override."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="swap_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="oncall_swaps_requested",
    )
    covering = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked to cover"),
        on_delete=models.PROTECT,
        related_name="oncall_swaps_received",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    # PROTECT, not SET_NULL: the services unlink a deleted override row by row, with history;
    # the database's SET NULL would be a bulk update that bypasses it.
    override = models.OneToOneField(
        Override,
        verbose_name=_("override"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="swap_request",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="swap_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.covering} · {self.start:%Y-%m-%d %H:%M}"


class ShiftReminder(models.Model):
    """A reminder already sent for a shift: the unique key keeps two beats from sending twice."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", _("Shift starts soon")
        HANDOFF = "handoff", _("Handoff now")

    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    shift_start = models.DateTimeField(_("shift start"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("shift reminder")
        verbose_name_plural = _("shift reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "user", "kind", "shift_start"], name="shift_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user} · {self.shift_start:%Y-%m-%d %H:%M}"
