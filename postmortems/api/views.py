"""Post-mortem endpoints: list, read, edit, workflow actions, action items and exports.

Reads go through ``postmortems.selectors`` (customers see their company's published reports
only; anything else is a 404) and writes through the services; a refused transition is a 400
with the reason, and nothing changes. Support engineers write; customers may only acknowledge.
"""

import json
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core.access import customer_id_for, is_staff_member, is_support
from postmortems.action_items import action_item_create, action_item_update
from postmortems.api.serializers import (
    ActionItemSerializer,
    EmptySerializer,
    PostMortemCancelSerializer,
    PostMortemSerializer,
    PostMortemUpdateSerializer,
    SubmitSerializer,
)
from postmortems.exports import EXPORTS
from postmortems.filters import ActionItemFilter, PostMortemFilter
from postmortems.models import ActionItem, PostMortem
from postmortems.selectors import (
    action_item_list_for,
    parse_id,
    postmortem_get_for,
    postmortem_list_for,
)
from postmortems.services import postmortem_submit, postmortem_transition, postmortem_update


def _is_customer_user(user: Any) -> bool:
    return not is_staff_member(user) and customer_id_for(user) is not None


class PostMortemAccess(BasePermission):
    """Staff and customer users read (scoped); support engineers write; customers acknowledge.

    Object rights are checked only after the row was found among those the user may see, so
    another company's id answers 404, never 403.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff_member(request.user) or _is_customer_user(request.user)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) == "acknowledge":
            return _is_customer_user(request.user)
        return is_support(request.user)


REFUSED = OpenApiResponse(description=_("Invalid input or a transition the status refuses."))
FORBIDDEN = OpenApiResponse(description=_("You may see the post-mortem but not change it."))
NOT_FOUND = OpenApiResponse(description=_("No post-mortem with this id that you may see."))
WRITE_ERRORS = {400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}

TRANSITION_DOCS = {
    "submit": _("Send a draft for review; needs at least one staff reviewer (set them here)."),
    "approve": _("Approve a post-mortem in review."),
    "publish": _("Publish an approved post-mortem to the customer; stops its SLO clock."),
    "acknowledge": _("The customer acknowledges a published post-mortem (customer users only)."),
    "cancel": _("Cancel a post-mortem that is not needed; a reason is required."),
}


def _transition_schema(name: str, request: type[Serializer]) -> Any:
    return extend_schema(
        summary=name.capitalize(),
        description=TRANSITION_DOCS[name],
        request=request,
        responses={200: PostMortemSerializer, **WRITE_ERRORS},
    )


class _ExportRenderer(renderers.BaseRenderer):
    """Pass the rendered export through; error bodies (dicts) are written as JSON."""

    charset = None

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data).encode()


class MarkdownRenderer(_ExportRenderer):
    media_type, format, charset = "text/markdown", "md", "utf-8"


class HTMLExportRenderer(_ExportRenderer):
    media_type, format, charset = "text/html", "html", "utf-8"


class PDFRenderer(_ExportRenderer):
    media_type, format = "application/pdf", "pdf"


@extend_schema(tags=["post-mortems"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List post-mortems"),
        description=_("Staff see all; a customer user sees its company's published ones."),
    ),
    retrieve=extend_schema(
        summary=_("Show one post-mortem"), responses={200: PostMortemSerializer, 404: NOT_FOUND}
    ),
)
class PostMortemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Post-mortems the requesting user may see."""

    queryset = PostMortem.objects.none()  # the model for the schema; rows come from selectors
    serializer_class = PostMortemSerializer
    permission_classes = [IsAuthenticated, PostMortemAccess]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = PostMortemFilter
    ordering_fields = ["due_at", "delivered_at", "status"]
    ordering = ["-due_at"]

    def get_queryset(self) -> Any:
        return postmortem_list_for(self.request.user)

    def get_object(self) -> PostMortem:
        pk = str(self.kwargs.get("pk", ""))
        postmortem = (
            postmortem_get_for(self.request.user, pk_id) if (pk_id := parse_id(pk)) else None
        )
        if postmortem is None:
            raise Http404
        self.check_object_permissions(self.request, postmortem)
        return postmortem

    def _input(self, serializer_class: type[Serializer], **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _show(self, postmortem: PostMortem, code: int = status.HTTP_200_OK) -> Response:
        fresh = postmortem_get_for(self.request.user, postmortem.pk)
        if fresh is None:  # e.g. the report is no longer visible to this user
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary=_("Edit a post-mortem"),
        description=_(
            "Change the template, owner, reviewers (support engineers; until published)."
        ),
        request=PostMortemUpdateSerializer,
        responses={200: PostMortemSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        """Change template fields of a post-mortem not yet published."""
        postmortem = self.get_object()
        serializer = PostMortemUpdateSerializer(
            data=request.data,
            partial=partial,
            context={**self.get_serializer_context(), "postmortem": postmortem},
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        postmortem_update(postmortem=postmortem, actor=request.user, data=data)
        return self._show(postmortem)

    @extend_schema(
        summary=_("Edit some fields of a post-mortem"),
        request=PostMortemUpdateSerializer,
        responses={200: PostMortemSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change only the fields sent."""
        return self.update(request, pk, partial=True)

    def _transition(self, name: str, serializer_class: type[Serializer]) -> Response:
        postmortem = self.get_object()
        data = self._input(serializer_class)
        if name == "submit":
            postmortem_submit(postmortem=postmortem, actor=self.request.user, **data)
        else:
            postmortem_transition(postmortem=postmortem, name=name, actor=self.request.user, **data)
        return self._show(postmortem)

    @_transition_schema("submit", SubmitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Send the post-mortem for review."""
        return self._transition("submit", SubmitSerializer)

    @_transition_schema("approve", EmptySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve the post-mortem."""
        return self._transition("approve", EmptySerializer)

    @_transition_schema("publish", EmptySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish the post-mortem to the customer."""
        return self._transition("publish", EmptySerializer)

    @_transition_schema("acknowledge", EmptySerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Acknowledge the published post-mortem (customer users)."""
        return self._transition("acknowledge", EmptySerializer)

    @_transition_schema("cancel", PostMortemCancelSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel a post-mortem that is not needed."""
        return self._transition("cancel", PostMortemCancelSerializer)

    @extend_schema(
        methods=["GET"],
        summary=_("List the action items"),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=ActionItem.Status.values),
            OpenApiParameter("type", OpenApiTypes.STR, enum=ActionItem.Type.values),
            OpenApiParameter("owner", OpenApiTypes.INT),
        ],
        responses={200: ActionItemSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Add an action item"),
        request=ActionItemSerializer,
        responses={201: ActionItemSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="action-items",
        url_name="action-items",
        pagination_class=None,
        filter_backends=[],
    )
    def action_items(self, request: Request, pk: str) -> Response:
        """List the post-mortem's action items, or add one (support engineers)."""
        postmortem = self.get_object()
        if request.method == "POST":
            data = self._input(ActionItemSerializer)
            item = action_item_create(postmortem=postmortem, actor=request.user, data=data)
            context = self.get_serializer_context()
            return Response(
                ActionItemSerializer(item, context=context).data, status=status.HTTP_201_CREATED
            )
        items = self.filter_queryset_items(postmortem)
        return Response(
            ActionItemSerializer(items, many=True, context=self.get_serializer_context()).data
        )

    def filter_queryset_items(self, postmortem: PostMortem) -> Any:
        queryset = ActionItem.objects.filter(post_mortem=postmortem).select_related("owner")
        filterset = ActionItemFilter(self.request.query_params, queryset=queryset)
        return filterset.qs if filterset.is_valid() else queryset.none()

    @extend_schema(
        summary=_("Download the post-mortem"),
        description=_("Markdown, self-contained HTML or PDF (Korean font): ?format=md|html|pdf."),
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["md", "html", "pdf"], required=False)
        ],
        responses={
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "text/html"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[MarkdownRenderer, HTMLExportRenderer, PDFRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def export(self, request: Request, pk: str) -> Response:
        """Download the post-mortem in the format asked for (default Markdown)."""
        postmortem = self.get_object()
        fmt = request.accepted_renderer.format
        render, _content_type = EXPORTS[fmt]
        response = Response(render(postmortem))
        filename = f"{postmortem.incident.key}-postmortem.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@extend_schema(tags=["post-mortems"])
@extend_schema_view(
    retrieve=extend_schema(summary=_("Show one action item")),
)
class ActionItemViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One action item, to read or change (support engineers change)."""

    queryset = ActionItem.objects.none()
    serializer_class = ActionItemSerializer
    permission_classes = [IsAuthenticated, PostMortemAccess]

    def get_queryset(self) -> Any:
        return action_item_list_for(self.request.user)

    @extend_schema(
        summary=_("Edit an action item"),
        request=ActionItemSerializer,
        responses={200: ActionItemSerializer, **WRITE_ERRORS},
    )
    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        """Change an action item (e.g. mark it done)."""
        item = self.get_object()
        serializer = ActionItemSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        action_item_update(item=item, actor=request.user, data=dict(serializer.validated_data))
        return Response(ActionItemSerializer(item, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=_("Edit some fields of an action item"),
        request=ActionItemSerializer,
        responses={200: ActionItemSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change only the fields sent."""
        return self.update(request, pk, partial=True)
