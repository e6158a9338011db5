"""Extra admin pages of the schedule admin: calendar, XLSX export and import, fairness."""

import base64
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import is_support
from oncall.admin.calendar import calendar_page
from oncall.admin.forms import PeriodForm, SheetUploadForm
from oncall.exports.xlsx import export_xlsx
from oncall.models import Schedule
from oncall.reports.fairness import fairness_csv, fairness_report
from oncall.selectors import schedule_get_for
from oncall.services.imports import sheet_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNING_SALT = "oncall.sheet-import"


def _context(model_admin: Any, request: HttpRequest, schedule: Schedule | None, title: str) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": schedule,
        "title": title,
    }


def _parse_date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def calendar_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    """Show a week or a month of final shifts; overrides are highlighted."""
    schedule = schedule_get_for(request.user, pk=object_id)
    today = timezone.localtime(timezone=ZoneInfo(schedule.time_zone)).date()
    view = "month" if request.GET.get("view") == "month" else "week"
    page = calendar_page(schedule, view, _parse_date(request.GET.get("date"), today), today)
    context = {
        **_context(
            model_admin, request, schedule, _("Calendar: %(name)s") % {"name": schedule.name}
        ),
        "page": page,
        "can_edit": is_support(request.user),
    }
    return TemplateResponse(request, "admin/oncall/schedule/calendar.html", context)


def export_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    """Download a period's final shifts as XLSX (start and end are local dates)."""
    schedule = schedule_get_for(request.user, pk=object_id)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404
    zone = ZoneInfo(schedule.time_zone)
    start = datetime.combine(form.cleaned_data["start"], time(0), zone)
    end = datetime.combine(form.cleaned_data["end"], time(0), zone)
    response = HttpResponse(export_xlsx(schedule, start, end), content_type=XLSX)
    filename = f"oncall-{schedule.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    """Preview a shift sheet (dry run with row errors), then import it as overrides."""
    if not is_support(request.user):
        raise PermissionDenied
    schedule = schedule_get_for(request.user, pk=object_id)
    form, result, payload = SheetUploadForm(), None, ""
    if request.method == "POST" and "payload" in request.POST:
        return _import_confirmed(request, schedule)
    if request.method == "POST":
        form = SheetUploadForm(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["sheet"].read()
            result = sheet_import(schedule=schedule, content=content, actor=request.user)
            payload = signing.dumps(base64.b64encode(content).decode(), salt=SIGNING_SALT)
    title = _("Import shifts: %(name)s") % {"name": schedule.name}
    context = {
        **_context(model_admin, request, schedule, title),
        "form": form,
        "result": result,
        "payload": payload if result is not None and result.ok else "",
    }
    return TemplateResponse(request, "admin/oncall/schedule/import.html", context)


def _import_confirmed(request: HttpRequest, schedule: Schedule) -> HttpResponse:
    try:
        encoded = signing.loads(request.POST["payload"], salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature as error:
        raise PermissionDenied from error
    content = base64.b64decode(encoded)
    result = sheet_import(schedule=schedule, content=content, actor=request.user, dry_run=False)
    if result.ok:
        messages.success(
            request, _("%(count)s overrides imported.") % {"count": len(result.created)}
        )
    else:
        messages.error(request, _("The sheet changed meanwhile; nothing was imported."))
    return redirect(reverse("admin:oncall_schedule_calendar", args=[schedule.pk]))


def _month(value: str | None) -> date:
    today = timezone.localdate()
    try:
        return datetime.strptime(value or "", "%Y-%m").date()  # noqa: DTZ007 - a month, no time
    except ValueError:
        return today.replace(day=1)


def fairness_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """Show (or download as CSV) the month's on-call load per engineer for a team."""
    month = _month(request.GET.get("month"))
    team = request.GET.get("team", "")
    report = fairness_report(month=month, team=team)
    if request.GET.get("format") == "csv":
        response = HttpResponse(fairness_csv(report), content_type="text/csv; charset=utf-8")
        name = f"oncall-fairness-{month:%Y-%m}{'-' + team if team else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    teams = Schedule.objects.exclude(team="").order_by("team").values_list("team", flat=True)
    context = {
        **_context(model_admin, request, None, _("On-call fairness")),
        "report": report,
        "teams": sorted(set(teams)),
        "month_value": f"{month:%Y-%m}",
    }
    return TemplateResponse(request, "admin/oncall/schedule/fairness.html", context)
