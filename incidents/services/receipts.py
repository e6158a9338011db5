"""The e-mail receipt a reporter gets when the hotline takes an incident."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from incidents.models import Incident


def incident_send_receipt(*, incident: Incident, language: str) -> None:
    """Send the receipt in the reporter's language; the subject starts with the key."""
    with translation.override(language):
        context = {
            "incident": incident,
            "url": settings.SITE_URL + reverse("hotline:incident", args=[incident.key]),
        }
        subject = _("[%(key)s] We received your incident: %(summary)s") % {
            "key": incident.key,
            "summary": incident.summary,
        }
        body = render_to_string("incidents/email/receipt.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [incident.reporter_email])
