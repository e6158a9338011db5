"""Post-mortem admin: the blameless template, action items inline, workflow buttons, history.

The change page carries one POST button per allowed transition (submit, approve, publish),
"re-pull the timeline", the PDF/Markdown/HTML downloads and a cancel form that needs a reason;
the bulk actions do the same for many rows. All of them call the services; a refusal is shown
as an admin message, never an error page.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.access import ACCOUNT_MANAGER_GROUP, SUPPORT_GROUP
from core.admin import AuditedAdmin
from core.people import person_name
from incidents.services.timeline import record_actor
from postmortems.action_items import EDITABLE as ACTION_ITEM_FIELDS
from postmortems.action_items import action_item_create, action_item_update, check_takes_items
from postmortems.exports import duration_text, export_response
from postmortems.models import ActionItem, PostMortem, Reminder
from postmortems.selectors import parse_id
from postmortems.services import (
    FROZEN_STATUSES,
    may_approve,
    postmortem_timeline_repull,
    postmortem_transition,
)
from retainer.admin.base import ServiceBackedAdmin, ServiceBackedForm

Status = PostMortem.Status
# The buttons shown for each status (acknowledging is the customer's, on the hotline).
BUTTONS = {
    Status.DRAFT: [("submit", _("Submit for review")), ("repull", _("Re-pull the timeline"))],
    Status.IN_REVIEW: [("approve", _("Approve")), ("repull", _("Re-pull the timeline"))],
    Status.APPROVED: [("publish", _("Publish to the customer"))],
}
CANCELLABLE = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)


def _staff_users() -> Any:
    groups = Q(groups__name__in=(SUPPORT_GROUP, ACCOUNT_MANAGER_GROUP)) | Q(is_superuser=True)
    return get_user_model().objects.filter(groups, is_active=True).distinct().order_by("username")


class ActionItemInlineForm(forms.ModelForm):
    """An action item row on the post-mortem page; ``PostMortemAdmin.save_formset`` writes it
    through the services, so this form only checks what they would refuse."""

    class Meta:
        model = ActionItem
        fields = ACTION_ITEM_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None and self.has_changed():
            check_takes_items(self.instance.post_mortem)
        return cleaned


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    form = ActionItemInlineForm
    extra = 1
    fields = ACTION_ITEM_FIELDS
    autocomplete_fields = ()

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.status == Status.CANCELLED else self.extra

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.CANCELLED:
            return False  # a cancelled post-mortem takes no action items
        return super().has_add_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = _staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    fields = ("kind", "due_at", "state", "sent_at", "recipients")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("deadline reminders")

    def has_add_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, name: str) -> None:
    for postmortem in queryset:
        try:
            postmortem_transition(postmortem=postmortem, name=name, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                modeladmin.message_user(request, message, messages.ERROR)


@admin.register(PostMortem)
class PostMortemAdmin(AuditedAdmin):
    list_display = ("incident", "status", "owner", "due_at", "delivered_at", "on_time_display")
    list_filter = ("status",)
    search_fields = ("incident__key", "incident__summary", "summary")
    list_select_related = ("incident", "owner")
    readonly_fields = (
        "incident",
        "status",
        "due_at",
        "delivered_at",
        "acknowledged_at",
        "cancelled_at",
        "cancel_reason",
        "time_to_detect",
        "time_to_acknowledge",
        "time_to_resolve",
    )
    filter_horizontal = ("products",)
    inlines = [ActionItemInline, ReminderInline]
    actions = ["submit_selected", "approve_selected", "publish_selected"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "incident",
                    "owner",
                    "reviewers",
                    "status",
                    "due_at",
                    "delivered_at",
                    "acknowledged_at",
                    "cancelled_at",
                    "cancel_reason",
                )
            },
        ),
        (
            _("Customer impact"),
            {"fields": ("impact_duration", "users_affected", "products")},
        ),
        (
            _("Detection and response (from the incident)"),
            {"fields": ("time_to_detect", "time_to_acknowledge", "time_to_resolve")},
        ),
        (_("Blameless report"), {"fields": PostMortem.REPORT_FIELDS}),
    )

    class Media:
        css = {"all": ("postmortems/admin.css",)}

    def has_add_permission(self, request, obj=None):
        # Post-mortems are opened by the resolution of their incident, never by hand.
        return False

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActionItem:
            return super().save_formset(request, form, formset, change)
        # Action items go through their services (staff owner, no new ones once cancelled,
        # history with the actor); the forms checked the same rules, so nothing fails here
        # but a race, which undoes the whole save.
        # The lists the admin's change message reads, as BaseModelFormSet.save() fills them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for item_form in formset.deleted_forms:
            if item_form.instance.pk is not None:
                record_actor(item_form.instance, request.user)
                item_form.instance.delete()
                formset.deleted_objects.append(item_form.instance)
        for item_form in formset.forms:
            if item_form in formset.deleted_forms or not item_form.has_changed():
                continue
            data = {name: item_form.cleaned_data.get(name) for name in ACTION_ITEM_FIELDS}
            if item_form.instance.pk is None:
                item = action_item_create(postmortem=form.instance, actor=request.user, data=data)
                formset.new_objects.append(item)
            else:
                changed = {name: data[name] for name in item_form.changed_data if name in data}
                item = action_item_update(item=item_form.instance, actor=request.user, data=changed)
                formset.changed_objects.append((item, list(changed)))
        return None

    def revert_disabled(self, request, obj=None):
        # Restoring a past version would restore its status too (a published report back to
        # draft, its delivery time gone): the workflow moves only through the services.
        return True

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST" and transaction.get_autocommit() is False:
            # The change form saves every column of the row it read. Lock the row for the
            # admin's transaction, as the services do, so that a transition in another tab
            # waits instead of being written over, and the status read here decides which
            # fields are frozen.
            obj = PostMortem.objects.select_for_update().get(pk=obj.pk)
        return obj

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status in FROZEN_STATUSES:
            # The report reached the customer (or was cancelled): it is a record now.
            fields += ["owner", "reviewers", "products", "impact_duration", "users_affected"]
            fields += list(PostMortem.REPORT_FIELDS)
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "reviewers":
            kwargs["queryset"] = _staff_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = _staff_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "products" in form.base_fields:
            products = form.base_fields["products"]
            products.queryset = products.queryset.filter(customer_id=obj.incident.customer_id)
        return form

    @admin.display(description=_("TTD (time to detect)"))
    def time_to_detect(self, obj: PostMortem) -> str:
        return duration_text(obj.incident.time_to_detect)

    @admin.display(description=_("TTA (time to acknowledge)"))
    def time_to_acknowledge(self, obj: PostMortem) -> str:
        return duration_text(obj.incident.time_to_acknowledge)

    @admin.display(description=_("TTR (time to resolve)"))
    def time_to_resolve(self, obj: PostMortem) -> str:
        return duration_text(obj.incident.time_to_resolve)

    @admin.display(description=_("on time"), boolean=True)
    def on_time_display(self, obj: PostMortem) -> bool | None:
        return obj.on_time

    # --- the per-object buttons -------------------------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/run/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/export/<str:name>/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
        ]
        return own + super().get_urls()

    def _change_url(self, obj: PostMortem) -> str:
        return reverse("admin:postmortems_postmortem_change", args=[obj.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            may_change = self.has_change_permission(request, obj)
            context["pm_buttons"] = [
                {
                    "name": name,
                    "label": label,
                    "url": reverse("admin:postmortems_postmortem_transition", args=[obj.pk, name]),
                }
                for name, label in (BUTTONS.get(obj.status, []) if may_change else [])
                if name != "approve" or may_approve(obj, request.user)
            ]
            if obj.status == Status.IN_REVIEW and not may_approve(obj, request.user):
                names = ", ".join(person_name(user) for user in obj.reviewers.all())
                context["pm_waiting"] = (
                    gettext("Waiting for approval by a named reviewer: %s.") % names
                )
            context["pm_cancel_url"] = (
                reverse("admin:postmortems_postmortem_transition", args=[obj.pk, "cancel"])
                if may_change and obj.status in CANCELLABLE
                else ""
            )
            context["pm_exports"] = [
                (fmt, reverse("admin:postmortems_postmortem_export", args=[obj.pk, fmt]))
                for fmt in ("pdf", "md", "html")
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        """Run one transition from the change page's buttons (POST only)."""
        return require_POST(self._transition)(request, object_id, name)

    def _transition(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        postmortem = get_object_or_404(PostMortem, pk=parse_id(object_id) or 0)
        if not self.has_change_permission(request, postmortem):
            raise PermissionDenied
        try:
            if name == "repull":
                postmortem_timeline_repull(postmortem=postmortem, actor=request.user)
                message = gettext("The timeline was re-pulled from the incident.")
            else:
                reason = request.POST.get("reason", "")
                postmortem_transition(
                    postmortem=postmortem, name=name, actor=request.user, reason=reason
                )
                message = gettext("Done: the post-mortem is %(status)s.") % {
                    "status": postmortem.get_status_display().lower()
                }
        except ValidationError as exc:
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
        else:
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(postmortem))

    def export_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        """Download the post-mortem as PDF, Markdown or HTML."""
        postmortem = get_object_or_404(PostMortem, pk=parse_id(object_id) or 0)
        if not self.has_view_permission(request, postmortem):
            raise PermissionDenied
        return export_response(postmortem, name)

    # --- bulk actions -------------------------------------------------------------------------
    @admin.action(description=_("Submit the selected post-mortems for review"))
    def submit_selected(self, request, queryset):
        _run(self, request, queryset, "submit")

    @admin.action(description=_("Approve the selected post-mortems"))
    def approve_selected(self, request, queryset):
        _run(self, request, queryset, "approve")

    @admin.action(description=_("Publish the selected post-mortems to the customer"))
    def publish_selected(self, request, queryset):
        _run(self, request, queryset, "publish")


