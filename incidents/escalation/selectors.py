"""Reads on escalation: the plan of one incident with what was done and what comes next."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.notifications.models import Delivery
from incidents.escalation.acklinks import PAGE_TOPIC
from incidents.escalation.models import IncidentEscalation, SloKind, SloTimer, Timer
from incidents.escalation.plans import step_label, target_label
from incidents.models import Incident

STATE_LABELS = {
    "done": pgettext_lazy("escalation step state", "done"),
    "pending": gettext_lazy("next"),
    "cancelled": gettext_lazy("cancelled"),
    "skipped": gettext_lazy("skipped"),
    "waiting": gettext_lazy("waiting"),
}


@dataclass(frozen=True)
class PlanRow:
    index: int
    label: str
    due_at: datetime | None
    targets: str
    channels: str
    state: str
    fired_at: datetime | None
    deliveries: dict[str, int] = field(default_factory=dict)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))


@dataclass(frozen=True)
class EscalationOverview:
    escalation: IncidentEscalation
    rows: list[PlanRow]
    response_slo: SloTimer | None

    @property
    def next_row(self) -> PlanRow | None:
        return next((row for row in self.rows if row.state == "pending"), None)

    @property
    def steps_done(self) -> int:
        return sum(1 for row in self.rows if row.state == "done")


def _channels(step: dict[str, Any]) -> str:
    labels = dict(Delivery._meta.get_field("channel").choices)
    return ", ".join(str(labels.get(c, c)) for c in step.get("channels", []))


def _state(step: dict[str, Any], timer: Timer | None, first_pending: int | None) -> str:
    if step.get("skipped"):
        return "skipped"
    if timer is None:
        return "cancelled"
    if timer.state == Timer.State.PENDING:
        return "pending" if timer.step == first_pending else "waiting"
    return str(timer.state)


def escalation_overview(incident: Incident) -> EscalationOverview | None:
    """Return the incident's escalation plan with each step's state, or None (no policy)."""
    escalation = IncidentEscalation.objects.filter(incident=incident).first()
    if escalation is None:
        return None
    timers = {
        t.step: t for t in Timer.objects.filter(incident=incident, kind=Timer.Kind.ESCALATION)
    }
    pending = sorted(
        (t for t in timers.values() if t.state == Timer.State.PENDING), key=lambda t: t.due_at
    )
    first_pending = pending[0].step if pending else None
    counts: dict[int, Counter[str]] = {}
    pages = Delivery.objects.filter(topic=PAGE_TOPIC, object_id=incident.pk)
    for data, status in pages.values_list("data", "status"):
        counts.setdefault(data.get("step"), Counter())[str(Delivery.Status(status).label)] += 1
    rows = []
    for step in escalation.plan:
        timer = timers.get(step["index"])
        rows.append(
            PlanRow(
                index=step["index"],
                label=step_label(step),
                due_at=incident.reported_at + timedelta(seconds=step["delay"]),
                targets=", ".join(target_label(t) for t in step["targets"]) or _("nobody"),
                channels=_channels(step),
                state=_state(step, timer, first_pending),
                fired_at=timer.fired_at if timer and timer.state == Timer.State.DONE else None,
                deliveries=dict(counts.get(step["index"], {})),
            )
        )
    slo = SloTimer.objects.filter(incident=incident, kind=SloKind.RESPONSE).first()
    return EscalationOverview(escalation=escalation, rows=rows, response_slo=slo)
