"""Signed one-click acknowledge links carried by pages.

The token signs the delivery's one-time nonce with a timestamp (``django.core.signing``): it
expires after ``HOTLINE_ACK_LINK_MAX_AGE_SECONDS``, and using it marks the delivery's link as
used, so it works once. Opening it (GET) only shows a confirmation; the POST acknowledges the
incident as the page's recipient.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.notifications.models import Delivery
from core.notifications.topics import INCIDENT_PAGE
from incidents.models import Incident, Status

SALT = "incidents.escalation.ack"
PAGE_TOPIC = INCIDENT_PAGE


class AckLinkError(Exception):
    """The link is invalid, expired or used; ``message`` says which, for the person."""

    def __init__(self, message: str, incident: Incident | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.incident = incident


def ack_token(nonce: str) -> str:
    """Return the signed, timestamped token for a delivery's link nonce."""
    return signing.dumps(nonce, salt=SALT)


def ack_url(nonce: str) -> str:
    """Return the absolute one-click acknowledge URL for a link nonce."""
    return settings.SITE_URL + reverse("incident-ack", args=[ack_token(nonce)])


def _delivery(token: str, *, lock: bool = False) -> Delivery:
    try:
        nonce = signing.loads(token, salt=SALT, max_age=settings.HOTLINE_ACK_LINK_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise AckLinkError(_("This acknowledge link has expired.")) from exc
    except signing.BadSignature as exc:
        raise AckLinkError(_("This acknowledge link is not valid.")) from exc
    rows = Delivery.objects.filter(topic=PAGE_TOPIC, link_nonce=nonce).exclude(link_nonce="")
    if lock:
        rows = rows.select_for_update(of=("self",))
    delivery = rows.select_related("recipient").first()
    if delivery is None or delivery.object_id is None:
        raise AckLinkError(_("This acknowledge link is not valid."))
    return delivery


def _incident(delivery: Delivery) -> Incident:
    return Incident.objects.select_related("customer").get(pk=delivery.object_id)


def ack_link_check(token: str) -> tuple[Delivery, Incident]:
    """Return the page and its incident for a link that may still be used, or raise."""
    delivery = _delivery(token)
    incident = _incident(delivery)
    if delivery.link_used_at is not None:
        raise AckLinkError(_("This acknowledge link was already used."), incident)
    return delivery, incident


@transaction.atomic
def ack_link_use(*, token: str, now: datetime | None = None) -> tuple[Incident, Any]:
    """Acknowledge the incident as the page's recipient and use up the link.

    Returns the incident and the recipient. An incident someone else acknowledged first
    raises AckLinkError with the incident, so the caller can still show it.
    """
    from incidents.services.workflow import incident_acknowledge

    now = clock.resolve(now)
    delivery = _delivery(token, lock=True)
    incident = _incident(delivery)
    if delivery.link_used_at is not None:
        raise AckLinkError(_("This acknowledge link was already used."), incident)
    delivery.link_used_at = now
    delivery.save(update_fields=["link_used_at", "updated_at"])
    if incident.status != Status.NEW:
        raise AckLinkError(_("%(key)s was already acknowledged.") % {"key": incident.key}, incident)
    try:
        incident_acknowledge(incident=incident, actor=delivery.recipient, now=now)
    except ValidationError as exc:
        raise AckLinkError(" ".join(exc.messages), incident) from exc
    return incident, delivery.recipient
