"""Background work for contracts and the M/M ledger: each task loads rows, calls one service."""

from celery import shared_task

from retainer.models import UtilisationAlert


@shared_task(name="retainer.send_utilisation_alert", ignore_result=True)
def send_utilisation_alert(alert_id: int) -> None:
    """E-mail the account manager that a contract crossed a utilisation threshold."""
    from retainer.services.alerts import utilisation_alert_send

    alert = UtilisationAlert.objects.filter(pk=alert_id, sent_at__isnull=True).first()
    if alert is None:
        return
    utilisation_alert_send(alert=alert)


@shared_task(name="retainer.close_out_ended_contracts", ignore_result=True)
def close_out_ended_contracts() -> None:
    """Close out (again) every contract that ended in the last 90 days: idempotent."""
    from django.core.management import call_command

    call_command("close_out_contracts", verbosity=0)


@shared_task(name="retainer.remind_milestones", ignore_result=True)
def remind_milestones() -> None:
    """Remind the people of each diagnostic milestone due soon (once per milestone)."""
    from retainer.services.diagnostics import milestone_remind, milestones_due_for_reminder

    for milestone in milestones_due_for_reminder():
        milestone_remind(milestone=milestone)


@shared_task(name="retainer.send_monthly_reports", ignore_result=True)
def send_monthly_reports() -> None:
    """On the 1st: e-mail last month's M/M report of every contract (once each)."""
    from core import clock
    from retainer.rules import add_months
    from retainer.services.common import local_date
    from retainer.services.reports import monthly_reports_send

    this_month = local_date(clock.now()).replace(day=1)
    monthly_reports_send(month=add_months(this_month, -1))
