"""The one-click acknowledge link: GET shows a confirmation, POST acknowledges and redirects."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.access import customer_id_for
from incidents.escalation.acklinks import AckLinkError, ack_link_check, ack_link_use
from incidents.models import Incident


def _landing(request: HttpRequest, incident: Incident) -> str:
    """Return the incident's page: the admin for the firm, the hotline page for a customer."""
    if customer_id_for(request.user) is not None:
        return reverse("hotline:incident", args=[incident.key])
    return reverse("admin:incidents_incident_change", args=[incident.pk])


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: keep it out of caches and other sites' Referer headers.
    # "same-origin", not "no-referrer": under "no-referrer" the browser sends "Origin: null"
    # with the confirmation's POST, and Django's CSRF check refuses it.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def _problem(request: HttpRequest, error: AckLinkError) -> HttpResponse:
    landing = _landing(request, error.incident) if error.incident else None
    context = {"message": error.message, "incident": error.incident, "landing": landing}
    return _private(render(request, "incidents/ack/problem.html", context, status=410))


@require_http_methods(["GET", "POST"])
def acknowledge_view(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET) and acknowledge (POST) an incident from a page's signed link."""
    if request.method == "GET":
        try:
            delivery, incident = ack_link_check(token)
        except AckLinkError as error:
            return _problem(request, error)
        context = {"incident": incident, "recipient": delivery.recipient}
        return _private(render(request, "incidents/ack/confirm.html", context))
    try:
        incident, _recipient = ack_link_use(token=token)
    except AckLinkError as error:
        if error.incident is None:
            return _problem(request, error)
        messages.warning(request, error.message)
        return HttpResponseRedirect(_landing(request, error.incident))
    messages.success(
        request,
        _("%(key)s is acknowledged: the analysis has started.") % {"key": incident.key},
    )
    return _private(HttpResponseRedirect(_landing(request, incident)))
