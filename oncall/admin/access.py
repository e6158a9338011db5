"""Who may do what in the on-call admin: staff read, support engineers (and superusers) write."""

from core.access import is_staff_member, is_support
from core.admin import AuditedAdmin


class OncallAdmin(AuditedAdmin):
    """Every on-call model admin: history visible, access by role rather than model permission.

    On-call data is the firm's own: account managers read it, support engineers keep it.
    """

    list_per_page = 100
    show_full_result_count = False

    def has_module_permission(self, request):
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff_member(request.user)

    def has_add_permission(self, request):
        return is_support(request.user)

    def has_change_permission(self, request, obj=None):
        return is_support(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_support(request.user)


class ReadOnlyOncallAdmin(OncallAdmin):
    """Rows only the services write (rotation versions): shown with their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True
