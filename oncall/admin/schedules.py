"""Schedules with their layers inline, the calendar and the sheet pages; rotation versions."""

from django.conf import settings
from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.access import is_support
from oncall.admin import views
from oncall.admin.access import OncallAdmin, ReadOnlyOncallAdmin
from oncall.admin.forms import LayerForm
from oncall.models import Layer, Rotation, Schedule
from oncall.services import (
    layer_create,
    layer_delete,
    layer_update,
    rotation_change,
    schedule_create,
    schedule_delete,
    schedule_update,
)
from oncall.services.schedules import SCHEDULE_FIELDS

LAYER_FIELDSETS = (
    (
        None,
        {
            "fields": (
                ("name", "position"),
                "participants",
                ("start_date", "handoff_time"),
                ("shift_count", "shift_unit"),
                "restriction",
                "restriction_days",
                ("restriction_start", "restriction_end"),
                "ends_at",
                "effective_from",
            )
        },
    ),
)


class LayerInline(admin.StackedInline):
    model = Layer
    form = LayerForm
    extra = 0
    fieldsets = LAYER_FIELDSETS
    ordering = ("position",)

    def has_add_permission(self, request, obj=None):
        return is_support(request.user)

    def has_change_permission(self, request, obj=None):
        return is_support(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_support(request.user)

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Schedule)
class ScheduleAdmin(OncallAdmin):
    list_display = ("name", "team", "time_zone", "layer_names", "is_active", "calendar_link")
    list_filter = ("is_active", "team")
    search_fields = ("name", "team")
    fields = ("name", "team", "time_zone", "description", "is_active", "tools")
    readonly_fields = ("tools",)
    inlines = (LayerInline,)
    change_list_template = "admin/oncall/schedule/change_list.html"

    class Media:
        css = {"all": ("oncall/admin.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("layers")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("fairness/", wrap(self._fairness), name="oncall_schedule_fairness"),
            path(
                "<path:object_id>/calendar/", wrap(self._calendar), name="oncall_schedule_calendar"
            ),
            path("<path:object_id>/export/", wrap(self._export), name="oncall_schedule_export"),
            path("<path:object_id>/import/", wrap(self._import), name="oncall_schedule_import"),
        ]
        return own + super().get_urls()

    def _calendar(self, request, object_id):
        return views.calendar_view(self, request, object_id)

    def _export(self, request, object_id):
        return views.export_view(self, request, object_id)

    def _import(self, request, object_id):
        return views.import_view(self, request, object_id)

    def _fairness(self, request):
        return views.fairness_view(self, request)

    # --- columns ------------------------------------------------------------------------------

    @admin.display(description=_("layers"))
    def layer_names(self, schedule: Schedule) -> str:
        return ", ".join(layer.name for layer in schedule.layers.all())

    @admin.display(description=_("calendar"))
    def calendar_link(self, schedule: Schedule) -> str:
        url = reverse("admin:oncall_schedule_calendar", args=[schedule.pk])
        return format_html('<a href="{}">{}</a>', url, _("Calendar"))

    @admin.display(description=_("tools"))
    def tools(self, schedule: Schedule) -> str:
        if not schedule.pk:
            return "-"
        feed = settings.SITE_URL + reverse("oncall-ical-schedule", args=[schedule.ical_token])
        links = [
            (reverse("admin:oncall_schedule_calendar", args=[schedule.pk]), _("Calendar")),
            (reverse("admin:oncall_schedule_import", args=[schedule.pk]), _("Import a sheet")),
            (feed, _("iCalendar feed (secret URL)")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    # --- writes through the services ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in SCHEDULE_FIELDS if name in form.cleaned_data
        }
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            if changed:
                schedule_update(schedule=obj, actor=request.user, **changed)
            return
        data.pop("is_active", None)
        created = schedule_create(actor=request.user, **data)
        # The admin goes on with ``obj`` (inlines, messages, redirect): make it the saved row.
        obj.__dict__.update(created.__dict__)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Layer:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for layer_form in formset.forms:
            self._save_layer(request, form.instance, formset, layer_form)
        return None

    def _save_layer(self, request, schedule, formset, layer_form) -> None:
        layer = layer_form.instance
        if layer_form in formset.deleted_forms:
            if layer.pk:
                layer_delete(layer=layer, actor=request.user)
                formset.deleted_objects.append(layer)
            return
        if not layer_form.has_changed():
            return
        if layer.pk is None:
            formset.new_objects.append(self._create_layer(request, schedule, layer_form))
        else:
            self._change_layer(request, layer, layer_form)
            formset.changed_objects.append((layer, layer_form.changed_data))

    def _create_layer(self, request, schedule, layer_form) -> Layer:
        data = layer_form.cleaned_data
        return layer_create(
            schedule=schedule,
            name=data["name"],
            position=data.get("position"),
            rotation=layer_form.rotation_input(),
            actor=request.user,
        )

    def _change_layer(self, request, layer, layer_form) -> None:
        data = layer_form.cleaned_data
        if {"name", "position"} & set(layer_form.changed_data):
            layer_update(
                layer=layer, name=data["name"], position=data.get("position"), actor=request.user
            )
        if layer_form.rotation_changed():
            rotation_change(
                layer=layer,
                rotation=layer_form.rotation_input(),
                effective_from=data.get("effective_from"),
                actor=request.user,
            )

    def delete_model(self, request, obj):
        schedule_delete(schedule=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for schedule in queryset:
            schedule_delete(schedule=schedule, actor=request.user)


@admin.register(Layer)
class LayerAdmin(ReadOnlyOncallAdmin):
    """Layers are edited inline on their schedule; here they are listed with their history."""

    list_display = ("name", "schedule", "position")
    list_select_related = ("schedule",)
    list_filter = ("schedule",)
    fields = ("schedule", "name", "position")

    def has_module_permission(self, request):
        return False


@admin.register(Rotation)
class RotationAdmin(ReadOnlyOncallAdmin):
    """Rotation versions: written by layer changes, never edited, kept with their history."""

    list_display = (
        "layer",
        "effective_from",
        "member_names",
        "start_date",
        "handoff_time",
        "shift_count",
        "shift_unit",
        "restriction",
        "ends_at",
    )
    list_select_related = ("layer__schedule",)
    list_filter = ("layer__schedule",)
    fields = (
        "layer",
        "effective_from",
        "time_zone",
        "member_names",
        ("start_date", "handoff_time"),
        ("shift_count", "shift_unit"),
        "restriction",
        ("restriction_days", "restriction_start", "restriction_end"),
        "ends_at",
        "created_by",
        "created_at",
    )
    readonly_fields = ("member_names", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members__user")

    @admin.display(description=_("participants"))
    def member_names(self, rotation: Rotation) -> str:
        return ", ".join(m.user.get_username() for m in rotation.members.all())
