"""Pages written in the recipient's language: key, severity, summary, customer, link, SLO
deadline and (for people) the signed one-click acknowledge link."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.access import is_support
from core.notifications.models import NotificationChannel
from core.notifications.services import Message, new_link_nonce
from incidents.escalation.acklinks import PAGE_TOPIC, ack_url
from incidents.escalation.plans import step_label
from incidents.escalation.targets import Recipient, Route
from incidents.models import Incident
from oncall.services import profile_for


def incident_url(incident: Incident) -> str:
    """Return the absolute URL of the incident's page for the firm's engineers."""
    return settings.SITE_URL + reverse("admin:incidents_incident_change", args=[incident.pk])


def _language_and_zone(recipient: Recipient) -> tuple[str, str]:
    if recipient.user is None:
        return settings.LANGUAGE_CODE, settings.TIME_ZONE
    profile = profile_for(recipient.user)
    return profile.language or settings.LANGUAGE_CODE, profile.time_zone or settings.TIME_ZONE


def _context(incident: Incident, step: dict[str, Any], zone: str, nonce: str) -> dict[str, Any]:
    due = incident.response_due_at.astimezone(ZoneInfo(zone))
    return {
        "key": incident.key,
        "severity": incident.get_severity_display(),
        "summary": incident.summary,
        "customer": incident.customer.name,
        "url": incident_url(incident),
        "due": due.strftime("%Y-%m-%d %H:%M %Z"),
        "due_short": due.strftime("%H:%M"),
        "step": step_label(step),
        "ack_url": ack_url(nonce) if nonce else "",
    }


def _texts(channel: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = _("[%(key)s] Page: %(severity)s - %(summary)s") % context
    if channel == NotificationChannel.EMAIL:
        return subject, render_to_string("incidents/page/email.txt", context)
    if channel == NotificationChannel.SMS:
        text = _("[%(key)s] %(severity)s %(summary)s (%(customer)s). Respond by %(due_short)s.")
        body = text % context
        if context["ack_url"]:
            body += " " + _("Acknowledge: %(ack_url)s") % context
        return subject, body
    # Slack (and the summary line of a webhook): one message with links.
    body = (
        _(
            "*[%(key)s] %(severity)s* %(summary)s\nCustomer: %(customer)s · respond by %(due)s "
            "· %(step)s\n%(url)s"
        )
        % context
    )
    if context["ack_url"]:
        body += "\n" + _("Acknowledge: %(ack_url)s") % context
    return subject, body


def _payload(incident: Incident, step: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": PAGE_TOPIC,
        "key": incident.key,
        "severity": incident.severity,
        "summary": incident.summary,
        "customer": incident.customer.name,
        "url": context["url"],
        "reported_at": incident.reported_at.isoformat(),
        "response_due_at": incident.response_due_at.isoformat(),
        "step": step["index"],
        "step_position": step["position"],
    }


def page_message(
    incident: Incident, step: dict[str, Any], recipient: Recipient, route: Route
) -> Message:
    """Return the outbox message paging ``recipient`` on ``route`` for a plan step."""
    language, zone = _language_and_zone(recipient)
    # Only a support engineer may acknowledge (start the analysis): nobody else gets the link.
    may_acknowledge = recipient.user is not None and is_support(recipient.user)
    nonce = new_link_nonce() if may_acknowledge else ""
    with translation.override(language):
        context = _context(incident, step, zone, nonce)
        subject, body = _texts(route.channel, context)
    key = f"incident:{incident.pk}:step:{step['index']}:{recipient.key}:{route.channel}"
    return Message(
        idempotency_key=key,
        topic=PAGE_TOPIC,
        object_id=incident.pk,
        channel=route.channel,
        recipient=recipient.user,
        recipient_label=recipient.label,
        endpoint=route.endpoint,
        address=route.address,
        language=language,
        subject=subject,
        body=body,
        payload=_payload(incident, step, context),
        data={"step": step["index"], "position": step["position"], "key": incident.key},
        link_nonce=nonce,
    )


def watchdog_text(count: int, oldest: datetime) -> tuple[str, str]:
    """Return the subject and body of the "sweeper stalled" alert (site language)."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"count": count, "oldest": oldest.astimezone(ZoneInfo(settings.TIME_ZONE))}
        subject = _("[Hotline] Escalation timers are not being swept")
        body = (
            _(
                "%(count)s timers are overdue; the oldest was due at %(oldest)s. Pages and SLO "
                "events are late: check the Celery worker and beat."
            )
            % values
        )
    return subject, body
