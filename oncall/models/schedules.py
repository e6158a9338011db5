"""Schedules, their layers (primary, secondary, L3 …) and each layer's rotation versions."""

import uuid
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from oncall.models.fields import (
    default_time_zone,
    new_token,
    validate_time_zone,
)


class Schedule(TimeStampedModel):
    """Who answers pages for a team, in a time zone, layer by layer."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    team = models.CharField(_("team"), max_length=80, blank=True, db_index=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Seoul; handoff times are wall-clock times here."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    ical_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_token, editable=False
    )
    # Renewed by every change to the layers or rotations: cached plans are keyed by it.
    revision = models.UUIDField(_("revision"), default=uuid.uuid4, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("on-call schedule")
        verbose_name_plural = _("on-call schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Layer(TimeStampedModel):
    """One tier of a schedule (1 = primary, 2 = secondary, 3 = L3 …), staffed by a rotation."""

    schedule = models.ForeignKey(
        Schedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="layers"
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(
        _("position"),
        validators=[MinValueValidator(1)],
        help_text=_("1 is paged first (primary), then 2 (secondary), and so on."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("layer")
        verbose_name_plural = _("layers")
        ordering = ["schedule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "position"], name="layer_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.schedule} · {self.name}"


class Rotation(models.Model):
    """One version of a layer's rotation, in force from ``effective_from``.

    A change never edits a version that is already in force: it adds a new version, so past
    shifts stay as they were.
    """

    class ShiftUnit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")
        WEEKS = "weeks", _("weeks")

    class Restriction(models.TextChoices):
        NONE = "", _("Around the clock")
        WEEKDAYS = "weekdays", _("Weekdays only (Mon-Fri)")
        WEEKENDS = "weekends", _("Weekends only (Sat-Sun)")
        NIGHTS = "nights", _("Nights (18:00-09:00)")
        CUSTOM = "custom", _("Custom days and hours")

    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="rotations"
    )
    effective_from = models.DateTimeField(_("effective from"))
    # Copied from the schedule: changing the schedule's zone later must not move past shifts.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    start_date = models.DateField(_("first shift on"))
    handoff_time = models.TimeField(_("handoff time"), default=time(9))
    shift_unit = models.CharField(
        _("shift unit"), max_length=8, choices=ShiftUnit.choices, default=ShiftUnit.DAYS
    )
    shift_count = models.PositiveSmallIntegerField(
        _("shift length"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("How many units one shift lasts (1 day = daily, 1 week = weekly)."),
    )
    restriction = models.CharField(
        _("on duty"), max_length=10, choices=Restriction.choices, blank=True, default=""
    )
    restriction_days = models.JSONField(_("custom days"), default=list, blank=True)
    restriction_start = models.TimeField(_("custom window from"), null=True, blank=True)
    restriction_end = models.TimeField(_("custom window until"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["layer", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "effective_from"], name="rotation_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.layer} @ {self.effective_from:%Y-%m-%d %H:%M}"


class RotationMember(models.Model):
    """A participant of a rotation version, in turn order."""

    rotation = models.ForeignKey(
        Rotation, verbose_name=_("rotation"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("turn"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rotation member")
        verbose_name_plural = _("rotation members")
        ordering = ["rotation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "position"], name="rotation_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.user}"
