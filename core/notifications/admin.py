"""Admin for the outbox (read-only, with a resend action) and the webhook endpoints."""

from django import forms
from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditedAdmin
from core.notifications.models import Delivery, WebhookEndpoint
from core.notifications.services import delivery_resend


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Every message the portal sent or tried to send; rows change only through the services."""

    list_display = (
        "created_at",
        "subject_preview",
        "recipient_label",
        "channel",
        "status",
        "attempts",
        "sent_at",
        "error_preview",
    )
    list_filter = ("status", "channel", "topic", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=idempotency_key", "recipient_label", "subject")
    list_select_related = ("recipient",)
    list_per_page = 100
    show_full_result_count = False
    actions = ["resend_selected"]
    fields = (
        "topic",
        "object_id",
        "idempotency_key",
        "recipient",
        "recipient_label",
        "endpoint",
        "channel",
        "address",
        "language",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "enqueued_at",
        "sent_at",
        "last_error",
        "link_used_at",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # "change" lets the list resend; a row's own page is view-only, since saving it would
        # write back every column it read over what the sender did meanwhile.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("subject"))
    def subject_preview(self, delivery: Delivery) -> str:
        return truncatechars(delivery.subject, 60)

    @admin.display(description=_("last error"))
    def error_preview(self, delivery: Delivery) -> str:
        return truncatechars(delivery.last_error, 60)

    @admin.action(description=_("Resend selected deliveries"), permissions=["change"])
    def resend_selected(self, request, queryset) -> None:
        count = 0
        for delivery in queryset:
            delivery_resend(delivery=delivery, actor=request.user)
            count += 1
        message = ngettext(
            "%(count)d delivery will be sent again.",
            "%(count)d deliveries will be sent again.",
            count,
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "kind", "url", "secret", "pages_people", "is_active")
        widgets = {"secret": forms.PasswordInput(render_value=True)}


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "kind", "pages_people", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
