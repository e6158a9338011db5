"""Customer pages for the monthly M/M reports under /hotline/reports/ (own company only)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.access import customer_id_for, customer_link_for
from retainer.admin.reports import export_response
from retainer.models import Contract
from retainer.reports.chart import chart_svg
from retainer.reports.detail import monthly_report
from retainer.reports.exports import line_headers
from retainer.reports.monthly import parse_month
from retainer.rules import add_months
from retainer.selectors import contract_get_for, contract_list_for
from retainer.services.common import local_date
from retainer.services.reports import report_subscription_set


def _months(contract: Contract, today: date) -> list[date]:
    """Return the report months of a contract up to this month, newest first."""
    last = min(contract.ends_on, today).replace(day=1)
    months, current = [], contract.starts_on.replace(day=1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months[::-1]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/forbidden.html", status=403)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """List the company's contracts and the months with a report."""
    if customer_id_for(request.user) is None:
        return _forbidden(request)
    today = local_date(clock.now())
    contracts = [(c, _months(c, today)) for c in contract_list_for(request.user)]
    context = {"contracts": contracts, "link": customer_link_for(request.user)}
    return render(request, "retainer/hotline/report_list.html", context)


@login_required
@require_POST
def report_subscription(request: HttpRequest) -> HttpResponse:
    """Opt in to (or out of) the monthly report e-mail on the 1st."""
    link = customer_link_for(request.user)
    if link is None:
        return _forbidden(request)
    receives = report_subscription_set(
        customer_user=link, receives=request.POST.get("receives") == "on", actor=request.user
    )
    if receives:
        messages.success(request, _("You will receive the monthly M/M report by e-mail."))
    else:
        messages.success(request, _("You will no longer receive the monthly M/M report by e-mail."))
    return redirect("reports:list")


@login_required
@require_GET
def report_detail(request: HttpRequest, contract_id: int, month: str) -> HttpResponse:
    """Show one month's report of an own contract, or download its PDF (?format=pdf)."""
    if customer_id_for(request.user) is None:
        return _forbidden(request)
    contract = contract_get_for(request.user, pk=contract_id)  # 404 for another company's
    first_day = parse_month(month, default=None)
    if first_day is None or f"{first_day:%Y-%m}" != month:  # 2026-13, 2026-1, junk: no page
        raise Http404
    report = monthly_report(contract=contract, month=first_day)
    if request.GET.get("format") in ("pdf", "xlsx", "csv"):
        return export_response(report, request.GET["format"])
    context = {
        "report": report,
        "chart": chart_svg(report.chart),
        "headers": line_headers(),
        "contract": contract,
    }
    return render(request, "retainer/hotline/report_detail.html", context)
