"""Overrides (with the rota page for holiday rotas), swap requests and notification profiles."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import is_support
from oncall.admin.access import OncallAdmin
from oncall.admin.forms import RotaForm
from oncall.admin.service_forms import OverrideForm, ProfileForm, SwapRequestForm
from oncall.models import NotificationProfile, Override, SwapRequest
from oncall.services import (
    override_delete,
    override_rota_create,
    profile_rotate_token,
    swap_request_accept,
    swap_request_cancel,
    swap_request_decline,
)


class ServiceFormAdmin(OncallAdmin):
    """An admin whose form saved the row through a service while it validated."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per call, so this stays per request
        return form

    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change):
        """Nothing to do: the service saved the row while the form was validated."""

    def save_related(self, request, form, formsets, change):
        """Nothing to do: these forms have no many-to-many fields or inlines."""


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@admin.register(Override)
class OverrideAdmin(ServiceFormAdmin):
    form = OverrideForm
    list_display = ("user", "layer", "start_display", "end_display", "source", "reason")
    list_select_related = ("user", "layer__schedule")
    list_filter = ("layer__schedule", "source", ("start", admin.DateFieldListFilter))
    search_fields = ("user__username", "user__first_name", "user__last_name", "reason")
    date_hierarchy = "start"
    change_list_template = "admin/oncall/override/change_list.html"

    def get_urls(self):
        rota = path(
            "rota/", self.admin_site.admin_view(self.rota_view), name="oncall_override_rota"
        )
        return [rota, *super().get_urls()]

    @admin.display(description=gettext_lazy("start"), ordering="start")
    def start_display(self, override: Override) -> str:
        return _local(override.start)

    @admin.display(description=gettext_lazy("end"), ordering="end")
    def end_display(self, override: Override) -> str:
        return _local(override.end)

    def delete_model(self, request, obj):
        override_delete(override=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            override_delete(override=override, actor=request.user)

    def rota_view(self, request):
        """Cover a period with engineers taking turns (the holiday rota), in one form."""
        if not is_support(request.user):
            raise PermissionDenied
        form = RotaForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            response = _rota_created(request, form)
            if response is not None:
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Add a rota of overrides"),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/oncall/override/rota.html", context)


def _rota_created(request, form: RotaForm):
    """Create the rota's overrides; return the redirect to the calendar, or None on errors."""
    data = form.cleaned_data
    try:
        created = override_rota_create(
            layer=data["layer"],
            participants=data["participants"],
            start=data["start"],
            end=data["end"],
            shift=timedelta(hours=data["shift_hours"]),
            reason=data["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, _("%(count)s overrides created.") % {"count": len(created)})
    url = reverse("admin:oncall_schedule_calendar", args=[data["layer"].schedule_id])
    return redirect(f"{url}?date={timezone.localtime(data['start']).date()}")


def _run(request, queryset, service, done: str) -> None:
    count = 0
    for swap in queryset:
        try:
            service(swap=swap, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"{swap}: {text}")
        else:
            count += 1
    if count:
        messages.success(request, done % {"count": count})


@admin.register(SwapRequest)
class SwapRequestAdmin(ServiceFormAdmin):
    form = SwapRequestForm
    list_display = ("requester", "covering", "layer", "start_display", "end_display", "status")
    list_select_related = ("requester", "covering", "layer__schedule")
    list_filter = ("status", "layer__schedule")
    actions = ("accept", "decline", "cancel")

    @admin.display(description=gettext_lazy("start"), ordering="start")
    def start_display(self, swap: SwapRequest) -> str:
        return _local(swap.start)

    @admin.display(description=gettext_lazy("end"), ordering="end")
    def end_display(self, swap: SwapRequest) -> str:
        return _local(swap.end)

    def get_changeform_initial_data(self, request):
        return {"requester": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "layer",
            "requester",
            "covering",
            "start",
            "end",
            "note",
            "status",
            "decided_at",
            "override",
        )

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Accept (I cover the period)"))
    def accept(self, request, queryset):
        _run(request, queryset, swap_request_accept, _("%(count)s swap requests accepted."))

    @admin.action(description=gettext_lazy("Decline"))
    def decline(self, request, queryset):
        _run(request, queryset, swap_request_decline, _("%(count)s swap requests declined."))

    @admin.action(description=gettext_lazy("Cancel my request"))
    def cancel(self, request, queryset):
        _run(request, queryset, swap_request_cancel, _("%(count)s swap requests cancelled."))


@admin.register(NotificationProfile)
class NotificationProfileAdmin(ServiceFormAdmin):
    form = ProfileForm
    list_display = ("user", "address_display", "phone", "slack_member_id", "language", "quiet")
    list_select_related = ("user",)
    search_fields = ("user__username", "email", "phone")
    readonly_fields = ("calendar_feed",)
    actions = ("rotate_token",)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "calendar_feed") if obj is not None else ()

    @admin.display(description=gettext_lazy("e-mail"))
    def address_display(self, profile: NotificationProfile) -> str:
        return profile.address

    @admin.display(description=gettext_lazy("quiet hours"))
    def quiet(self, profile: NotificationProfile) -> str:
        if profile.quiet_hours_start is None or profile.quiet_hours_end is None:
            return "-"
        return f"{profile.quiet_hours_start:%H:%M}-{profile.quiet_hours_end:%H:%M}"

    @admin.display(description=gettext_lazy("personal calendar feed"))
    def calendar_feed(self, profile: NotificationProfile) -> str:
        url = settings.SITE_URL + reverse("oncall-ical-person", args=[profile.ical_token])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=gettext_lazy("Give the calendar feeds a new secret URL"))
    def rotate_token(self, request, queryset):
        for profile in queryset.select_related("user"):
            profile_rotate_token(user=profile.user, actor=request.user)
        messages.success(request, _("New calendar URLs issued."))
