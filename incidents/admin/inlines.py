"""Read-only inlines on the incident page: the timeline (newest last) and the attachments."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from incidents.admin.display import attachment_link, visibility_badge
from incidents.models import Attachment, TimelineEntry
from retainer.models import WorkLog


class ReadOnlyInline(admin.TabularInline):
    """An inline that only shows rows; every write goes through the services."""

    extra = 0
    can_delete = False
    classes = ("hl-readonly-inline",)
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    verbose_name_plural = _("timeline")
    fields = ("at", "kind", "visibility_badge", "actor", "text")
    readonly_fields = fields
    classes = ("hl-readonly-inline", "hl-timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").order_by("at", "id")

    @admin.display(description=_("visibility"))
    def visibility_badge(self, entry: TimelineEntry) -> str:
        return visibility_badge(entry.visibility)


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("download_link", "content_type", "file_size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download_link(self, attachment: Attachment) -> str:
        return attachment_link(self.admin_site.name, attachment)

    @admin.display(description=_("size"))
    def file_size(self, attachment: Attachment) -> str:
        return filesizeformat(attachment.size)


class WorkLogInline(ReadOnlyInline):
    """Effort logged on the incident (added with the "Log work" button, through the service)."""

    model = WorkLog
    fk_name = "incident"
    verbose_name_plural = _("work logs")
    fields = ("performed_on", "engineer", "hours", "billable", "billable_note", "description")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("engineer")
