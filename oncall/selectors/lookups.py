"""Who is on call: the one answer escalation, the API, the admin calendar and exports use."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from oncall import rotation as math
from oncall.models import Layer, Schedule
from oncall.selectors.plans import LayerPlan, SchedulePlan, overrides_between, plan_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LayerOnCall:
    """Who is on a layer at an instant (``user`` None: nobody), since and until when.

    ``since``/``until`` are None when they lie beyond the lookup horizon (a month or more).
    """

    layer: Layer
    user: Any
    since: datetime | None
    until: datetime | None
    override_id: int | None = None

    @property
    def is_override(self) -> bool:
        return self.override_id is not None


@dataclass(slots=True)
class Shift:
    """A stretch of final on-call time on a layer (``user`` None: nobody is on call)."""

    layer: Layer
    user: Any
    start: datetime
    end: datetime
    override_id: int | None = None

    @property
    def is_override(self) -> bool:
        return self.override_id is not None

    @property
    def is_gap(self) -> bool:
        return self.user is None

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def _layers(plan: SchedulePlan, layer: Layer | None) -> tuple[LayerPlan, ...]:
    if layer is None:
        return plan.layers
    return tuple(p for p in plan.layers if p.layer.pk == layer.pk)


def oncall_at(*, schedule: Schedule, at: datetime, layer: Layer | None = None) -> Any:
    """Return who is on call at ``at``: one ``LayerOnCall`` for ``layer``, else one per layer.

    Nobody on a layer (a gap, a restriction, an empty rotation) is an answer too: ``user`` is
    None and ``until`` says when someone starts.
    """
    plan = plan_for(schedule)
    chosen = _layers(plan, layer)
    horizon = plan.horizon
    found = overrides_between([p.layer.pk for p in chosen], at - horizon, at + horizon)
    answers = [
        (
            p.layer,
            math.layer_at(p.with_overrides(plan.zone, found.get(p.layer.pk, ())), at, horizon),
        )
        for p in chosen
    ]
    users = plan.users(a.user_id for _layer, a in answers if a.user_id is not None)
    result = [
        LayerOnCall(row, users[a.user_id], a.start, a.end, a.override_id) for row, a in answers
    ]
    if layer is not None:
        return result[0] if result else None
    return result


def shifts_between(
    *, schedule: Schedule, start: datetime, end: datetime, include_gaps: bool = False
) -> list[Shift]:
    """Return the final shifts of every layer in ``[start, end)``, layer by layer, in order.

    With ``include_gaps`` the "nobody" stretches are included, so each layer's shifts tile the
    period exactly.
    """
    return shifts_of_schedules(
        schedules=[schedule], start=start, end=end, include_gaps=include_gaps
    )[schedule.pk]


def shifts_of_schedules(
    *, schedules: Iterable[Schedule], start: datetime, end: datetime, include_gaps: bool = False
) -> dict[int, list[Shift]]:
    """Return ``shifts_between`` for several schedules at once, reading overrides in one query."""
    plans = [plan_for(schedule) for schedule in schedules]
    found = overrides_between([p.layer.pk for plan in plans for p in plan.layers], start, end)
    return {
        plan.schedule.pk: _final_shifts(plan, found, start, end, include_gaps) for plan in plans
    }


def _final_shifts(
    plan: SchedulePlan, found: dict, start: datetime, end: datetime, include_gaps: bool
) -> list[Shift]:
    users = plan.users(o.user_id for p in plan.layers for o in found.get(p.layer.pk, ()))
    shifts: list[Shift] = []
    for layer_plan in plan.layers:
        pure = layer_plan.with_overrides(plan.zone, found.get(layer_plan.layer.pk, ()))
        row = layer_plan.layer
        segments = math.layer_segments(pure, start, end, gaps=include_gaps)
        shifts += [Shift(row, users[s.user_id], s.start, s.end, s.override_id) for s in segments]
    return shifts


def oncall_first_responder(
    *, schedule: Schedule, at: datetime, from_position: int = 1
) -> tuple[LayerOnCall | None, list[LayerOnCall]]:
    """Return the first layer (from ``from_position`` on) with someone on call, and the skipped.

    Escalation pages the returned person; when every layer is empty it gets None and must move
    on to its next target. Skipped empty layers are logged so nobody is ever paged silently.
    """
    skipped = []
    for answer in oncall_at(schedule=schedule, at=at):
        if answer.layer.position < from_position:
            continue
        if answer.user is not None:
            return answer, skipped
        logger.warning("Nobody on call on %s at %s; falling through.", answer.layer, at)
        skipped.append(answer)
    return None, skipped
