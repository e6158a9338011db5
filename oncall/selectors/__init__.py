"""Reads on on-call: schedules visible to staff, who is on call, shifts of a period, pages."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from core.access import is_staff_member
from oncall.models import Override, Schedule, SwapRequest
from oncall.selectors.lookups import (
    LayerOnCall,
    Shift,
    oncall_at,
    oncall_first_responder,
    shifts_between,
    shifts_of_schedules,
)
from oncall.selectors.pages import pages_received, pages_received_by
from oncall.selectors.plans import forget_plans, plan_for


def schedule_list_for(user: Any) -> QuerySet[Schedule]:
    """Return the schedules ``user`` may see: all for the firm's staff, none for customers."""
    if not is_staff_member(user):
        return Schedule.objects.none()
    return Schedule.objects.all()


def schedule_get_for(user: Any, *, pk: Any) -> Schedule:
    """Return one visible schedule, or raise Http404."""
    try:
        schedule = schedule_list_for(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):  # "abc" in the URL is no schedule, not a server error
        schedule = None
    if schedule is None:
        raise Http404
    return schedule


def override_list_for(user: Any) -> QuerySet[Override]:
    """Return the overrides ``user`` may see (staff only), with layer, schedule and engineer."""
    if not is_staff_member(user):
        return Override.objects.none()
    return Override.objects.select_related("layer__schedule", "user", "created_by")


def swap_request_list_for(user: Any) -> QuerySet[SwapRequest]:
    """Return the swap requests ``user`` may see (staff only)."""
    if not is_staff_member(user):
        return SwapRequest.objects.none()
    return SwapRequest.objects.select_related("layer__schedule", "requester", "covering")


__all__ = [
    "LayerOnCall",
    "Shift",
    "forget_plans",
    "oncall_at",
    "oncall_first_responder",
    "override_list_for",
    "pages_received",
    "pages_received_by",
    "plan_for",
    "schedule_get_for",
    "schedule_list_for",
    "shifts_between",
    "shifts_of_schedules",
    "swap_request_list_for",
]
