"""What a page's delivery did, on the incident's timeline (registered with the outbox)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.notifications.models import Delivery
from incidents.models import Incident, TimelineEntry
from incidents.services.timeline import timeline_add

Status = Delivery.Status

TEXTS = {
    Status.SENT: _("Paged %(name)s by %(channel)s."),
    Status.DEAD: _("Gave up paging %(name)s by %(channel)s after %(attempts)s attempts: %(error)s"),
    Status.FAILED: _("Paging %(name)s by %(channel)s failed (attempt %(attempts)s): %(error)s"),
}


def page_delivery_recorded(delivery: Delivery, status: str) -> None:
    """Write one timeline entry per attempt: sent, failed (will retry) or dead."""
    if delivery.object_id is None or status not in TEXTS:
        return
    # Timeline text is written in the site language (override(None) would mean untranslated).
    with translation.override(settings.LANGUAGE_CODE):
        text = str(TEXTS[Status(status)]) % {
            "name": delivery.recipient_label,
            "channel": delivery.get_channel_display(),
            "attempts": delivery.attempts,
            "error": delivery.last_error[:200],
        }
    timeline_add(
        incident=Incident(pk=delivery.object_id),
        kind=TimelineEntry.Kind.NOTIFICATION,
        text=text,
        data={
            "delivery": delivery.pk,
            "status": status,
            "channel": delivery.channel,
            "step": delivery.data.get("step"),
        },
    )
