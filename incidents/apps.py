"""App config for incidents."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from core.notifications.services import register_outcome_handler
        from incidents.escalation.acklinks import PAGE_TOPIC
        from incidents.escalation.outcomes import page_delivery_recorded
        from incidents.hotline import catalogue
        from incidents.services import intake

        # Each attempt to deliver a page is an entry on its incident's timeline.
        register_outcome_handler(PAGE_TOPIC, page_delivery_recorded)
        catalogue.connect()  # the cached intake catalogue goes stale when it changes
        intake.connect()  # so does the cached active contract of a customer
