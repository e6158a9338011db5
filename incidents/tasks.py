"""Background work for incidents: each task loads rows and calls one service."""

from celery import shared_task

from incidents.models import Incident


@shared_task(name="incidents.send_intake_receipt", ignore_result=True)
def send_intake_receipt(incident_id: int, language: str) -> None:
    """E-mail the reporter a receipt with the incident key."""
    from incidents.services.receipts import incident_send_receipt

    incident = Incident.objects.select_related("customer").filter(pk=incident_id).first()
    if incident is None or not incident.reporter_email:
        return
    incident_send_receipt(incident=incident, language=language)
