"""Incident API shapes: one read representation, and small input shapes for each write.

Input serializers only check types and that every id names something the requesting user may
use; the services own the rules (and write the data). Ids a user may not use read exactly like
ids that do not exist, so they reveal nothing about other customers.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import clock
from core.access import STAFF_GROUPS, customer_id_for, is_staff_member, is_support
from core.people import person_name
from core.timewindow import DateTimeField
from incidents.models import CancelReason, Channel, Incident, Severity, SloState, TimelineEntry
from incidents.services import TRANSITIONS, allowed_transitions
from incidents.services.timeline import NOTE_MAX_LENGTH
from retainer.models import Customer, Product, Service
from retainer.selectors import customer_list, product_list_for_customer, service_list_for_customer

User = get_user_model()


# --- What a user may name in input ------------------------------------------------------------


def _customers_for(user: Any) -> QuerySet[Customer]:
    if is_staff_member(user):
        return customer_list()
    return Customer.objects.filter(pk=customer_id_for(user))


def _services_for(user: Any) -> QuerySet[Service]:
    if is_staff_member(user):
        return Service.objects.all()
    customer_id = customer_id_for(user)
    if customer_id is None:
        return Service.objects.none()
    return service_list_for_customer(customer_id=customer_id)


def _products_for(user: Any) -> QuerySet[Product]:
    if is_staff_member(user):
        return Product.objects.all()
    customer_id = customer_id_for(user)
    if customer_id is None:
        return Product.objects.none()
    return product_list_for_customer(customer_id=customer_id)


def _engineers_for(user: Any) -> QuerySet[Any]:
    """Return who may hold an incident role (the firm's active staff); only staff may look."""
    if not is_staff_member(user):
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=STAFF_GROUPS))
        .distinct()
    )


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key chosen among what ``scope(request.user)`` allows."""

    default_error_messages = {
        "does_not_exist": _("Invalid choice {pk_value}: it does not exist or is not yours to use."),
    }

    def __init__(self, *, scope: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return self.scope(getattr(request, "user", None))


def _customer_field(**kwargs: Any) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(scope=_customers_for, queryset=Customer.objects.none(), **kwargs)


def _service_field(**kwargs: Any) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(
        scope=_services_for,
        queryset=Service.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("Faulty service id; the shared 'unknown' service when unsure."),
        **kwargs,
    )


def _products_field(**kwargs: Any) -> Any:
    return ScopedPrimaryKeyField(
        scope=_products_for,
        queryset=Product.objects.none(),
        many=True,
        required=False,
        help_text=_("Ids of the affected products."),
        **kwargs,
    )


def _engineer_field(help_text: Any) -> ScopedPrimaryKeyField:
    return ScopedPrimaryKeyField(
        scope=_engineers_for,
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text=help_text,
    )


# --- Read -------------------------------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields

    def get_name(self, obj: Any) -> str:
        return person_name(obj)


class CustomerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ServiceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ProductRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name"]
        read_only_fields = fields


def _seconds(value: Any) -> int | None:
    return None if value is None else int(value.total_seconds())


class IncidentSerializer(serializers.ModelSerializer):
    """An incident as the API shows it; times in ISO 8601, derived durations in seconds."""

    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    customer = CustomerRefSerializer(read_only=True)
    contract_code = serializers.CharField(
        source="contract.code", read_only=True, allow_null=True, default=None
    )
    service = ServiceRefSerializer(read_only=True, allow_null=True)
    products = ProductRefSerializer(many=True, read_only=True)
    reporter = UserRefSerializer(read_only=True, allow_null=True)
    incident_manager = UserRefSerializer(read_only=True, allow_null=True)
    tech_lead = UserRefSerializer(read_only=True, allow_null=True)
    communications_lead = UserRefSerializer(read_only=True, allow_null=True)
    ttd_seconds = serializers.SerializerMethodField(help_text=_("Time to detect, in seconds."))
    tta_seconds = serializers.SerializerMethodField(help_text=_("Time to acknowledge, in seconds."))
    ttr_seconds = serializers.SerializerMethodField(help_text=_("Time to resolve, in seconds."))
    slo_state = serializers.SerializerMethodField(help_text=_("Response SLO state right now."))
    slo_breached_at = serializers.SerializerMethodField(
        help_text=_("When the response SLO was breached (its deadline), or null.")
    )
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("Transitions the requesting user may run now.")
    )

    class Meta:
        model = Incident
        fields = [
            "key",
            "number",
            "summary",
            "description",
            "severity",
            "severity_label",
            "status",
            "status_label",
            "customer",
            "contract_code",
            "service",
            "products",
            "channel",
            "channel_label",
            "reporter",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "incident_manager",
            "tech_lead",
            "communications_lead",
            "impact_started_at",
            "detected_at",
            "reported_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "response_due_at",
            "ttd_seconds",
            "tta_seconds",
            "ttr_seconds",
            "slo_state",
            "slo_breached_at",
            "allowed_transitions",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_ttd_seconds(self, obj: Incident) -> int | None:
        return _seconds(obj.time_to_detect)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_tta_seconds(self, obj: Incident) -> int | None:
        return _seconds(obj.time_to_acknowledge)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_ttr_seconds(self, obj: Incident) -> int | None:
        return _seconds(obj.time_to_resolve)

    @extend_schema_field(serializers.ChoiceField(choices=SloState.choices))
    def get_slo_state(self, obj: Incident) -> str:
        return str(obj.slo_state(self.context.get("now") or clock.now()))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_slo_breached_at(self, obj: Incident) -> Any:
        if self.get_slo_state(obj) != SloState.BREACHED:
            return None
        return serializers.DateTimeField().to_representation(obj.response_due_at)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=[*TRANSITIONS]))
    )
    def get_allowed_transitions(self, obj: Incident) -> list[str]:
        request = self.context.get("request")
        if not is_support(getattr(request, "user", None)):
            return []
        return allowed_transitions(obj)


class TimelineEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TimelineEntry
        fields = ["id", "at", "kind", "kind_label", "visibility", "text", "actor"]
        read_only_fields = fields


# --- Write ------------------------------------------------------------------------------------


class IncidentCreateSerializer(serializers.Serializer):
    """Report an incident. Customer users always report for their own company via the API."""

    customer = _customer_field(
        required=False,
        help_text=_("Customer id; required for staff, always the own company for customers."),
    )
    summary = serializers.CharField(max_length=200, help_text=_("What is the emergency?"))
    description = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices)
    service = _service_field()
    products = _products_field()
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.API,
        help_text=_("How the incident came in (staff only; customers always use the API)."),
    )
    reporter_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    impact_started_at = DateTimeField(required=False, allow_null=True)
    detected_at = DateTimeField(required=False, allow_null=True)


class IncidentUpdateSerializer(serializers.Serializer):
    """Change editable fields and roles; PATCH sends only what changes."""

    summary = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices)
    service = _service_field()
    products = _products_field()
    impact_started_at = DateTimeField(required=False, allow_null=True)
    detected_at = DateTimeField(required=False, allow_null=True)
    reporter_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    incident_manager = _engineer_field(_("User id of the incident manager."))
    tech_lead = _engineer_field(_("User id of the tech lead."))
    communications_lead = _engineer_field(_("User id of the communications lead."))


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Optional note for the timeline.")
    )


class AcknowledgeSerializer(TransitionSerializer):
    incident_manager = _engineer_field(_("User id of the incident manager (default: you)."))


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancelReason.choices)
    note = serializers.CharField(help_text=_("Why the incident is cancelled."))


class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=NOTE_MAX_LENGTH)
    visibility = serializers.ChoiceField(
        choices=TimelineEntry.Visibility.choices,
        default=TimelineEntry.Visibility.INTERNAL,
        help_text=_("Staff choose; notes by customer users are always customer-visible."),
    )
