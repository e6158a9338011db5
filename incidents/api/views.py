"""Incident endpoints: list, report, read, edit, workflow actions and the timeline.

Reads go through ``incidents.selectors`` (the one place that scopes by customer) and writes
through ``incidents.services``; the views only translate HTTP to those calls.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core import clock
from core.access import customer_id_for, is_staff_member, is_support
from incidents.api.serializers import (
    AcknowledgeSerializer,
    CancelSerializer,
    IncidentCreateSerializer,
    IncidentSerializer,
    IncidentUpdateSerializer,
    NoteCreateSerializer,
    TimelineEntrySerializer,
    TransitionSerializer,
)
from incidents.filters import IncidentFilter
from incidents.models import Channel, Incident, TimelineEntry
from incidents.selectors import (
    incident_get_for,
    incident_list_with_relations,
    timeline_for,
)
from incidents.services import (
    incident_add_note,
    incident_create,
    incident_transition,
    incident_update,
)
from retainer.models import Customer


def _is_customer_user(user: Any) -> bool:
    return not is_staff_member(user) and customer_id_for(user) is not None


class IncidentAccess(BasePermission):
    """Staff read all; support writes; customer users read, report and comment on their own.

    Write rights on one incident are checked only after the incident was found among those the
    user may see, so another company's key answers 404, never 403.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (is_staff_member(user) or _is_customer_user(user)):
            return False
        if view.action == "create":
            return is_support(user) or _is_customer_user(user)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            return True
        if view.action == "timeline":
            return is_support(user) or _is_customer_user(user)
        return is_support(user)


REFUSED = OpenApiResponse(description=_("Invalid input or a transition the status refuses."))
FORBIDDEN = OpenApiResponse(description=_("You may see the incident but not change it."))
NOT_FOUND = OpenApiResponse(description=_("No incident with this key that you may see."))
WRITE_ERRORS = {400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}


# Summary and description of each workflow action, as the API docs show them (DESIGN §2).
TRANSITION_DOCS = {
    "acknowledge": (
        _("Acknowledge"),
        _(
            "An expert has started the analysis: stops the response SLO clock and sets the "
            "incident manager (default: you). Allowed from new."
        ),
    ),
    "mitigate": (
        _("Mitigate"),
        _(
            "The customer impact is mitigated (a workaround is in place). "
            "Allowed from acknowledged."
        ),
    ),
    "resolve": (
        _("Resolve"),
        _("Service is restored (recovery confirmed). Allowed from acknowledged or mitigated."),
    ),
    "reopen": (
        _("Reopen"),
        _("The impact is back; work resumes as acknowledged. Allowed from resolved."),
    ),
    "close": (
        _("Close"),
        _("The post-mortem is delivered or not required. Allowed from resolved."),
    ),
    "cancel": (
        _("Cancel"),
        _("A duplicate, false alarm or not covered: needs a reason and a note. Allowed from new."),
    ),
}


def _transition_schema(name: str, request: type[Serializer]) -> Any:
    summary, description = TRANSITION_DOCS[name]
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: IncidentSerializer, **WRITE_ERRORS},
    )