class ActionItemForm(ServiceBackedForm):
    """The action item page: saved by ``action_item_create`` / ``action_item_update``."""

    class Meta:
        model = ActionItem
        fields = ("post_mortem", *ACTION_ITEM_FIELDS)

    def commit(self) -> ActionItem:
        data = {name: self.cleaned_data.get(name) for name in ACTION_ITEM_FIELDS}
        if self.instance.pk is None:
            postmortem = self.cleaned_data["post_mortem"]
            return action_item_create(postmortem=postmortem, actor=self.actor, data=data)
        changed = {name: data[name] for name in self.changed_data if name in data}
        if not changed:
            return self.instance
        return action_item_update(item=self.instance, actor=self.actor, data=changed)


@admin.register(ActionItem)
class ActionItemAdmin(ServiceBackedAdmin, AuditedAdmin):
    form = ActionItemForm
    list_display = ("title", "post_mortem", "type", "priority", "status", "owner", "due_date")
    list_filter = ("status", "type", "priority")
    search_fields = ("title", "post_mortem__incident__key")
    list_select_related = ("post_mortem__incident", "owner")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "post_mortem"] if obj is not None else fields

    def revert_disabled(self, request, obj=None):
        return True  # the page saves through the services; a restored version would not

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = _staff_users()
        elif db_field.name == "post_mortem":
            queryset = PostMortem.objects.select_related("incident").order_by("-pk")
            kwargs["queryset"] = queryset.exclude(status=Status.CANCELLED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
