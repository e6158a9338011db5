"""The monthly M/M report pages for account managers: one contract, and the overview."""

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from core.access import is_account_manager
from incidents.selectors import incident_list_without_contract
from retainer.reports.chart import chart_svg
from retainer.reports.detail import monthly_report
from retainer.reports.exports import EXPORTERS, line_headers, report_filename
from retainer.reports.monthly import SORTS, month_span, monthly_overview, parse_month
from retainer.reports.pdf import report_pdf
from retainer.rules import add_months
from retainer.services.common import local_date

UNENTITLED_SHOWN = 50  # incidents filed without an active contract listed on the overview


def default_month() -> Any:
    """Return last month: the report account managers look at on the 1st."""
    return add_months(local_date(clock.now()).replace(day=1), -1)


def export_response(report: Any, fmt: str) -> HttpResponse:
    """Return the report as a CSV, XLSX or PDF download."""
    if fmt == "pdf":
        content_type, body = "application/pdf", report_pdf(report)
    elif fmt in EXPORTERS:
        content_type, build = EXPORTERS[fmt]
        body = build(report)
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ReportViewsMixin:
    """Adds ``<id>/report/`` and ``report/overview/`` to the contract admin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "report/overview/",
                wrap(self.overview_view),
                name="{}_{}_overview".format(*info),
            ),
            path(
                "<path:object_id>/report/",
                wrap(self.report_view),
                name="{}_{}_report".format(*info),
            ),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not (is_account_manager(request.user) and self.has_view_permission(request)):
            raise PermissionDenied

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, **extra}

    @method_decorator(require_GET)
    def report_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show one contract's monthly report, or download it (?format=csv|xlsx|pdf)."""
        self._check(request)
        contract = self.get_object(request, unquote(object_id))
        if contract is None:
            raise Http404
        month = parse_month(request.GET.get("month"), default=default_month())
        report = monthly_report(contract=contract, month=month)
        fmt = request.GET.get("format", "html")
        if fmt != "html":
            return export_response(report, fmt)
        url = reverse("admin:retainer_contract_report", args=[contract.pk])
        context = self._context(
            request,
            title=_("M/M report %(code)s") % {"code": contract.code},
            original=contract,
            report=report,
            headers=line_headers(),
            chart=chart_svg(report.chart),
            month_value=f"{month:%Y-%m}",
            previous_month=f"{add_months(month, -1):%Y-%m}",
            next_month=f"{add_months(month, 1):%Y-%m}",
            report_url=url,
            exports=[
                (name.upper(), f"{url}?month={month:%Y-%m}&format={name}")
                for name in ("pdf", "xlsx", "csv")
            ],
        )
        return TemplateResponse(request, "admin/retainer/contract/report.html", context)

    @method_decorator(require_GET)
    def overview_view(self, request: HttpRequest) -> HttpResponse:
        """List every contract's figures for a month, sorted by utilisation (or as asked)."""
        self._check(request)
        month = parse_month(request.GET.get("month"), default=default_month())
        sort = request.GET.get("sort", "utilisation")
        rows = monthly_overview(month=month, sort=sort if sort in SORTS else "utilisation")
        start, end = month_span(month)
        unentitled = (
            incident_list_without_contract(request.user)
            .select_related("customer__account_manager")
            .filter(reported_at__gte=start, reported_at__lt=end)
        )
        context = self._context(
            request,
            title=_("M/M overview"),
            rows=rows,
            unentitled=unentitled.order_by("-reported_at")[:UNENTITLED_SHOWN],
            unentitled_url=reverse("admin:incidents_incident_changelist") + "?contract__isempty=1",
            month_value=f"{month:%Y-%m}",
            previous_month=f"{add_months(month, -1):%Y-%m}",
            next_month=f"{add_months(month, 1):%Y-%m}",
            sort=sort,
            sorts=[
                ("utilisation", _("Utilisation")),
                ("customer", _("Customer")),
                ("remaining", _("Remaining")),
            ],
        )
        return TemplateResponse(request, "admin/retainer/contract/overview.html", context)
