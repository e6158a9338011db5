"""The admin base every domain model uses (history visible, reverts only for those who may edit),
and the read-only log of security events."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from core.models import SecurityEvent
from core.timewindow import FormSplitDateTimeField


class AuditedAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert" page refuses a POST from anyone who may not change.

    django-simple-history checks only the view permission on its history form view and saves
    whatever is posted there, so a view-only user could overwrite a row through it.

    Times typed into its forms must lie in 2000-2099 (``core.timewindow``).
    """

    formfield_overrides = {models.DateTimeField: {"form_class": FormSplitDateTimeField}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show a past version; refuse to revert unless the user may change the object."""
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if (
                obj is None
                or self.revert_disabled(request, obj)
                or not self.has_change_permission(request, obj)
            ):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Logins, failures, lockouts and two-factor events: read-only, newest first."""

    list_display = ("at", "kind", "username", "is_staff", "ip_address", "path")
    list_filter = ("kind", "is_staff", ("at", admin.DateFieldListFilter))
    search_fields = ("=username", "=ip_address")
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "at"
    readonly_fields = (
        "at",
        "kind",
        "user",
        "username",
        "is_staff",
        "ip_address",
        "user_agent",
        "path",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The outbox admin registers itself on import (admin autodiscovery imports this module).
from core.notifications import admin as notifications_admin  # noqa: E402, F401
