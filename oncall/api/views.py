"""On-call endpoints: schedules (CRUD) and their shifts, who is on call now, layers,
overrides and swap requests. Reads go through ``oncall.selectors``, writes through
``oncall.services``; the views only translate HTTP to those calls.
"""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.access import is_staff_member, is_support
from oncall.api import serializers as s
from oncall.models import Layer, Override, Rotation, Schedule, SwapRequest
from oncall.selectors import (
    oncall_at,
    override_list_for,
    schedule_get_for,
    schedule_list_for,
    shifts_between,
    swap_request_list_for,
)
from oncall.services import (
    RotationInput,
    layer_create,
    layer_delete,
    layer_update,
    override_create,
    override_delete,
    override_update,
    rotation_change,
    schedule_create,
    schedule_delete,
    schedule_update,
    swap_request_accept,
    swap_request_cancel,
    swap_request_create,
    swap_request_decline,
)
from oncall.services.schedules import SCHEDULE_FIELDS


class OncallAccess(BasePermission):
    """The firm's staff read on-call data; support engineers (and superusers) change it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not is_staff_member(request.user):
            return False
        return request.method in SAFE_METHODS or is_support(request.user)


def _rotations() -> Prefetch:
    return Prefetch(
        "rotations",
        queryset=Rotation.objects.order_by("effective_from").prefetch_related("members__user"),
    )


class ServiceViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, OncallAccess]

    def _input(self, serializer_class: Any, **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": clock.now()}


@extend_schema(tags=["on-call"])
@extend_schema_view(
    list=extend_schema(summary=_("List on-call schedules")),
    retrieve=extend_schema(summary=_("Show an on-call schedule with its layers")),
    create=extend_schema(summary=_("Create an on-call schedule")),
    update=extend_schema(summary=_("Change an on-call schedule")),
    partial_update=extend_schema(summary=_("Change some fields of an on-call schedule")),
    destroy=extend_schema(summary=_("Delete an on-call schedule")),
)
class ScheduleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ServiceViewSet,
):
    queryset = Schedule.objects.none()
    serializer_class = s.ScheduleSerializer
    filterset_fields = ["team", "is_active"]
    search_fields = ["name", "team"]
    ordering_fields = ["name", "team"]

    def get_queryset(self) -> Any:
        layers = Prefetch("layers", queryset=Layer.objects.prefetch_related(_rotations()))
        return schedule_list_for(self.request.user).prefetch_related(layers).order_by("name")

    def perform_create(self, serializer: Any) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k != "is_active"}
        serializer.instance = schedule_create(actor=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        changes = {k: v for k, v in serializer.validated_data.items() if k in SCHEDULE_FIELDS}
        schedule_update(schedule=serializer.instance, actor=self.request.user, **changes)

    def perform_destroy(self, instance: Schedule) -> None:
        schedule_delete(schedule=instance, actor=self.request.user)

    @extend_schema(
        summary=_("List the final shifts of a period"),
        description=_(
            "Every layer's shifts after overrides, in order; with include_gaps the stretches "
            "with nobody on call are listed too (user null)."
        ),
        parameters=[s.PeriodSerializer],
        responses={200: s.ShiftSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def shifts(self, request: Request, pk: str) -> Response:
        schedule = schedule_get_for(request.user, pk=pk)
        query = s.PeriodSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        shifts = shifts_between(schedule=schedule, **query.validated_data)
        return Response(s.ShiftSerializer(shifts, many=True).data)


@extend_schema(
    tags=["on-call"],
    summary=_("Who is on call"),
    description=_(
        "For each layer of the schedule: who is on call at the instant (default: now), since "
        "and until when. A null user means nobody: escalation moves on to its next target."
    ),
    parameters=[
        OpenApiParameter("schedule", int, required=True),
        OpenApiParameter("at", str, description=_("ISO 8601 instant; default now.")),
    ],
    responses={200: s.LayerOnCallSerializer(many=True)},
)
class NowView(APIView):
    permission_classes = [IsAuthenticated, OncallAccess]

    def get(self, request: Request) -> Response:
        query = s.NowQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        schedule = schedule_get_for(request.user, pk=query.validated_data["schedule"])
        at = query.validated_data["at"] or clock.now()
        answers = oncall_at(schedule=schedule, at=at)
        return Response(
            {
                "schedule": schedule.pk,
                "at": at.isoformat(),
                "layers": s.LayerOnCallSerializer(answers, many=True).data,
            }
        )


@extend_schema(tags=["on-call"])
@extend_schema_view(
    list=extend_schema(summary=_("List layers")),
    retrieve=extend_schema(summary=_("Show a layer and its rotation")),
    create=extend_schema(
        summary=_("Add a layer with its rotation"), request=s.LayerWriteSerializer
    ),
    update=extend_schema(
        summary=_("Change a layer; a rotation change takes effect from effective_from"),
        request=s.LayerWriteSerializer,
    ),
    partial_update=extend_schema(exclude=True),
    destroy=extend_schema(summary=_("Delete a layer")),
)
class LayerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ServiceViewSet,
):
    queryset = Layer.objects.none()
    serializer_class = s.LayerSerializer
    filterset_fields = ["schedule"]
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        visible = schedule_list_for(self.request.user)
        return (
            Layer.objects.filter(schedule__in=visible)
            .select_related("schedule")
            .prefetch_related(_rotations())
            .order_by("schedule__name", "position")
        )

    def _rotation(self, data: dict[str, Any]) -> RotationInput:
        fields = RotationInput.__dataclass_fields__
        return RotationInput(**{name: data[name] for name in fields if name in data})

    def create(self, request: Request) -> Response:
        data = self._input(s.LayerWriteSerializer)
        schedule = schedule_get_for(request.user, pk=data["schedule"].pk)
        layer = layer_create(
            schedule=schedule,
            name=data["name"],
            position=data.get("position"),
            rotation=self._rotation(data),
            actor=request.user,
        )
        return self._show(layer, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        layer = self.get_object()
        data = self._input(s.LayerWriteSerializer)
        layer_update(
            layer=layer, name=data["name"], position=data.get("position"), actor=request.user
        )
        rotation_change(
            layer=layer,
            rotation=self._rotation(data),
            effective_from=data.get("effective_from"),
            actor=request.user,
        )
        return self._show(layer)

    def perform_destroy(self, instance: Layer) -> None:
        layer_delete(layer=instance, actor=self.request.user)

    def _show(self, layer: Layer, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=layer.pk)
        return Response(self.get_serializer(fresh).data, status=code)


@extend_schema(tags=["on-call"])
@extend_schema_view(
    list=extend_schema(summary=_("List overrides")),
    retrieve=extend_schema(summary=_("Show an override")),
    create=extend_schema(summary=_("Put someone on a layer for a period")),
    update=extend_schema(summary=_("Change an override")),
    partial_update=extend_schema(summary=_("Change some fields of an override")),
    destroy=extend_schema(summary=_("Remove an override")),
)
class OverrideViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ServiceViewSet,
):
    queryset = Override.objects.none()
    serializer_class = s.OverrideSerializer
    filterset_fields = ["layer", "user", "layer__schedule", "source"]
    ordering_fields = ["start", "end"]
    ordering = ["-start"]

    def get_queryset(self) -> Any:
        return override_list_for(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = override_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        changes = {k: v for k, v in serializer.validated_data.items() if k != "layer"}
        override_update(override=serializer.instance, actor=self.request.user, **changes)

    def perform_destroy(self, instance: Override) -> None:
        override_delete(override=instance, actor=self.request.user)


@extend_schema(tags=["on-call"])
@extend_schema_view(
    list=extend_schema(summary=_("List swap requests")),
    retrieve=extend_schema(summary=_("Show a swap request")),
    create=extend_schema(summary=_("Ask a colleague to cover part of your shift")),
)
class SwapRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ServiceViewSet
):
    queryset = SwapRequest.objects.none()
    serializer_class = s.SwapRequestSerializer
    filterset_fields = ["status", "layer", "requester", "covering"]
    ordering = ["-created_at"]

    def get_queryset(self) -> Any:
        return swap_request_list_for(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.setdefault("requester", self.request.user)
        serializer.instance = swap_request_create(actor=self.request.user, **data)

    def _decide(self, pk: str, service: Any) -> Response:
        swap = get_object_or_404(self.get_queryset(), pk=pk)
        service(swap=swap, actor=self.request.user)
        return Response(self.get_serializer(swap).data)

    @extend_schema(summary=_("Accept: you cover the period"), request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._decide(pk, swap_request_accept)

    @extend_schema(summary=_("Decline the request"), request=None)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return self._decide(pk, swap_request_decline)

    @extend_schema(summary=_("Withdraw your request"), request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._decide(pk, swap_request_cancel)
