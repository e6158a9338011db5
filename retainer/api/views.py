"""Contract, ledger, balance, engagement, work-log and monthly-report endpoints under /api/v1/.

Reads go through ``retainer.selectors`` (tenant scoping lives there), writes through
``retainer.services``; a customer sees only its own company's contracts and work.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import customer_id_for, is_account_manager, is_staff_member, is_support
from retainer.api.report import report_json
from retainer.api.serializers import (
    AdjustmentSerializer,
    BalanceSerializer,
    ContractSerializer,
    CustomerEngagementSerializer,
    CustomerWorkLogSerializer,
    EngagementSerializer,
    LedgerEntrySerializer,
    ReversalSerializer,
    WorkLogSerializer,
)
from retainer.models import Contract, DiagnosticEngagement, LedgerEntry, WorkLog
from retainer.reports.detail import monthly_report
from retainer.reports.monthly import parse_month
from retainer.selectors import (
    contract_balance,
    contract_get_for,
    contract_list_for,
    engagement_list_for,
    ledger_for,
    work_log_list_for,
)
from retainer.services import (
    contract_create,
    contract_update,
    ledger_post_adjustment,
    ledger_reverse_entry,
    worklog_create,
    worklog_delete,
    worklog_update,
)
from retainer.services.diagnostics import engagement_create, engagement_update


def _may_read(user: Any) -> bool:
    return is_staff_member(user) or customer_id_for(user) is not None


class ContractAccess(BasePermission):
    """Staff and the customer's own users read; account managers write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return _may_read(request.user)
        return is_account_manager(request.user)


class StaffWrites(BasePermission):
    """Staff and the customer's own users read; the firm's staff plan and change."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return _may_read(request.user)
        return is_staff_member(request.user)


class WorkLogAccess(BasePermission):
    """Staff and the customer's own users read; support engineers log and correct work."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return _may_read(request.user)
        return is_support(request.user)


@extend_schema(tags=["contracts"])
class ContractViewSet(viewsets.ModelViewSet):
    """Retainer contracts; ``ledger`` and ``balance`` explain the M/M."""

    queryset = Contract.objects.none()
    serializer_class = ContractSerializer
    permission_classes = [IsAuthenticated, ContractAccess]
    filterset_fields = ["customer", "status"]
    ordering_fields = ["starts_on", "code"]
    ordering = ["-starts_on"]
    search_fields = ["code", "customer__name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return contract_list_for(self.request.user)

    def get_object(self) -> Contract:
        return contract_get_for(self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer: ContractSerializer) -> None:
        serializer.instance = contract_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: ContractSerializer) -> None:
        serializer.instance = contract_update(
            contract=serializer.instance, actor=self.request.user, data=serializer.validated_data
        )

    @extend_schema(responses=LedgerEntrySerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def ledger(self, request: Request, pk: str) -> Response:
        """List the contract's ledger entries in posting order."""
        entries = ledger_for(self.get_object())
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)

    @extend_schema(request=AdjustmentSerializer, responses={201: LedgerEntrySerializer})
    @ledger.mapping.post
    def post_adjustment(self, request: Request, pk: str) -> Response:
        """Post a manual adjustment with a customer-visible reason (account managers)."""
        contract = self.get_object()
        _may_correct(request)
        data = AdjustmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = ledger_post_adjustment(contract=contract, actor=request.user, **data.validated_data)
        return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReversalSerializer, responses={201: LedgerEntrySerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="ledger/reverse",
        url_name="ledger-reverse",
        filter_backends=[],
    )
    def reverse_entry(self, request: Request, pk: str) -> Response:
        """Reverse one entry of this contract: a new opposite entry with the reason (once)."""
        contract = self.get_object()
        _may_correct(request)
        data = ReversalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = LedgerEntry.objects.filter(contract=contract, pk=data.validated_data["entry"])
        if not entry.exists():
            raise ValidationError({"entry": _("This contract has no such ledger entry.")})
        reversal = ledger_reverse_entry(
            entry=entry.get(), memo=data.validated_data["memo"], actor=request.user
        )
        return Response(LedgerEntrySerializer(reversal).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=BalanceSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def balance(self, request: Request, pk: str) -> Response:
        """Return the balance, use, remaining M/M and utilisation summed from the ledger."""
        contract = self.get_object()
        found = contract_balance(contract_id=contract.pk)
        fields = BalanceSerializer().fields
        data = {name: getattr(found, name) for name in fields if name != "contract"}
        return Response(BalanceSerializer({"contract": contract.pk, **data}).data)


@extend_schema(tags=["diagnostics"])
class EngagementViewSet(viewsets.ModelViewSet):
    """Regular diagnostic engagements; the milestone plan follows the on-site dates."""

    queryset = DiagnosticEngagement.objects.none()
    serializer_class = EngagementSerializer
    permission_classes = [IsAuthenticated, StaffWrites]
    filterset_fields = ["contract", "status"]
    ordering_fields = ["onsite_starts_on", "id"]
    ordering = ["-onsite_starts_on", "-id"]
    search_fields = ["title", "contract__code", "contract__customer__name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return engagement_list_for(self.request.user)

    def get_serializer_class(self) -> Any:
        if is_staff_member(self.request.user):
            return EngagementSerializer
        return CustomerEngagementSerializer

    def perform_create(self, serializer: EngagementSerializer) -> None:
        created = engagement_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def perform_update(self, serializer: EngagementSerializer) -> None:
        engagement_update(
            engagement=serializer.instance, actor=self.request.user, data=serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


@extend_schema(tags=["work logs"])
class WorkLogViewSet(viewsets.ModelViewSet):
    """Effort logged by engineers; deductions follow each change through the ledger."""

    queryset = WorkLog.objects.none()
    serializer_class = WorkLogSerializer
    permission_classes = [IsAuthenticated, WorkLogAccess]
    filterset_fields = ["kind", "contract", "incident", "engagement", "billable"]
    ordering_fields = ["performed_on", "id"]
    ordering = ["-performed_on", "-id"]

    def get_queryset(self) -> Any:
        return work_log_list_for(self.request.user)

    def get_serializer_class(self) -> Any:
        if is_staff_member(self.request.user):
            return WorkLogSerializer
        return CustomerWorkLogSerializer

    def perform_create(self, serializer: WorkLogSerializer) -> None:
        serializer.instance = worklog_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: WorkLogSerializer) -> None:
        serializer.instance = worklog_update(
            work_log=serializer.instance, actor=self.request.user, data=serializer.validated_data
        )

    def perform_destroy(self, instance: WorkLog) -> None:
        worklog_delete(work_log=instance, actor=self.request.user)


class MonthlyReportView(APIView):
    """The monthly M/M report of one contract as JSON."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["reports"],
        parameters=[
            OpenApiParameter("contract", OpenApiTypes.INT, required=True),
            OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        """Return the report of ``contract`` for ``month`` (YYYY-MM)."""
        if not _may_read(request.user):
            return Response(status=status.HTTP_403_FORBIDDEN)
        contract = contract_get_for(request.user, pk=request.query_params.get("contract"))
        raw = request.query_params.get("month", "")
        month = parse_month(raw, default=contract.starts_on)
        if f"{month:%Y-%m}" != raw:
            raise ValidationError({"month": _("Give the month as YYYY-MM.")})
        return Response(report_json(monthly_report(contract=contract, month=month)))


def _may_correct(request: Request) -> None:
    """Refuse a ledger correction without the add-entry permission (as the admin does)."""
    if not request.user.has_perm("retainer.add_ledgerentry"):
        raise PermissionDenied
