"""Regular diagnostics: engagements, their milestone plan and the effort logged to them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdmin
from retainer.admin.base import ReadOnlyInline, ServiceBackedAdmin, ServiceBackedForm
from retainer.models import DiagnosticEngagement, Milestone, WorkLog
from retainer.services.diagnostics import ENGAGEMENT_FIELDS, engagement_create, engagement_update


class EngagementForm(ServiceBackedForm):
    class Meta:
        model = DiagnosticEngagement
        fields = ENGAGEMENT_FIELDS

    def commit(self) -> DiagnosticEngagement:
        data = {name: self.cleaned_data.get(name) for name in ENGAGEMENT_FIELDS}
        if self.instance.pk is None:
            return engagement_create(actor=self.actor, **data)
        changed = {name: data[name] for name in self.changed_data if name in data}
        if not changed:
            return self.instance
        return engagement_update(engagement=self.instance, actor=self.actor, data=changed)


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ("kind", "due_on", "done_on", "reminded_at")
    readonly_fields = fields


class EngagementWorkLogInline(ReadOnlyInline):
    model = WorkLog
    verbose_name_plural = _("effort logged")
    fields = ("performed_on", "engineer", "hours", "billable", "description")
    readonly_fields = fields


@admin.register(DiagnosticEngagement)
class DiagnosticEngagementAdmin(ServiceBackedAdmin, AuditedAdmin):
    form = EngagementForm
    list_display = ("title", "contract", "onsite_starts_on", "onsite_ends_on", "status", "lead")
    list_select_related = ("contract", "lead")
    list_filter = ("status",)
    search_fields = ("title", "contract__code", "contract__customer__name")
    autocomplete_fields = ("contract",)
    inlines = (MilestoneInline, EngagementWorkLogInline)

    def get_inline_instances(self, request, obj=None):
        if obj is None or request.method == "POST":
            return []
        return super().get_inline_instances(request, obj)

    def revert_disabled(self, request, obj=None):
        return True
