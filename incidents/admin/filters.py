"""Changelist filters for incidents that Django's stock filters cannot express."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import clock
from incidents.admin.display import service_label
from incidents.models import SloState
from retainer.models import Service


class SloStateFilter(admin.SimpleListFilter):
    """Filter by response SLO state as of now (running, met, breached, not applicable)."""

    title = _("response SLO")
    parameter_name = "slo"

    def lookups(self, request, model_admin):
        return SloState.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value not in SloState.values:
            return queryset
        return queryset.with_slo_state(value, clock.now())


class ServiceListFilter(admin.RelatedFieldListFilter):
    """The faulty-service filter, each service labelled with its customer (one query)."""

    def field_choices(self, field, request, model_admin):
        services = Service.objects.select_related("customer").order_by("customer__name", "name")
        return [(service.pk, service_label(service)) for service in services]
