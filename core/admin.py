"""The admin base every domain model uses: history visible, reverts only for those who may edit."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class AuditedAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert" page refuses a POST from anyone who may not change.

    django-simple-history checks only the view permission on its history form view and saves
    whatever is posted there, so a view-only user could overwrite a row through it.
    """

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
