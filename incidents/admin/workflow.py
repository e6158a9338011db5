"""Incident admin pages beyond the stock ones: transitions, notes, bulk actions, downloads.

Each is a thin view over a service: it checks the permission, calls the service, and shows a
ValidationError as an admin message or a form error. Nothing here decides business rules.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from incidents.admin.forms import CancelForm, NoteForm, TransitionForm, add_service_errors
from incidents.downloads import attachment_response
from incidents.models import Attachment, Incident
from incidents.services import (
    TRANSITIONS,
    allowed_transitions,
    incident_add_note,
    incident_transition,
)

ACTION_FORM_TEMPLATE = "admin/incidents/incident/action_form.html"

# What each transition means, shown on its confirmation page.
TRANSITION_HELP = {
    "acknowledge": gettext_lazy(
        "An expert has started the analysis. The response SLO clock stops and you become the "
        "incident manager."
    ),
    "mitigate": gettext_lazy("A workaround is in place; work on a full fix continues."),
    "resolve": gettext_lazy("Service is restored and recovery is confirmed."),
    "reopen": gettext_lazy("The impact is back; the incident returns to acknowledged."),
    "close": gettext_lazy("The post-mortem is delivered or not required."),
    "cancel": gettext_lazy("A duplicate, a false alarm or not covered by the contract."),
}


class IncidentWorkflowMixin:
    """Transition buttons, notes, bulk actions and attachment downloads for IncidentAdmin."""

    actions = ["acknowledge_selected", "resolve_selected"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        custom = [
            path(
                "<path:object_id>/transition/<slug:name>/",
                wrap(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/note/",
                wrap(self.note_view),
                name="{}_{}_note".format(*info),
            ),
            path(
                "<path:object_id>/attachments/<int:attachment_id>/",
                wrap(self.attachment_view),
                name="{}_{}_attachment".format(*info),
            ),
        ]
        return custom + super().get_urls()

    # --- helpers ------------------------------------------------------------------------------

    def _url(self, name: str, *args: Any) -> str:
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        return reverse("{}:{}_{}_{}".format(*info, name), args=args)

    def _incident(self, request: HttpRequest, object_id: str, *, change: bool) -> Incident:
        incident = self.get_object(request, unquote(object_id))
        if incident is None:
            raise Http404
        if change:
            allowed = self.has_change_permission(request, incident)
        else:
            allowed = self.has_view_permission(request, incident)
        if not allowed:
            raise PermissionDenied
        return incident

    def workflow_context(self, request: HttpRequest, incident: Incident) -> dict[str, Any]:
        """Return the buttons and the note form for the change page of a user who may change."""
        if not self.has_change_permission(request, incident):
            return {}
        transitions = [
            {
                "name": name,
                "label": TRANSITIONS[name].label,
                "url": self._url("transition", incident.pk, name),
            }
            for name in allowed_transitions(incident)
        ]
        return {
            "transitions": transitions,
            "note_form": NoteForm(),
            "note_url": self._url("note", incident.pk),
            "log_work_url": f"{reverse('admin:retainer_worklog_add')}?kind=incident"
            f"&incident={incident.pk}",
        }

    def _render_action_form(
        self, request: HttpRequest, incident: Incident, **context: Any
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            ACTION_FORM_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": incident,
                "change_url": self._url("change", incident.pk),
                **context,
            },
        )

    # --- views --------------------------------------------------------------------------------

    @method_decorator(require_http_methods(["GET", "POST"]))
    def transition_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        """Confirm (GET) and run (POST) one workflow transition; refusals change nothing."""
        if name not in TRANSITIONS:
            raise Http404
        incident = self._incident(request, object_id, change=True)
        change_url = self._url("change", incident.pk)
        form_class = CancelForm if name == "cancel" else TransitionForm
        if request.method == "GET" and name not in allowed_transitions(incident):
            self.message_user(request, self._refusal(incident, name), messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = form_class(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                incident_transition(
                    incident=incident, name=name, actor=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # the workflow refused the transition
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
                    return HttpResponseRedirect(change_url)
                add_service_errors(form, exc)
            else:
                self.message_user(
                    request,
                    _("%(key)s is now %(status)s.")
                    % {"key": incident.key, "status": incident.get_status_display().lower()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        title = _("%(action)s %(key)s") % {"action": TRANSITIONS[name].label, "key": incident.key}
        return self._render_action_form(
            request,
            incident,
            title=title,
            intro=TRANSITION_HELP[name],
            form=form,
            submit_label=title,
        )

    @staticmethod
    def _refusal(incident: Incident, name: str) -> str:
        return _("Cannot %(action)s incident %(key)s: it is %(status)s.") % {
            "action": str(TRANSITIONS[name].label).lower(),
            "key": incident.key,
            "status": incident.get_status_display().lower(),
        }

    @method_decorator(require_http_methods(["GET", "POST"]))
    def note_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Add an internal note or a customer-visible communication to the timeline."""
        incident = self._incident(request, object_id, change=True)
        form = NoteForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                incident_add_note(
                    incident=incident,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    visibility=form.cleaned_data["visibility"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(request, _("The note was added."), messages.SUCCESS)
                return HttpResponseRedirect(self._url("change", incident.pk))
        return self._render_action_form(
            request,
            incident,
            title=_("Add a note to %(key)s") % {"key": incident.key},
            form=form,
            submit_label=_("Add note"),
        )

    @method_decorator(require_GET)
    def attachment_view(
        self, request: HttpRequest, object_id: str, attachment_id: int
    ) -> HttpResponse:
        """Stream an attachment as a download, never rendered inline by the browser."""
        incident = self._incident(request, object_id, change=False)
        attachment = get_object_or_404(Attachment, incident=incident, pk=attachment_id)
        return attachment_response(attachment)

    # --- bulk actions -------------------------------------------------------------------------

    @admin.action(
        description=gettext_lazy("Acknowledge selected incidents"), permissions=["change"]
    )
    def acknowledge_selected(self, request: HttpRequest, queryset) -> None:
        self._bulk_transition(request, queryset, "acknowledge")

    @admin.action(description=gettext_lazy("Resolve selected incidents"), permissions=["change"])
    def resolve_selected(self, request: HttpRequest, queryset) -> None:
        self._bulk_transition(request, queryset, "resolve")

    def _bulk_transition(self, request: HttpRequest, queryset, name: str) -> None:
        """Run a transition on each incident; report what worked and each refusal."""
        done: list[str] = []
        for incident in queryset.order_by("number"):
            try:
                incident_transition(incident=incident, name=name, actor=request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"{incident.key}: {' '.join(exc.messages)}", messages.ERROR
                )
            else:
                done.append(incident.key)
        if done:
            message = ngettext(
                "%(action)s: %(count)d incident (%(keys)s).",
                "%(action)s: %(count)d incidents (%(keys)s).",
                len(done),
            ) % {"action": TRANSITIONS[name].label, "count": len(done), "keys": ", ".join(done)}
            self.message_user(request, message, messages.SUCCESS)
