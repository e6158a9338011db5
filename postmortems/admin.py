"""Post-mortem admin: the blameless template, action items inline, workflow actions, history.

The workflow actions call the services; a refusal is shown as an admin message.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdmin
from postmortems.models import ActionItem, PostMortem
from postmortems.services import postmortem_transition


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("title", "type", "owner", "due_date", "priority", "status", "link")


def _run(modeladmin, request, queryset, name: str) -> None:
    for postmortem in queryset:
        try:
            postmortem_transition(postmortem=postmortem, name=name, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                modeladmin.message_user(request, message, messages.ERROR)


@admin.register(PostMortem)
class PostMortemAdmin(AuditedAdmin):
    list_display = ("incident", "status", "owner", "due_at", "delivered_at")
    list_filter = ("status",)
    search_fields = ("incident__key", "incident__summary", "summary")
    list_select_related = ("incident", "owner")
    readonly_fields = ("incident", "status", "delivered_at", "acknowledged_at")
    inlines = [ActionItemInline]
    actions = ["submit_selected", "approve_selected", "publish_selected"]
    fieldsets = (
        (None, {"fields": ("incident", "owner", "status", "due_at", "delivered_at")}),
        (
            _("Blameless report"),
            {"fields": PostMortem.REPORT_FIELDS},
        ),
    )

    def has_add_permission(self, request, obj=None):
        # Post-mortems are opened by the resolution of their incident, never by hand.
        return False

    @admin.action(description=_("Submit the selected post-mortems for review"))
    def submit_selected(self, request, queryset):
        _run(self, request, queryset, "submit")

    @admin.action(description=_("Approve the selected post-mortems"))
    def approve_selected(self, request, queryset):
        _run(self, request, queryset, "approve")

    @admin.action(description=_("Publish the selected post-mortems to the customer"))
    def publish_selected(self, request, queryset):
        _run(self, request, queryset, "publish")


@admin.register(ActionItem)
class ActionItemAdmin(AuditedAdmin):
    list_display = ("title", "post_mortem", "type", "priority", "status", "due_date")
    list_filter = ("status", "type", "priority")
    search_fields = ("title",)
