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


@shared_task(name="incidents.sweep_timers", ignore_result=True)
def sweep_timers() -> int:
    """Fire the due escalation steps and SLO checkpoints (beat, every sweep interval)."""
    from incidents.escalation.sweep import timers_sweep

    return timers_sweep()


@shared_task(name="incidents.timer_watchdog", ignore_result=True)
def timer_watchdog() -> int:
    """Alert when due timers are not being swept (beat, every minute)."""
    from incidents.escalation.sweep import timers_watchdog

    return timers_watchdog()
