"""Swap requests: an engineer asks a colleague to cover part of their shift.

request → accept (an override puts the colleague on the layer) or decline; the requester may
cancel while it is pending.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.people import person_name
from oncall.models import Layer, Override, SwapRequest
from oncall.selectors import shifts_between
from oncall.services.common import check_engineer, record_actor
from oncall.services.notify import notify_later
from oncall.services.overrides import override_create

Status = SwapRequest.Status


def _is_on_call_throughout(layer: Layer, user: Any, start: datetime, end: datetime) -> bool:
    shifts = [
        s
        for s in shifts_between(schedule=layer.schedule, start=start, end=end, include_gaps=True)
        if s.layer.pk == layer.pk
    ]
    return bool(shifts) and all(s.user is not None and s.user.pk == user.pk for s in shifts)


def _may_act_for(actor: Any, user: Any) -> bool:
    return bool(getattr(actor, "pk", None) == user.pk or getattr(actor, "is_superuser", False))


def _check_request(
    layer: Layer,
    requester: Any,
    covering: Any,
    start: datetime,
    end: datetime,
    actor: Any,
    now: datetime,
) -> None:
    if not _may_act_for(actor, requester):
        raise PermissionDenied(_("Only the engineer on call can ask for a swap of their shift."))
    check_engineer(covering, "covering")
    if covering.pk == requester.pk:
        raise ValidationError({"covering": _("Ask someone else to cover.")})
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end <= now:
        raise ValidationError({"end": _("This period is already over.")})
    if not _is_on_call_throughout(layer, requester, start, end):
        name = person_name(requester)
        raise ValidationError(
            {
                "start": _("%(name)s is not on call on this layer for the whole period.")
                % {"name": name}
            }
        )


@transaction.atomic
def swap_request_create(
    *,
    layer: Layer,
    requester: Any,
    covering: Any,
    start: datetime,
    end: datetime,
    actor: Any,
    note: str = "",
    now: datetime | None = None,
) -> SwapRequest:
    """Ask ``covering`` to take ``[start, end)`` of the requester's shift on ``layer``."""
    _check_request(layer, requester, covering, start, end, actor, clock.resolve(now))
    swap = SwapRequest(
        layer=layer, requester=requester, covering=covering, start=start, end=end, note=note
    )
    record_actor(swap, actor)
    swap.save(force_insert=True)
    notify_later(covering, "swap_requested", swap.pk)
    return swap


def _lock_pending(swap: SwapRequest) -> SwapRequest:
    locked = (
        SwapRequest.objects.select_for_update().select_related("layer__schedule").get(pk=swap.pk)
    )
    if locked.status != Status.PENDING:
        raise ValidationError(
            _("This swap request is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _decide(locked: SwapRequest, status: str, actor: Any, now: datetime) -> None:
    locked.status = status
    locked.decided_at = now
    record_actor(locked, actor)
    locked.save(update_fields=["status", "decided_at", "override", "updated_at"])


@transaction.atomic
def swap_request_accept(
    *, swap: SwapRequest, actor: Any, now: datetime | None = None
) -> SwapRequest:
    """Accept a swap: the colleague covers the period through a new override."""
    now = clock.resolve(now)
    locked = _lock_pending(swap)
    if not _may_act_for(actor, locked.covering):
        raise PermissionDenied(_("Only the engineer asked to cover can accept."))
    if locked.end <= now:
        raise ValidationError(_("This period is already over."))
    locked.override = override_create(
        layer=locked.layer,
        user=locked.covering,
        start=max(locked.start, now),  # what already passed stays as it was
        end=locked.end,
        actor=actor,
        reason=_("Swap request #%(id)s") % {"id": locked.pk},
        source=Override.Source.SWAP,
    )
    _decide(locked, Status.ACCEPTED, actor, now)
    notify_later(locked.requester, "swap_accepted", locked.pk)
    swap.refresh_from_db()
    return swap


@transaction.atomic
def swap_request_decline(
    *, swap: SwapRequest, actor: Any, now: datetime | None = None
) -> SwapRequest:
    """Decline a swap; the requester stays on call."""
    locked = _lock_pending(swap)
    if not _may_act_for(actor, locked.covering):
        raise PermissionDenied(_("Only the engineer asked to cover can decline."))
    _decide(locked, Status.DECLINED, actor, clock.resolve(now))
    notify_later(locked.requester, "swap_declined", locked.pk)
    swap.refresh_from_db()
    return swap


@transaction.atomic
def swap_request_cancel(
    *, swap: SwapRequest, actor: Any, now: datetime | None = None
) -> SwapRequest:
    """Withdraw a pending swap request."""
    locked = _lock_pending(swap)
    if not _may_act_for(actor, locked.requester):
        raise PermissionDenied(_("Only the engineer who asked can cancel the request."))
    _decide(locked, Status.CANCELLED, actor, clock.resolve(now))
    swap.refresh_from_db()
    return swap
