"""Reads on post-mortems, scoped by ``core.tenancy`` (customers see only published ones)."""

from typing import Any

from django.db.models import QuerySet

from core.access import is_staff_member
from core.tenancy import scope_to_customer
from postmortems.models import PostMortem

CUSTOMER_STATUSES = (PostMortem.Status.PUBLISHED, PostMortem.Status.ACKNOWLEDGED)


def postmortem_list_for(user: Any) -> QuerySet[PostMortem]:
    """Return the post-mortems ``user`` may see: staff all, a customer its own published ones."""
    queryset = PostMortem.objects.select_related("incident", "owner").prefetch_related(
        "action_items"
    )
    queryset = scope_to_customer(queryset, user, via="incident__customer")
    if not is_staff_member(user):
        queryset = queryset.filter(status__in=CUSTOMER_STATUSES)
    return queryset.order_by("-delivered_at", "-pk")


def postmortem_get_for(user: Any, pk: int) -> PostMortem | None:
    """Return the post-mortem ``pk`` if ``user`` may see it, else None."""
    return postmortem_list_for(user).filter(pk=pk).first()
