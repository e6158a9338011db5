"""Admin for escalation policies (steps, then each step's targets) and the plan on an incident."""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core import clock
from core.admin import AuditedAdmin
from core.notifications.models import NotificationChannel
from incidents.escalation.models import (
    PERSON_CHANNELS,
    EscalationPolicy,
    EscalationStep,
    EscalationTarget,
)
from incidents.escalation.selectors import escalation_overview
from incidents.models import Incident

CHANNEL_CHOICES = [(c.value, c.label) for c in NotificationChannel if c in PERSON_CHANNELS]


class StepForm(forms.ModelForm):
    """A step with its channels as checkboxes (stored as a JSON list)."""

    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=CHANNEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("How people are paged (each as their profile allows; e-mail at least)."),
    )

    class Meta:
        model = EscalationStep
        fields = ("position", "delay", "channels")


class StepInline(admin.TabularInline):
    model = EscalationStep
    form = StepForm
    extra = 0
    show_change_link = True
    ordering = ("position",)


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(AuditedAdmin):
    list_display = ("name", "is_default", "sev1_start_step", "repeat_count")
    search_fields = ("name",)
    fields = (
        "name",
        "description",
        "is_default",
        "sev1_start_step",
        ("repeat_count", "repeat_interval"),
    )
    inlines = (StepInline,)


class TargetForm(forms.ModelForm):
    class Meta:
        model = EscalationTarget
        fields = ("kind", "schedule", "layer_position", "fall_through", "user", "group", "endpoint")


class TargetInline(admin.TabularInline):
    model = EscalationTarget
    form = TargetForm
    extra = 1


@admin.register(EscalationStep)
class EscalationStepAdmin(AuditedAdmin):
    form = StepForm
    list_display = ("__str__", "delay", "channels")
    list_filter = ("policy",)
    list_select_related = ("policy",)
    fields = ("policy", "position", "delay", "channels")
    inlines = (TargetInline,)


def render_plan(incident: Incident) -> SafeString:
    """Return the incident's escalation plan: steps done, the next one and when, the rest."""
    overview = escalation_overview(incident)
    return render_to_string(
        "admin/incidents/incident/escalation_plan.html",
        {"overview": overview, "now": clock.now()},
    )
