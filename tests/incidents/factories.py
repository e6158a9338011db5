"""Incident factory: builds through the intake service, as every real caller does."""

from datetime import datetime, timedelta
from typing import Any

import factory

from incidents.models import CancelReason, Channel, Incident, Severity, Status
from incidents.services import incident_create, incident_transition
from tests.retainer.factories import CustomerFactory


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    customer = factory.SubFactory(CustomerFactory)
    summary = factory.Sequence(lambda n: f"Database down #{n}")
    description = "Customer impact: orders fail. Call 010-0000-0000."
    severity = Severity.HIGH
    channel = Channel.WEB

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        actor = kwargs.pop("actor", None)
        return incident_create(actor=actor, **kwargs)


STEP = timedelta(minutes=10)


# How to reach each status from "new" (DESIGN §2), with the extra arguments a step needs.
PATH_TO_STATUS = {
    Status.NEW: (),
    Status.ACKNOWLEDGED: ("acknowledge",),
    Status.MITIGATED: ("acknowledge", "mitigate"),
    Status.RESOLVED: ("acknowledge", "resolve"),
    Status.CLOSED: ("acknowledge", "resolve", "close"),
    Status.CANCELLED: ("cancel",),
}
STEP_ARGUMENTS = {"cancel": {"reason": CancelReason.DUPLICATE}}


def incident_in_status(
    status: str, *, actor: Any, reported_at: datetime, step: timedelta = STEP, **kwargs: Any
) -> Incident:
    """Create an incident at ``reported_at`` and walk it to ``status``, one step apart each."""
    incident = IncidentFactory(now=reported_at, **kwargs)
    for index, name in enumerate(PATH_TO_STATUS[Status(status)], start=1):
        if name == "close":
            settle_postmortem(incident, actor=actor, now=reported_at + index * step)
        incident_transition(
            incident=incident,
            name=name,
            actor=actor,
            now=reported_at + index * step,
            **STEP_ARGUMENTS.get(name, {}),
        )
    return incident


def settle_postmortem(incident: Incident, *, actor: Any, now: datetime | None = None) -> None:
    """Cancel the incident's owed post-mortem as not needed, so that it may be closed."""
    from postmortems.models import PostMortem
    from postmortems.services import UNDELIVERED_STATUSES, postmortem_cancel

    owed = PostMortem.objects.filter(incident=incident, status__in=UNDELIVERED_STATUSES).first()
    if owed is not None:
        postmortem_cancel(postmortem=owed, reason="Not needed in this test", actor=actor, now=now)
