"""Overrides painted over a layer's rotation: the most recent override (highest id) wins."""

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter

from oncall.rotation.types import Override, Segment

_start = attrgetter("start")


def paint(overrides: Iterable[Override], a: datetime, b: datetime) -> list[Segment]:
    """Return the visible parts of the overrides inside ``[a, b)``, ordered and disjoint."""
    clipped = [o for o in overrides if o.end > a and o.start < b]
    clipped.sort(key=_start)
    if all(x.end <= y.start for x, y in itertools.pairwise(clipped)):
        # The usual case: no two overrides overlap, so none hides another.
        return [Segment(max(o.start, a), min(o.end, b), o.user_id, o.id) for o in clipped]
    pieces: list[Segment] = []
    starts: list[datetime] = []
    for override in sorted(clipped, key=lambda o: o.id):
        start, end = max(override.start, a), min(override.end, b)
        # Pieces are disjoint and ordered, so the ones it covers form one slice.
        first = max(bisect_right(starts, start) - 1, 0)
        last = bisect_left(starts, end)
        kept = _uncovered(pieces[first:last], start, end)
        kept.append(Segment(start, end, override.user_id, override.id))
        kept.sort(key=_start)
        pieces[first:last] = kept
        starts[first:last] = [p.start for p in kept]
    return pieces


def _uncovered(pieces: list[Segment], start: datetime, end: datetime) -> list[Segment]:
    """Return what of ``pieces`` lies outside ``[start, end)``."""
    kept = [p for p in pieces if p.end <= start or p.start >= end]
    kept += [
        Segment(p.start, start, p.user_id, p.override_id) for p in pieces if p.start < start < p.end
    ]
    kept += [Segment(end, p.end, p.user_id, p.override_id) for p in pieces if p.start < end < p.end]
    return kept


def overlay(base: list[Segment], pieces: list[Segment]) -> list[Segment]:
    """Lay ordered, disjoint override pieces over a base that tiles the period."""
    if not pieces:
        return base
    result: list[Segment] = []
    first, count = 0, len(pieces)
    for segment in base:
        start, end = segment.start, segment.end
        while first < count and pieces[first].end <= start:
            first += 1
        if first == count or pieces[first].start >= end:
            result.append(segment)  # untouched: most segments of a period
            continue
        result.extend(_carve(segment, pieces, first))
    result.extend(pieces)
    result.sort(key=_start)  # two sorted runs: a linear merge
    return result


def _carve(segment: Segment, pieces: list[Segment], first: int) -> list[Segment]:
    """Return what is left of ``segment`` around the pieces from index ``first`` on."""
    left, cursor, j = [], segment.start, first
    while j < len(pieces) and pieces[j].start < segment.end:
        if pieces[j].start > cursor:
            left.append(Segment(cursor, pieces[j].start, segment.user_id, segment.override_id))
        cursor = max(cursor, pieces[j].end)
        j += 1
    if cursor < segment.end:
        left.append(Segment(cursor, segment.end, segment.user_id, segment.override_id))
    return left


def bounds_at(
    overrides: Iterable[Override], at: datetime, start: datetime, end: datetime
) -> tuple[Override | None, datetime, datetime]:
    """Return the override on duty at ``at`` (if any) and the bounds of the visible stretch.

    ``start``/``end`` are the bounds of the rotation stretch (or gap) holding ``at``.
    """
    candidates = list(overrides)
    covering = max(
        (o for o in candidates if o.start <= at < o.end), key=lambda o: o.id, default=None
    )
    if covering is not None:
        # Only newer overrides cut into the one on duty; older ones lie underneath it.
        candidates = [o for o in candidates if o.id > covering.id]
        start, end = covering.start, covering.end
    start = max([start, *(o.end for o in candidates if o.end <= at)])
    end = min([end, *(o.start for o in candidates if o.start > at)])
    return covering, start, end
