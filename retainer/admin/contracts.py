"""The contract admin: terms, the ledger (read-only), the balance, close-out, the M/M report."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import AuditedAdmin
from retainer.admin.base import (
    AccountManagerChoiceMixin,
    ReadOnlyInline,
    ServiceBackedAdmin,
    ServiceBackedForm,
)
from retainer.admin.corrections import may_correct, reverse_link, with_reversed_flag
from retainer.admin.reports import ReportViewsMixin
from retainer.models import Contract, LedgerEntry
from retainer.selectors import contract_balance
from retainer.services import contract_close_out, contract_create, contract_update
from retainer.services.contracts import EDITABLE


class ContractForm(ServiceBackedForm):
    class Meta:
        model = Contract
        fields = EDITABLE

    def commit(self) -> Contract:
        data = {name: self.cleaned_data[name] for name in EDITABLE if name in self.cleaned_data}
        if self.instance.pk is None:
            return contract_create(actor=self.actor, **data)
        changed = {name: data[name] for name in self.changed_data if name in data}
        if not changed:
            return self.instance
        return contract_update(contract=self.instance, actor=self.actor, data=changed)


class LedgerInline(ReadOnlyInline):
    model = LedgerEntry
    fk_name = "contract"
    verbose_name_plural = _("M/M ledger")
    fields = ("effective_on", "kind", "amount", "hours", "source_key", "memo", "author")
    readonly_fields = fields
    ordering = ("effective_on", "id")

    def get_queryset(self, request):
        return with_reversed_flag(super().get_queryset(request).select_related("author"))

    def get_fields(self, request, obj=None):
        return (*self.fields, "correction") if may_correct(request) else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("correction"))
    def correction(self, entry: LedgerEntry) -> str:
        return reverse_link(entry)


@admin.register(Contract)
class ContractAdmin(ReportViewsMixin, ServiceBackedAdmin, AccountManagerChoiceMixin, AuditedAdmin):
    form = ContractForm
    list_display = (
        "code",
        "customer",
        "starts_on",
        "ends_on",
        "status",
        "contracted_mm",
        "account_manager",
        "report_link",
    )
    list_select_related = ("customer", "account_manager")
    list_filter = ("status", "customer", ("starts_on", admin.DateFieldListFilter))
    search_fields = ("code", "customer__name")
    autocomplete_fields = ("customer", "previous_contract")
    actions = ["close_out_selected"]
    inlines = (LedgerInline,)
    readonly_fields = ("balance_summary", "closed_out_at")
    fieldsets = (
        (None, {"fields": ("customer", "code", "status", "account_manager")}),
        (_("Period"), {"fields": (("starts_on", "ends_on"), "previous_contract")}),
        (
            _("M/M"),
            {
                "fields": (
                    ("contracted_mm", "hours_per_mm", "carry_over_cap_percent"),
                    "balance_summary",
                    "closed_out_at",
                )
            },
        ),
        (
            _("Response SLO targets (minutes)"),
            {
                "fields": (
                    ("response_minutes_sev1", "response_minutes_sev2"),
                    ("response_minutes_sev3", "response_minutes_sev4"),
                    "postmortem_policy",
                )
            },
        ),
    )

    def get_inline_instances(self, request, obj=None):
        # The ledger inline only shows rows; leaving it out of a POST keeps the form the gate.
        if obj is None or request.method == "POST":
            return []
        return super().get_inline_instances(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {**(extra_context or {}), "may_correct": may_correct(request)}
        return super().change_view(request, object_id, form_url, extra)

    def revert_disabled(self, request, obj=None):
        # Restoring old terms would bypass the allotment posting: change them through the form.
        return True

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("balance"))
    def balance_summary(self, contract: Contract) -> str:
        if contract.pk is None:
            return "—"
        balance = contract_balance(contract_id=contract.pk)
        utilisation = balance.utilisation
        return format_html(
            "{}: {} · {}: {} · {}: {} · {}: {}",
            gettext("granted"),
            balance.granted.normalize(),
            gettext("used"),
            balance.used.normalize(),
            gettext("remaining"),
            balance.remaining.normalize(),
            gettext("utilisation"),
            f"{utilisation}%" if utilisation is not None else "—",
        )

    @admin.display(description=_("monthly report"))
    def report_link(self, contract: Contract) -> str:
        url = reverse("admin:retainer_contract_report", args=[contract.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("M/M report"))

    @admin.action(description=_("Close out the selected contract years"), permissions=["change"])
    def close_out_selected(self, request, queryset) -> None:
        for contract in queryset.order_by("ends_on"):
            try:
                result = contract_close_out(contract=contract, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("%(code)s closed out: %(carry)s M/M carried over, %(expired)s expired.")
                % {
                    "code": contract.code,
                    "carry": result.split.carry_over.normalize(),
                    "expired": result.split.expired.normalize(),
                },
                messages.SUCCESS,
            )
