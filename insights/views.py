"""The dashboard's live JSON endpoint and the metrics pages (admin, staff only)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from core import clock
from core.access import is_staff_member
from insights.dashboard import live_figures
from insights.forms import MetricsFilterForm
from insights.metrics import PAGES, PAGES_BY_SLUG, Table, table_csv


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Behind the admin's login (anyone else goes to its login page); the firm's staff only."""

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return admin.site.admin_view(require_GET(inner))


@staff_view
def dashboard_live(request: HttpRequest) -> HttpResponse:
    """Return the dashboard's live figures: open counts and the incidents awaiting an ack."""
    response = JsonResponse(live_figures(now=clock.now()))
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_response(table: Table, request: HttpRequest, period: str) -> HttpResponse:
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.slug}-{period}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_url(request: HttpRequest, table: Table) -> str:
    params = request.GET.copy()
    params["format"], params["table"] = "csv", table.slug
    return f"?{params.urlencode()}"


@staff_view
def metrics_view(request: HttpRequest, *, slug: str) -> HttpResponse:
    """Show one metrics page (charts and tables), or one of its tables as CSV."""
    page = PAGES_BY_SLUG[slug]
    form = MetricsFilterForm(request.GET or None, now=clock.now())
    filters = form.metrics_filter()
    tables = page.build(filters)
    period = f"{filters.first_month:%Y-%m}_{filters.last_month:%Y-%m}"
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("table") or tables[0].slug
        table = next((t for t in tables if t.slug == wanted), None)
        if table is None:
            raise Http404
        return _csv_response(table, request, period)
    context = {
        **admin.site.each_context(request),
        "title": page.title,
        "page": page,
        "pages": PAGES,
        "form": form,
        "filters": filters,
        "tables": [(table, _csv_url(request, table)) for table in tables],
    }
    return TemplateResponse(request, "insights/metrics.html", context)