@extend_schema(tags=["incidents"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List incidents"),
        description=_("Incidents you may see, newest first; filter and order with the parameters."),
    ),
    retrieve=extend_schema(
        summary=_("Show one incident"),
        description=_("Look up by key (HOT-12, any case)."),
        responses={200: IncidentSerializer, 404: NOT_FOUND},
    ),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incidents the requesting user may see, looked up by key (``HOT-12``, any case)."""

    queryset = Incident.objects.none()  # the model for the schema; rows come from get_queryset
    serializer_class = IncidentSerializer
    permission_classes = [IsAuthenticated, IncidentAccess]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = IncidentFilter
    ordering_fields = ["number", "reported_at", "severity", "status", "response_due_at"]
    ordering = ["-number"]
    lookup_field = "key"

    def get_queryset(self) -> Any:
        return incident_list_with_relations(self.request.user)

    def get_object(self) -> Incident:
        incident = incident_get_for(self.request.user, key=self.kwargs[self.lookup_field])
        self.check_object_permissions(self.request, incident)
        return incident

    def get_serializer_context(self) -> dict[str, Any]:
        # One "now" per request, so every row's SLO state is judged at the same instant.
        return {**super().get_serializer_context(), "now": clock.now()}

    def _input(self, serializer_class: type[Serializer], **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _show(self, incident: Incident, code: int = status.HTTP_200_OK) -> Response:
        fresh = incident_get_for(self.request.user, key=incident.key)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary=_("Report an incident"),
        description=_(
            "Staff name the customer and the channel; a customer user always reports for its "
            "own company, through the API channel."
        ),
        request=IncidentCreateSerializer,
        responses={201: IncidentSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        """Report an incident; a customer user reports for its own company through the API."""
        data = self._input(IncidentCreateSerializer)
        customer = data.pop("customer", None)
        if not is_staff_member(request.user):
            customer = Customer.objects.get(pk=customer_id_for(request.user))
            data["channel"] = Channel.API
        incident = incident_create(actor=request.user, customer=customer, **data)
        return self._show(incident, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Edit an incident"),
        description=_("Change editable fields and roles (support engineers only)."),
        request=IncidentUpdateSerializer,
        responses={200: IncidentSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, key: str, partial: bool = False) -> Response:
        """Change editable fields and roles (support engineers only)."""
        incident = self.get_object()
        data = self._input(IncidentUpdateSerializer, partial=partial)
        incident_update(incident=incident, actor=request.user, data=data)
        return self._show(incident)

    @extend_schema(
        summary=_("Edit some fields of an incident"),
        description=_("Change only the fields sent (support engineers only)."),
        request=IncidentUpdateSerializer,
        responses={200: IncidentSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: Request, key: str) -> Response:
        """Change some editable fields or roles (support engineers only)."""
        return self.update(request, key, partial=True)

    def _transition(self, name: str, serializer_class: type[Serializer]) -> Response:
        incident = self.get_object()
        data = self._input(serializer_class)
        incident_transition(incident=incident, name=name, actor=self.request.user, **data)
        return self._show(incident)

    @_transition_schema("acknowledge", AcknowledgeSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, key: str) -> Response:
        """Acknowledge the incident and stop its response SLO clock."""
        return self._transition("acknowledge", AcknowledgeSerializer)

    @_transition_schema("mitigate", TransitionSerializer)
    @action(detail=True, methods=["post"])
    def mitigate(self, request: Request, key: str) -> Response:
        """Mark the customer impact as mitigated."""
        return self._transition("mitigate", TransitionSerializer)

    @_transition_schema("resolve", TransitionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, key: str) -> Response:
        """Mark the service as restored."""
        return self._transition("resolve", TransitionSerializer)

    @_transition_schema("reopen", TransitionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, key: str) -> Response:
        """Reopen a resolved incident."""
        return self._transition("reopen", TransitionSerializer)

    @_transition_schema("close", TransitionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, key: str) -> Response:
        """Close a resolved incident."""
        return self._transition("close", TransitionSerializer)

    @_transition_schema("cancel", CancelSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, key: str) -> Response:
        """Cancel a new incident as a duplicate, false alarm or not covered."""
        return self._transition("cancel", CancelSerializer)

    @extend_schema(
        methods=["GET"],
        summary=_("Show the timeline"),
        description=_("Customer users see only the customer-visible entries."),
        responses={200: TimelineEntrySerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Add a note to the timeline"),
        description=_("Staff choose the visibility; notes by customer users are customer-visible."),
        request=NoteCreateSerializer,
        responses={201: TimelineEntrySerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def timeline(self, request: Request, key: str) -> Response:
        """List the timeline entries the user may see, or add a note."""
        incident = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            data = self._input(NoteCreateSerializer)
            if not is_staff_member(request.user):
                # What a customer writes is meant for the firm and the customer alike.
                data["visibility"] = TimelineEntry.Visibility.CUSTOMER
            entry = incident_add_note(incident=incident, actor=request.user, **data)
            return Response(
                TimelineEntrySerializer(entry, context=context).data, status=status.HTTP_201_CREATED
            )
        entries = timeline_for(request.user, incident)
        return Response(TimelineEntrySerializer(entries, many=True, context=context).data)
