"""The ledger (read-only; account managers add adjustments and reversals), work logs, alerts."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.access import STAFF_GROUPS
from core.admin import AuditedAdmin
from incidents.models import Incident
from retainer.admin.base import ServiceBackedAdmin, ServiceBackedForm
from retainer.admin.corrections import (
    LedgerCorrectionsMixin,
    may_correct,
    reverse_link,
    with_reversed_flag,
)
from retainer.models import LedgerEntry, UtilisationAlert, WorkLog
from retainer.services import (
    ledger_post_adjustment,
    worklog_create,
    worklog_delete,
    worklog_update,
)
from retainer.services.worklogs import FIELDS as WORK_LOG_FIELDS


class AdjustmentForm(ServiceBackedForm):
    """A manual correction: the only entry a person adds by hand."""

    class Meta:
        model = LedgerEntry
        fields = ("contract", "amount", "effective_on", "memo")
        help_texts = {"memo": _("Why; the customer sees this note in the monthly report.")}

    def commit(self) -> LedgerEntry:
        data = self.cleaned_data
        return ledger_post_adjustment(
            contract=data["contract"],
            amount=Decimal(data["amount"]),
            memo=data["memo"],
            effective_on=data["effective_on"],
            actor=self.actor,
        )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(LedgerCorrectionsMixin, ServiceBackedAdmin, admin.ModelAdmin):
    """Entries are shown, never edited or deleted (the database refuses that too).

    Corrections are new entries: "Add" posts an adjustment, "Reverse" posts an entry's opposite.
    """

    form = AdjustmentForm
    list_display = ("effective_on", "contract", "kind", "amount", "hours", "source_key", "author")
    list_select_related = ("contract", "author")
    list_filter = ("kind", ("effective_on", admin.DateFieldListFilter))
    search_fields = ("contract__code", "source_key", "memo")
    autocomplete_fields = ("contract",)
    date_hierarchy = "effective_on"
    list_per_page = 100
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("contract", "amount", "effective_on", "memo")
        return (
            "contract",
            "kind",
            "amount",
            "hours",
            "effective_on",
            "source_key",
            "incident",
            "work_log",
            "engagement",
            "related_contract",
            "reverses",
            "reversed_by_entry",
            "memo",
            "author",
            "created_at",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def get_queryset(self, request):
        return with_reversed_flag(super().get_queryset(request))

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return (*shown, "correction") if may_correct(request) else shown

    @admin.display(description=_("correction"))
    def correction(self, entry: LedgerEntry) -> str:
        return reverse_link(entry)

    @admin.display(description=_("reversed by"))
    def reversed_by_entry(self, entry: LedgerEntry) -> str:
        reversal = LedgerEntry.objects.filter(reverses=entry).first()
        if reversal is None:
            return "—"
        url = reverse("admin:retainer_ledgerentry_change", args=[reversal.pk])
        return format_html(
            '<a href="{}">{} {:+}</a>', url, reversal.effective_on, reversal.amount.normalize()
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkLogForm(ServiceBackedForm):
    hours = forms.DecimalField(
        label=_("hours"),
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text=_("Or give the start and end times."),
    )
    performed_on = forms.DateField(
        label=_("date"), required=False, help_text=_("Defaults to the start time's date.")
    )

    class Meta:
        model = WorkLog
        fields = WORK_LOG_FIELDS

    def commit(self) -> WorkLog:
        data = {name: self.cleaned_data.get(name) for name in WORK_LOG_FIELDS}
        data["billable"] = bool(data["billable"])
        if self.instance.pk is None:
            return worklog_create(actor=self.actor, **data)
        changed = {name: data[name] for name in self.changed_data if name in data}
        if not changed:
            return self.instance
        return worklog_update(work_log=self.instance, actor=self.actor, data=changed)


@admin.register(WorkLog)
class WorkLogAdmin(ServiceBackedAdmin, AuditedAdmin):
    form = WorkLogForm
    list_display = (
        "performed_on",
        "engineer",
        "kind",
        "target",
        "hours",
        "billable",
        "contract",
    )
    list_select_related = ("engineer", "contract", "incident", "engagement")
    list_filter = ("kind", "billable", ("performed_on", admin.DateFieldListFilter))
    search_fields = ("incident__key", "contract__code", "description", "engineer__username")
    autocomplete_fields = ("incident", "contract", "engagement")
    fieldsets = (
        (None, {"fields": ("engineer", "kind", "incident", "engagement", "contract")}),
        (_("Effort"), {"fields": (("started_at", "ended_at"), ("performed_on", "hours"))}),
        (None, {"fields": ("description", ("billable", "billable_note"))}),
    )

    def get_changeform_initial_data(self, request):
        return {"engineer": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "engineer":
            kwargs["queryset"] = _engineers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("for"))
    def target(self, work_log: WorkLog) -> str:
        return str(work_log.incident or work_log.engagement or work_log.get_kind_display())

    def revert_disabled(self, request, obj=None):
        return True  # a revert would bypass the ledger correction

    # --- deleting goes through the service, which corrects the incident's deduction -----------
    def has_delete_permission(self, request, obj=None):
        # Work whose own ledger entries point at it (a deducted diagnostic or advisory log)
        # stays: the service refuses, and the delete pages name it as not deletable.
        if obj is not None and obj.ledger_entries.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        worklog_delete(work_log=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all or nothing, as the confirmation page promised
            work_logs = list(queryset.order_by("pk"))
            # Every incident first, in one order, as a resolution locks its incident before
            # the contract: deleting log after log would hold the contract while asking for
            # the next incident, the other way round (a deadlock with a concurrent resolve).
            incident_ids = sorted({log.incident_id for log in work_logs if log.incident_id})
            list(Incident.objects.select_for_update().filter(pk__in=incident_ids).order_by("pk"))
            for work_log in work_logs:
                worklog_delete(work_log=work_log, actor=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:  # deducted meanwhile: nothing was deleted
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except ValidationError as exc:
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _engineers() -> QuerySet:
    """Return the firm's people who may log work."""
    wanted = Q(is_superuser=True) | Q(groups__name__in=STAFF_GROUPS)
    return get_user_model().objects.filter(wanted, is_active=True).distinct().order_by("username")


@admin.register(UtilisationAlert)
class UtilisationAlertAdmin(admin.ModelAdmin):
    list_display = ("contract", "threshold", "utilisation", "created_at", "sent_at")
    list_select_related = ("contract",)
    list_filter = ("threshold",)
    readonly_fields = ("contract", "threshold", "utilisation", "created_at", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
