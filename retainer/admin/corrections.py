"""Correcting the ledger from the admin: reverse an entry, with a reason, after a confirmation.

A reversal is a new entry of the opposite amount that references the original; the original
stays as it was (the database refuses changes anyway). Account managers (and superusers) with
the "add ledger entry" permission may correct; support engineers and customers never.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.access import is_account_manager
from retainer.admin.base import add_service_errors
from retainer.models import LedgerEntry
from retainer.services.ledger import (
    REVERSIBLE_KINDS,
    ledger_check_reversible,
    ledger_reverse_entry,
)

REVERSE_TEMPLATE = "admin/retainer/ledgerentry/reverse.html"


class ReversalForm(forms.Form):
    memo = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Why the entry is reversed; the customer sees this note."),
    )


def with_reversed_flag(queryset: Any) -> Any:
    """Annotate each entry with whether a later entry reverses it (one subquery, no N+1)."""
    reversals = LedgerEntry.objects.filter(reverses=OuterRef("pk"))
    return queryset.annotate(is_reversed=Exists(reversals))


def may_correct(request: HttpRequest) -> bool:
    """Tell whether the user may post corrections (account manager with the add permission)."""
    user = request.user
    return is_account_manager(user) and user.has_perm("retainer.add_ledgerentry")


def reverse_link(entry: LedgerEntry) -> str:
    """Return a "Reverse" link for an entry that can still be reversed, else what it is."""
    if getattr(entry, "is_reversed", False):
        return _("reversed")
    if entry.kind not in REVERSIBLE_KINDS or entry.reverses_id is not None:
        return "—"
    url = reverse("admin:retainer_ledgerentry_reverse", args=[entry.pk])
    return format_html('<a href="{}">{}</a>', url, _("Reverse"))


class LedgerCorrectionsMixin:
    """Adds ``<id>/reverse/`` (a confirmation form asking for the reason) to the ledger admin."""

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name  # type: ignore[attr-defined]
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path(
                "<path:object_id>/reverse/",
                wrap(self.reverse_view),
                name="{}_{}_reverse".format(*info),
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        extra = {**(extra_context or {}), "reverse_url": self._reverse_url(request, entry)}
        return super().change_view(request, object_id, form_url, extra)  # type: ignore[misc]

    def _reverse_url(self, request: HttpRequest, entry: LedgerEntry | None) -> str | None:
        if entry is None or not may_correct(request):
            return None
        try:
            ledger_check_reversible(entry)
        except ValidationError:
            return None
        return reverse("admin:retainer_ledgerentry_reverse", args=[entry.pk])

    @method_decorator(require_http_methods(["GET", "POST"]))
    def reverse_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm and post the reversal of one entry; a refusal is shown as a message."""
        if not may_correct(request):
            raise PermissionDenied
        entry = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if entry is None:
            raise Http404
        entry_url = reverse("admin:retainer_ledgerentry_change", args=[entry.pk])
        try:
            ledger_check_reversible(entry)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
            self.message_user(request, refusal, messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(entry_url)
        form = ReversalForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                reversal = ledger_reverse_entry(
                    entry=entry, memo=form.cleaned_data["memo"], actor=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(  # type: ignore[attr-defined]
                    request,
                    _("Reversed: %(amount)s M/M posted to %(code)s.")
                    % {"amount": f"{reversal.amount.normalize():+}", "code": entry.contract.code},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:retainer_ledgerentry_change", args=[reversal.pk])
                )
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.opts,  # type: ignore[attr-defined]
            "title": _("Reverse a ledger entry"),
            "entry": entry,
            "form": form,
            "entry_url": entry_url,
        }
        return TemplateResponse(request, REVERSE_TEMPLATE, context)
