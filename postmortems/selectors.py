"""Reads on post-mortems, scoped by ``core.tenancy`` (customers see only published ones)."""

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core import clock
from core.access import is_staff_member
from core.tenancy import scope_to_customer
from postmortems.models import ActionItem, PostMortem

CUSTOMER_STATUSES = (PostMortem.Status.PUBLISHED, PostMortem.Status.ACKNOWLEDGED)
# Never overdue: nothing is owed any more once a post-mortem is cancelled as not needed.
UNDELIVERABLE_STATUSES = ("cancelled",)


def postmortem_list_for(user: Any) -> QuerySet[PostMortem]:
    """Return the post-mortems ``user`` may see: staff all, a customer its own published ones."""
    queryset = PostMortem.objects.select_related("incident", "owner").prefetch_related(
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")), "reviewers"
    )
    queryset = scope_to_customer(queryset, user, via="incident__customer")
    if not is_staff_member(user):
        queryset = queryset.filter(status__in=CUSTOMER_STATUSES)
    return queryset.order_by("-delivered_at", "-pk")


def postmortem_get_for(user: Any, pk: int) -> PostMortem | None:
    """Return the post-mortem ``pk`` if ``user`` may see it, else None."""
    return postmortem_list_for(user).filter(pk=pk).first()


def postmortem_overdue_list(*, now: datetime | None = None) -> QuerySet[PostMortem]:
    """Return the post-mortems not yet delivered whose due time has passed (oldest due first)."""
    now = clock.resolve(now)
    return (
        PostMortem.objects.select_related("incident", "incident__customer", "owner")
        .filter(delivered_at__isnull=True, due_at__lt=now)
        .exclude(status__in=UNDELIVERABLE_STATUSES)
        .order_by("due_at", "pk")
    )


def action_item_overdue_list(*, today: date | None = None) -> QuerySet[ActionItem]:
    """Return the open action items whose due date is before ``today`` (Seoul date by default)."""
    if today is None:
        today = timezone.localdate(clock.now())
    return (
        ActionItem.objects.select_related("post_mortem", "post_mortem__incident", "owner")
        .filter(status=ActionItem.Status.OPEN, due_date__lt=today)
        .exclude(post_mortem__status=PostMortem.Status.CANCELLED)  # not needed: nothing to chase
        .order_by("due_date", "priority", "pk")
    )


def action_item_list_for(user: Any) -> QuerySet[ActionItem]:
    """Return the action items ``user`` may see: those of the post-mortems it may see."""
    visible = postmortem_list_for(user).order_by().values("pk")
    return ActionItem.objects.select_related("owner", "post_mortem").filter(post_mortem__in=visible)


def parse_id(value: str) -> int | None:
    """Return the primary key a URL part spells, or None ("²" is a digit, not an int)."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None
