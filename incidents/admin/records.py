"""Timeline entries and attachments: read-only records with their history."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat, truncatechars
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdmin
from incidents.admin.display import attachment_link, visibility_badge
from incidents.models import Attachment, TimelineEntry
from incidents.selectors import incident_list_for


class ReadOnlyAdmin(AuditedAdmin):
    """Rows written only by the services; the admin shows them and their history."""

    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        visible = incident_list_for(request.user).values("pk")
        return super().get_queryset(request).filter(incident__in=visible)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "incident", "kind", "visibility_badge", "actor", "text_preview")
    list_select_related = ("incident", "actor")
    list_filter = ("kind", "visibility", ("at", admin.DateFieldListFilter))
    search_fields = ("=incident__key", "text")
    fields = ("incident", "at", "kind", "visibility", "actor", "text", "data")

    class Media:
        css = {"all": ("incidents/admin.css",)}

    @admin.display(description=_("visibility"), ordering="visibility")
    def visibility_badge(self, entry: TimelineEntry) -> str:
        return visibility_badge(entry.visibility)

    @admin.display(description=_("text"))
    def text_preview(self, entry: TimelineEntry) -> str:
        return truncatechars(entry.text, 80)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "incident", "content_type", "file_size", "uploaded_at")
    list_select_related = ("incident",)
    list_filter = ("content_type", ("uploaded_at", admin.DateFieldListFilter))
    search_fields = ("=incident__key", "original_name")
    # The stored file name is internal; the download link is the way to the bytes.
    fields = (
        "incident",
        "download_link",
        "content_type",
        "file_size",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = ("download_link", "file_size")

    @admin.display(description=_("file"))
    def download_link(self, attachment: Attachment) -> str:
        return attachment_link(self.admin_site.name, attachment)

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, attachment: Attachment) -> str:
        return filesizeformat(attachment.size)
