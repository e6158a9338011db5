"""A layer's final timeline: rotation shifts, gaps ("nobody") and overrides, as one answer.

``layer_segments`` lists a period; ``layer_at`` answers for one instant. Both read the same
rotation and override rules, so the segment the lookup reports at any instant is the segment
the list holds there (clipped to the period) — the property tests check exactly that.
"""

from datetime import datetime, timedelta

from oncall.rotation.overrides import bounds_at, overlay, paint
from oncall.rotation.shifts import longest_step, rotation_shifts, shift_at
from oncall.rotation.types import Layer, OnCall, Segment

# How far a lookup searches for the edges of a gap (and how far "until" may lie).
DEFAULT_HORIZON = timedelta(days=31)
RESTRICTION_SLACK = timedelta(days=8)


def horizon_for(layer: Layer) -> timedelta:
    """Return how far a lookup on ``layer`` looks back and ahead."""
    return max(DEFAULT_HORIZON, longest_step(layer) + RESTRICTION_SLACK)


def _fill_gaps(stretches: list[Segment], a: datetime, b: datetime) -> list[Segment]:
    result: list[Segment] = []
    append, cursor = result.append, a
    for stretch in stretches:
        if stretch.start > cursor:
            append(Segment(cursor, stretch.start, None))
        append(stretch)
        cursor = stretch.end
    if cursor < b:
        append(Segment(cursor, b, None))
    return result


def layer_segments(layer: Layer, a: datetime, b: datetime, *, gaps: bool = True) -> list[Segment]:
    """Return the final segments tiling ``[a, b)``: who is on duty, or nobody, and why.

    With ``gaps=False`` the "nobody" stretches are left out (the rest is the same list).
    """
    if a >= b:
        return []
    stretches = rotation_shifts(layer, a, b)
    base = _fill_gaps(stretches, a, b) if gaps else stretches
    return overlay(base, paint(layer.overrides, a, b))


def _gap_bounds(layer: Layer, at: datetime, horizon: timedelta) -> tuple[datetime, datetime]:
    """Return the edges of the rotation gap holding ``at``, searched up to ``horizon`` away."""
    chunk = longest_step(layer) + RESTRICTION_SLACK
    start, end = at - horizon, at + horizon
    lo = at
    while lo > start:
        previous = rotation_shifts(layer, max(lo - chunk, start), at)
        if previous:
            start = previous[-1].end
            break
        lo -= chunk
    hi = at
    while hi < end:
        following = rotation_shifts(layer, at, min(hi + chunk, end))
        if following:
            end = following[0].start
            break
        hi += chunk
    return start, end


def layer_at(layer: Layer, at: datetime, horizon: timedelta | None = None) -> OnCall:
    """Return who is on duty on ``layer`` at ``at`` (or nobody), since and until when."""
    horizon = horizon or horizon_for(layer)
    shift = shift_at(layer, at)
    if shift is None:
        start, end = _gap_bounds(layer, at, horizon)
        user_id = None
    else:
        start, end, user_id = shift
    covering, start, end = bounds_at(layer.overrides, at, start, end)
    if covering is not None:
        user_id = covering.user_id
    return OnCall(
        user_id=user_id,
        start=start if start > at - horizon else None,
        end=end if end < at + horizon else None,
        override_id=covering.id if covering is not None else None,
    )
