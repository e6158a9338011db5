"""Customer hotline pages: report an incident, follow it, download its attachments.

Every incident read goes through ``incidents.selectors`` (tenant scoping lives there), every
write through ``incidents.services``. Another company's key or attachment is a 404.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import customer_id_for, customer_link_for, is_staff_member
from incidents.downloads import attachment_response
from incidents.hotline.forms import SEVERITY_HELP, CommentForm, IncidentForm
from incidents.hotline.fragments import blank_fields_html, blank_form_page
from incidents.models import OPEN_STATUSES, Channel, Incident, TimelineEntry
from incidents.selectors import (
    attachment_get_for,
    attachment_list_for,
    incident_get_for,
    incident_list_for,
    timeline_for,
)
from incidents.services import incident_add_note, incident_create
from retainer.models import Customer

PAGE_SIZE = 20
RECENT_COUNT = 5
STATE_FILTERS = ("open", "closed", "all")

View = Callable[..., HttpResponse]


def customer_required(view: View) -> View:
    """Let only logged-in customer users in; anyone else gets a translated 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if customer_id_for(request.user) is None:
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "hotline/forbidden.html", status=403)


def _customer(request: HttpRequest) -> Customer | None:
    link = customer_link_for(request.user)
    return link.customer if link is not None else None


def _hotline_phone(customer: Customer | None) -> str:
    """Return the 24/7 number to show: the customer's own line, else the firm's default."""
    if customer is not None and customer.hotline_phone:
        return customer.hotline_phone
    return getattr(settings, "HOTLINE_PHONE", "")


def _duration_text(delta: timedelta) -> str:
    """Return a response target such as "2 hours" or "90 minutes" in the active language."""
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show customers how to report and their recent incidents; point staff to the admin."""
    user = request.user
    customer = _customer(request) if user.is_authenticated else None
    context: dict[str, Any] = {
        "customer": customer,
        "phone": _hotline_phone(customer),
        "is_staff_user": user.is_authenticated and (is_staff_member(user) or user.is_staff),
    }
    if customer is not None:
        incidents = incident_list_for(user)
        context["recent"] = list(incidents[:RECENT_COUNT])
        context["open_count"] = incidents.open().count()
    return render(request, "hotline/home.html", context)


@customer_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    """Take an incident report from a customer user, then redirect to its confirmation."""
    customer = _customer(request)
    if customer is None:  # the link was removed since customer_required looked
        return _forbidden(request)
    if request.method == "POST":
        form = IncidentForm(request.POST, request.FILES, customer_id=customer.pk)
        if form.is_valid():
            incident = _create_from_form(request, customer, form)
            if incident is not None:
                return redirect("hotline:incident_received", key=incident.key)
    else:
        phone = customer_link_for(request.user).phone
        form = IncidentForm(customer_id=customer.pk, initial={"contact_phone": phone})
    context = {"form": form, "customer": customer, "phone": _hotline_phone(customer)}
    if not form.is_bound:
        context["fields_html"] = blank_fields_html(form)
        return blank_form_page(request, context)
    return render(request, "hotline/incident_form.html", context)


def _create_from_form(
    request: HttpRequest, customer: Customer, form: IncidentForm
) -> Incident | None:
    """Call the intake service; put its ValidationError on the form and return None."""
    data = form.cleaned_data
    try:
        return incident_create(
            actor=request.user,
            customer=customer,
            summary=data["summary"],
            description=data["description"],
            severity=data["severity"],
            channel=Channel.WEB,
            service=data["service"],
            products=data["products"],
            reporter=request.user,
            reporter_phone=data["contact_phone"].strip(),
            impact_started_at=data["impact_started_at"],
            attachments=data["attachments"],
        )
    except ValidationError as exc:
        form.add_service_error(exc)
        return None


@customer_required
@require_GET
def incident_received(request: HttpRequest, key: str) -> HttpResponse:
    """Confirm a report: the key, the severity, the response target and what happens next."""
    incident = incident_get_for(request.user, key=key)
    context = {
        "incident": incident,
        "severity_help": SEVERITY_HELP.get(incident.severity, ""),
        "response_target": _duration_text(incident.response_due_at - incident.reported_at),
        "phone": _hotline_phone(incident.customer),
    }
    return render(request, "hotline/incident_received.html", context)


@customer_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """List the company's incidents, open or closed, newest first, one page at a time."""
    state = request.GET.get("state", "all")
    if state not in STATE_FILTERS:
        state = "all"
    incidents = incident_list_for(request.user)
    if state == "open":
        incidents = incidents.open()
    elif state == "closed":
        incidents = incidents.exclude(status__in=OPEN_STATUSES)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/incident_list.html", {"page": page, "state": state})


@customer_required
@require_GET
def incident_detail(request: HttpRequest, key: str) -> HttpResponse:
    """Show one incident: status, key times, the customer-visible timeline, attachments."""
    incident = incident_get_for(request.user, key=key)
    return _render_detail(request, incident, CommentForm() if incident.is_open else None)


def _render_detail(
    request: HttpRequest, incident: Incident, comment_form: CommentForm | None
) -> HttpResponse:
    timeline = timeline_for(request.user, incident).filter(
        visibility=TimelineEntry.Visibility.CUSTOMER
    )
    context = {
        "incident": incident,
        "timeline": timeline,
        "attachments": list(attachment_list_for(request.user, incident)),
        "comment_form": comment_form,
        "phone": _hotline_phone(incident.customer),
    }
    return render(request, "hotline/incident_detail.html", context)


@customer_required
@require_POST
def incident_comment(request: HttpRequest, key: str) -> HttpResponse:
    """Add the customer's comment to the customer-visible timeline of an open incident."""
    incident = incident_get_for(request.user, key=key)
    if not incident.is_open:
        messages.error(request, _("This incident is no longer open; call the hotline instead."))
        return redirect("hotline:incident", key=incident.key)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            incident_add_note(
                incident=incident,
                actor=request.user,
                text=form.cleaned_data["text"],
                visibility=TimelineEntry.Visibility.CUSTOMER,
            )
        except ValidationError as exc:
            form.add_error("text", exc.messages)
        else:
            messages.success(request, _("Your comment was added."))
            return redirect("hotline:incident", key=incident.key)
    return _render_detail(request, incident, form)


@never_cache
@customer_required
@require_GET
def attachment_download(request: HttpRequest, key: str, attachment_id: int) -> FileResponse:
    """Send an attachment as a download, never rendered inline by the browser."""
    attachment = attachment_get_for(request.user, key=key, attachment_id=attachment_id)
    return attachment_response(attachment)
