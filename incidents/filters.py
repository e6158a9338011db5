"""Filters for incident lists (API and admin-style pages); scoping is the selectors' job."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import clock
from core.filters import UtcIsoDateTimeFilter
from incidents.models import Channel, Incident, Severity, SloState, Status


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """Match a whole-number id (NumberFilter alone would accept decimals)."""

    field_class = forms.IntegerField


class IncidentFilter(django_filters.FilterSet):
    """Narrow an already tenant-scoped incident queryset."""

    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status (repeat for several)")
    )
    severity = django_filters.MultipleChoiceFilter(
        choices=Severity.choices, label=_("Severity (repeat for several)")
    )
    # Plain ids rather than model choices: a model choice would answer "no such customer"
    # differently from "none of yours", which tells a customer which ids exist.
    customer = IdFilter(field_name="customer_id", label=_("Customer id"))
    service = IdFilter(field_name="service_id", label=_("Faulty service id"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    slo_state = django_filters.ChoiceFilter(
        choices=SloState.choices, method="filter_slo_state", label=_("Response SLO state")
    )
    reported_after = UtcIsoDateTimeFilter(
        field_name="reported_at", lookup_expr="gte", label=_("Reported at or after")
    )
    reported_before = UtcIsoDateTimeFilter(
        field_name="reported_at", lookup_expr="lt", label=_("Reported before")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Key or summary contains"))

    class Meta:
        model = Incident
        fields = [
            "status",
            "severity",
            "customer",
            "service",
            "channel",
            "slo_state",
            "reported_after",
            "reported_before",
            "q",
        ]

    def filter_slo_state(
        self, queryset: QuerySet[Incident], name: str, value: str
    ) -> QuerySet[Incident]:
        """Keep incidents whose response SLO is in ``value`` as of now."""
        return queryset.with_slo_state(value, clock.now())  # type: ignore[attr-defined]

    def filter_q(self, queryset: QuerySet[Incident], name: str, value: str) -> QuerySet[Incident]:
        """Keep incidents whose key or summary contains ``value`` (any case)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(key__icontains=value) | Q(summary__icontains=value))
