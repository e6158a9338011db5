"""Admin forms for on-call: a layer with its rotation, the rota of overrides, sheet import."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import clock
from core.timewindow import FormSplitDateTimeField
from oncall.admin.fields import WEEKDAY_CHOICES, ParticipantsField, participants_text
from oncall.models import Layer, Rotation, Schedule
from oncall.services.schedules import RotationInput, current_version, validate_rotation

ROTATION_FIELDS = (
    "participants",
    "start_date",
    "handoff_time",
    "shift_unit",
    "shift_count",
    "restriction",
    "restriction_days",
    "restriction_start",
    "restriction_end",
    "ends_at",
)


class LayerForm(forms.ModelForm):
    """A layer and its rotation; a change to the rotation becomes a new version."""

    participants = ParticipantsField(label=_("participants"))
    start_date = forms.DateField(
        label=_("first shift on"),
        widget=widgets.AdminDateWidget,
        help_text=_("Weekly shifts hand off on this weekday."),
    )
    handoff_time = forms.TimeField(
        label=_("handoff time"), initial="09:00", widget=widgets.AdminTimeWidget
    )
    shift_count = forms.IntegerField(label=_("shift length"), min_value=1, max_value=366, initial=1)
    shift_unit = forms.ChoiceField(
        label=_("shift unit"), choices=Rotation.ShiftUnit.choices, initial=Rotation.ShiftUnit.DAYS
    )
    restriction = forms.ChoiceField(
        label=_("on duty"), choices=Rotation.Restriction.choices, required=False
    )
    restriction_days = forms.TypedMultipleChoiceField(
        label=_("custom days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    restriction_start = forms.TimeField(
        label=_("custom window from"), required=False, widget=widgets.AdminTimeWidget
    )
    restriction_end = forms.TimeField(
        label=_("custom window until"), required=False, widget=widgets.AdminTimeWidget
    )
    ends_at = FormSplitDateTimeField(
        label=_("rotation ends at"), required=False, widget=widgets.AdminSplitDateTime
    )
    effective_from = FormSplitDateTimeField(
        label=_("changes take effect from"),
        required=False,
        widget=widgets.AdminSplitDateTime,
        help_text=_("Empty: now. Shifts before this moment stay as they were."),
    )

    class Meta:
        model = Layer
        fields = ("name", "position")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        if self.instance.pk:
            current = current_version(self.instance, clock.now())
            if current is not None:
                self._set_initial(current)

    def _set_initial(self, row: Rotation) -> None:
        data = RotationInput.of(row)
        for name in ROTATION_FIELDS:
            self.initial[name] = getattr(data, name)
        self.initial["participants"] = participants_text(list(data.participants))
        self.initial["restriction_days"] = list(data.restriction_days)

    def rotation_input(self) -> RotationInput:
        data = self.cleaned_data
        return RotationInput(
            participants=data["participants"],
            start_date=data["start_date"],
            handoff_time=data["handoff_time"],
            shift_unit=data["shift_unit"],
            shift_count=data["shift_count"],
            restriction=data.get("restriction") or "",
            restriction_days=tuple(data.get("restriction_days") or ()),
            restriction_start=data.get("restriction_start"),
            restriction_end=data.get("restriction_end"),
            ends_at=data.get("ends_at"),
        )

    def rotation_changed(self) -> bool:
        return any(name in self.changed_data for name in ROTATION_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or data.get("DELETE"):
            return data
        schedule = getattr(self.instance, "schedule", None) or Schedule(time_zone="UTC")
        effective = data.get("effective_from")
        if effective is not None and effective < clock.now() - timedelta(minutes=1):
            self.add_error("effective_from", _("A change cannot take effect in the past."))
        try:
            validate_rotation(self.rotation_input(), schedule.time_zone)
        except ValidationError as exc:
            self._add_service_errors(exc)
        return data

    def _add_service_errors(self, exc: ValidationError) -> None:
        for field, errors in exc.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class RotaForm(forms.Form):
    """A rota of overrides: engineers taking turns over a period (the holiday rota)."""

    layer = forms.ModelChoiceField(label=_("layer"), queryset=Layer.objects.none())
    participants = ParticipantsField(label=_("participants"))
    start = FormSplitDateTimeField(
        label=_("from"),
        widget=widgets.AdminSplitDateTime,
        help_text=_("The first handoff; later handoffs fall at the same time of day."),
    )
    end = FormSplitDateTimeField(label=_("until"), widget=widgets.AdminSplitDateTime)
    shift_hours = forms.IntegerField(
        label=_("shift length (hours)"), min_value=1, max_value=24 * 14, initial=24
    )
    reason = forms.CharField(label=_("reason"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layer"].queryset = Layer.objects.select_related("schedule").order_by(
            "schedule__name", "position"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data


class SheetUploadForm(forms.Form):
    """An XLSX sheet of shifts to preview (dry run) and then import."""

    sheet = forms.FileField(
        label=_("XLSX sheet"),
        help_text=_("Columns: date, start, end, layer, engineer (like the holiday schedule)."),
    )


class PeriodForm(forms.Form):
    """A period of days, for exports."""

    start = forms.DateField(label=_("from"), widget=widgets.AdminDateWidget)
    end = forms.DateField(label=_("until (exclusive)"), widget=widgets.AdminDateWidget)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and not (start < end <= start + timedelta(days=400)):
            raise ValidationError(_("Choose a period of one day to 400 days."))
        return data
