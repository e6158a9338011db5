"""The texts of on-call messages, written in the recipient's language."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from core.people import person_name
from oncall.models import Layer, SwapRequest
from oncall.services.notify import in_language_of, profile_for


def _when(user: Any, at: datetime) -> str:
    zone = ZoneInfo(profile_for(user).time_zone or settings.TIME_ZONE)
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _name(user: Any) -> str:
    return person_name(user)


def upcoming_shift(
    user: Any, layer: Layer, start: datetime, end: datetime, hours: int
) -> tuple[str, str]:
    """Return the subject and body of "your shift starts in N hours"."""
    with in_language_of(user):
        values = {
            "hours": hours,
            "layer": layer.name,
            "schedule": layer.schedule.name,
            "start": _when(user, start),
            "end": _when(user, end),
        }
        subject = _("[On-call] Your %(layer)s shift on %(schedule)s starts in %(hours)s h") % values
        body = (
            _(
                "Your on-call shift starts soon.\n\nSchedule: %(schedule)s\nLayer: %(layer)s\n"
                "From: %(start)s\nUntil: %(end)s\n"
            )
            % values
        )
    return subject, body


def handoff(user: Any, layer: Layer, at: datetime, incoming: Any, outgoing: Any) -> tuple[str, str]:
    """Return the subject and body of "handoff now" for the incoming or outgoing engineer."""
    with in_language_of(user):
        values = {
            "layer": layer.name,
            "schedule": layer.schedule.name,
            "at": _when(user, at),
            "incoming": _name(incoming) if incoming else _("nobody"),
            "outgoing": _name(outgoing) if outgoing else _("nobody"),
        }
        subject = _("[On-call] Handoff now: %(layer)s on %(schedule)s") % values
        body = (
            _(
                "On-call handoff at %(at)s.\n\nSchedule: %(schedule)s\nLayer: %(layer)s\n"
                "Handing over: %(outgoing)s\nTaking over: %(incoming)s\n\n"
                "Pass on open incidents and anything to watch.\n"
            )
            % values
        )
    return subject, body


def swap_notice(user: Any, swap: SwapRequest, kind: str) -> tuple[str, str]:
    """Return the subject and body telling ``user`` about a swap request's progress."""
    with in_language_of(user):
        values = {
            "requester": _name(swap.requester),
            "covering": _name(swap.covering),
            "layer": swap.layer.name,
            "schedule": swap.layer.schedule.name,
            "start": _when(user, swap.start),
            "end": _when(user, swap.end),
        }
        subjects = {
            "swap_requested": _("[On-call] %(requester)s asks you to cover %(layer)s"),
            "swap_accepted": _("[On-call] %(covering)s accepted your swap request"),
            "swap_declined": _("[On-call] %(covering)s declined your swap request"),
        }
        body = (
            _(
                "Swap request on %(schedule)s, layer %(layer)s.\n\n"
                "From: %(start)s\nUntil: %(end)s\n"
                "Requested by: %(requester)s\nAsked to cover: %(covering)s\n"
            )
            % values
        )
        return subjects[kind] % values, body
