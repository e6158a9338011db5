"""A page's delivery is written on the incident timeline in the site language (Korean)."""

from django.core import mail
from django.utils import translation

from core.notifications.services import Message, deliveries_create, delivery_send
from incidents.escalation.acklinks import PAGE_TOPIC
from incidents.escalation.outcomes import TEXTS
from incidents.models import TimelineEntry
from tests.incidents.factories import IncidentFactory


def test_sent_page_is_recorded_in_the_site_language(customer_a, settings):
    settings.LANGUAGE_CODE = "ko"
    incident = IncidentFactory(customer=customer_a)
    [delivery] = deliveries_create(
        [
            Message(
                idempotency_key="outcome-1",
                topic=PAGE_TOPIC,
                channel="email",
                recipient_label="김지훈",
                subject=f"[{incident.key}] page",
                body="down",
                language="en",
                address="kim@x.io",
                object_id=incident.pk,
            )
        ]
    )

    with translation.override("en"):  # whatever language the worker happens to run in
        assert delivery_send(delivery_id=delivery.pk) == "sent"

    entry = incident.timeline.get(kind=TimelineEntry.Kind.NOTIFICATION)
    with translation.override("ko"):
        expected_start = str(TEXTS["sent"]).split("%")[0]
    assert "김지훈" in entry.text
    assert entry.text.startswith(expected_start)
    assert "Paged" not in entry.text
    assert len(mail.outbox) == 1
