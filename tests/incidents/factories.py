"""Incident factory: builds through the intake service, as every real caller does."""

import factory

from incidents.models import Channel, Incident, Severity
from incidents.services import incident_create
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
