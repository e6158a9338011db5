"""Filters for post-mortem and action item lists; scoping is the selectors' job."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core import clock
from core.filters import IdFilter
from postmortems.models import ActionItem, PostMortem


class PostMortemFilter(django_filters.FilterSet):
    """Narrow an already tenant-scoped post-mortem queryset."""

    status = django_filters.MultipleChoiceFilter(
        choices=PostMortem.Status.choices, label=_("Status (repeat for several)")
    )
    owner = IdFilter(field_name="owner_id", label=_("Owner id"))
    incident = django_filters.CharFilter(
        field_name="incident__key", lookup_expr="iexact", label=_("Incident key")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Past due, undelivered")
    )

    class Meta:
        model = PostMortem
        fields = ["status", "owner", "incident", "overdue"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = {"delivered_at__isnull": True, "due_at__lt": clock.now()}
        open_ = queryset.exclude(status=PostMortem.Status.CANCELLED)
        return open_.filter(**late) if value else queryset.exclude(**late)


class ActionItemFilter(django_filters.FilterSet):
    """Narrow a post-mortem's action items."""

    status = django_filters.ChoiceFilter(choices=ActionItem.Status.choices, label=_("Status"))
    type = django_filters.ChoiceFilter(choices=ActionItem.Type.choices, label=_("Type"))
    owner = IdFilter(field_name="owner_id", label=_("Owner id"))

    class Meta:
        model = ActionItem
        fields = ["status", "type", "owner"]
