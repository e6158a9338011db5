"""Contract, ledger, work-log and report API shapes. M/M amounts travel as decimal strings.

Input serializers only check types and that ids name something the user may use; the services
own the rules and write the data.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from rest_framework import serializers

from core.access import STAFF_GROUPS
from core.people import person_name
from retainer.models import (
    Contract,
    Customer,
    DiagnosticEngagement,
    LedgerEntry,
    Milestone,
    WorkLog,
)
from retainer.services.contracts import EDITABLE
from retainer.services.diagnostics import ENGAGEMENT_FIELDS

User = get_user_model()
MM = {"max_digits": 9, "decimal_places": 4}  # one amount: what a ledger entry holds
# A sum of entries (a balance, a utilisation) has no bound: read-only figures take any size.
MM_SUM = {"max_digits": None, "decimal_places": 4, "read_only": True}


def _staff_users() -> Any:
    wanted = Q(is_superuser=True) | Q(groups__name__in=STAFF_GROUPS)
    return User.objects.filter(wanted, is_active=True).distinct()


class ContractSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    account_manager = serializers.PrimaryKeyRelatedField(
        queryset=_staff_users(), required=False, allow_null=True
    )
    previous_contract = serializers.PrimaryKeyRelatedField(
        queryset=Contract.objects.all(), required=False, allow_null=True
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Contract
        fields = ("id", *EDITABLE, "customer_name", "closed_out_at", "created_at", "updated_at")
        read_only_fields = ("closed_out_at", "created_at", "updated_at")
        # The services validate the model (uniqueness included) and return 400 themselves.
        validators: list[Any] = []
        extra_kwargs = {"code": {"validators": []}}


class LedgerEntrySerializer(serializers.ModelSerializer):
    incident_key = serializers.CharField(source="incident.key", read_only=True, default=None)
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = LedgerEntry
        fields = (
            "id",
            "kind",
            "amount",
            "hours",
            "effective_on",
            "source_key",
            "incident_key",
            "work_log",
            "engagement",
            "related_contract",
            "reverses",
            "memo",
            "author",
            "created_at",
        )
        read_only_fields = fields


class AdjustmentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MM)
    memo = serializers.CharField()
    effective_on = serializers.DateField(required=False)
    idempotency_key = serializers.CharField(required=False, max_length=60, default="")


class ReversalSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, help_text="The id of the entry to reverse.")
    memo = serializers.CharField(help_text="Why; the customer sees this note.")


class BalanceSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    allotment = serializers.DecimalField(**MM_SUM)
    carry_in = serializers.DecimalField(**MM_SUM)
    granted = serializers.DecimalField(**MM_SUM)
    used = serializers.DecimalField(**MM_SUM)
    expired = serializers.DecimalField(**MM_SUM)
    carried_out = serializers.DecimalField(**MM_SUM)
    remaining = serializers.DecimalField(**MM_SUM)
    overage = serializers.DecimalField(**MM_SUM)
    utilisation = serializers.DecimalField(
        max_digits=None, decimal_places=1, allow_null=True, read_only=True
    )


class WorkLogSerializer(serializers.ModelSerializer):
    engineer = serializers.PrimaryKeyRelatedField(queryset=_staff_users(), required=False)
    incident_key = serializers.CharField(source="incident.key", read_only=True, default=None)
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    performed_on = serializers.DateField(required=False)

    class Meta:
        model = WorkLog
        fields = (
            "id",
            "engineer",
            "kind",
            "incident",
            "incident_key",
            "engagement",
            "contract",
            "started_at",
            "ended_at",
            "performed_on",
            "hours",
            "description",
            "billable",
            "billable_note",
            "created_at",
        )
        read_only_fields = ("created_at",)
        extra_kwargs = {
            "contract": {"queryset": Contract.objects.all()},
            "engagement": {"queryset": DiagnosticEngagement.objects.all()},
        }
        validators: list[Any] = []


class CustomerWorkLogSerializer(serializers.ModelSerializer):
    """What a customer sees of a work log: no internal description, the billing note."""

    incident_key = serializers.CharField(source="incident.key", read_only=True, default=None)
    engineer = serializers.SerializerMethodField()

    class Meta:
        model = WorkLog
        fields = (
            "id",
            "kind",
            "incident_key",
            "engagement",
            "contract",
            "performed_on",
            "hours",
            "billable",
            "billable_note",
            "engineer",
        )
        read_only_fields = fields

    def get_engineer(self, work_log: WorkLog) -> str:
        user = work_log.engineer
        return person_name(user)


class MilestoneSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Milestone
        fields = ("kind", "label", "due_on", "done_on", "reminded_at")
        read_only_fields = fields


class EngagementSerializer(serializers.ModelSerializer):
    """A diagnostic engagement for staff: the milestones are computed, never written."""

    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all())
    lead = serializers.PrimaryKeyRelatedField(
        queryset=_staff_users(), required=False, allow_null=True
    )
    contract_code = serializers.CharField(source="contract.code", read_only=True)
    customer_name = serializers.CharField(source="contract.customer.name", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    logged_hours = serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True)

    class Meta:
        model = DiagnosticEngagement
        fields = (
            "id",
            *ENGAGEMENT_FIELDS,
            "contract_code",
            "customer_name",
            "milestones",
            "logged_hours",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")
        validators: list[Any] = []  # the services validate (and answer 400)


class CustomerEngagementSerializer(EngagementSerializer):
    """What a customer sees: its engagement, the plan, the lead's name (not the user id)."""

    lead = serializers.SerializerMethodField()

    class Meta(EngagementSerializer.Meta):
        read_only_fields = EngagementSerializer.Meta.fields

    def get_lead(self, engagement: DiagnosticEngagement) -> str | None:
        user = engagement.lead
        if user is None:
            return None
        return person_name(user)
