"""On-call test data, built through the services as every real caller does."""

from datetime import date, datetime, time
from typing import Any

import factory

from core.notifications.models import Delivery
from core.notifications.services import Message, deliveries_create
from core.notifications.topics import INCIDENT_PAGE
from oncall.models import Layer, Override, Schedule
from oncall.services import RotationInput, layer_create, override_create, schedule_create
from tests.retainer.factories import SupportUserFactory


class EngineerFactory(SupportUserFactory):
    """A support engineer who can be on call."""

    username = factory.Sequence(lambda n: f"eng{n}")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    name = factory.Sequence(lambda n: f"Schedule {n}")
    team = "Tier 3"
    time_zone = "Asia/Seoul"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return schedule_create(actor=kwargs.pop("actor", None), **kwargs)


def rotation(participants: list[Any], **fields: Any) -> RotationInput:
    """Return a daily 09:00 rotation input starting 2025-01-06 (a Monday) unless told."""
    fields.setdefault("start_date", date(2025, 1, 6))
    fields.setdefault("handoff_time", time(9))
    return RotationInput(participants=participants, **fields)


def make_layer(
    schedule: Schedule, participants: list[Any], *, name: str = "Primary", **fields: Any
) -> Layer:
    """Add a layer with a rotation to ``schedule`` through ``layer_create``."""
    position = fields.pop("position", None)
    return layer_create(
        schedule=schedule,
        name=name,
        position=position,
        rotation=rotation(participants, **fields),
        actor=None,
    )


def make_override(
    layer: Layer, user: Any, start: datetime, end: datetime, **fields: Any
) -> Override:
    """Put ``user`` on ``layer`` for ``[start, end)`` through ``override_create``."""
    return override_create(layer=layer, user=user, start=start, end=end, actor=None, **fields)


def make_page(
    user: Any,
    *,
    incident_id: int,
    at: datetime,
    step: int = 0,
    channel: str = "email",
    topic: str = INCIDENT_PAGE,
    status: str = Delivery.Status.SENT,
) -> Delivery:
    """Write a page delivery to ``user`` through the outbox and record its outcome at ``at``."""
    key = f"test:{topic}:{incident_id}:{step}:{user.pk}:{channel}"
    message = Message(
        idempotency_key=key,
        topic=topic,
        object_id=incident_id,
        channel=channel,
        recipient=user,
        recipient_label=user.get_username(),
        address=user.email,
        language="en",
        subject="Page",
        body="Page",
        data={"step": step},
    )
    (delivery,) = deliveries_create([message], now=at)
    sent_at = at if status == Delivery.Status.SENT else None
    Delivery.objects.filter(pk=delivery.pk).update(status=status, sent_at=sent_at)
    delivery.refresh_from_db()
    return delivery
