"""The Celery application; periodic schedules are defined here, in code."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs; each entry says why its interval was chosen.
app.conf.beat_schedule = {
    # Every 5 minutes: a "handoff now" message is useful within the first minutes of a shift
    # (the service gives up after 30), and each reminder is recorded once, so a faster beat
    # would add load without sending anything sooner.
    "oncall-shift-reminders": {
        "task": "oncall.send_shift_reminders",
        "schedule": 5 * 60,
    },
    # Monthly, on the 1st at 08:00 (CELERY_TIMEZONE, Asia/Seoul): the previous month is complete
    # at midnight; 08:00 lands in the inbox at the start of the working day. Each contract's
    # report is recorded once per month (ReportDispatch), so a re-run sends nothing twice.
    "retainer-monthly-reports": {
        "task": "retainer.send_monthly_reports",
        "schedule": crontab(minute=0, hour=8, day_of_month=1),
    },
    # Daily at 01:00: a contract year ends at midnight; close-out is idempotent, and re-running
    # it for 90 days settles effort logged late against the ended year.
    "retainer-close-out": {
        "task": "retainer.close_out_ended_contracts",
        "schedule": crontab(minute=0, hour=1),
    },
    # Daily at 08:30: diagnostic milestones are dated by day and reminded 3 days ahead, so once a
    # day in working hours is enough.
    "retainer-milestone-reminders": {
        "task": "retainer.remind_milestones",
        "schedule": crontab(minute=30, hour=8),
    },
    # Weekly, Mondays at 09:00 (Asia/Seoul): action items are dated by day, so a weekly nudge
    # at the start of the working week is a chase, not noise; each owner gets one digest per
    # ISO week (the outbox key carries the week), so a re-run sends nothing twice.
    "postmortems-chase-action-items": {
        "task": "postmortems.chase_overdue_action_items",
        "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
    },
}


@app.on_after_configure.connect
def schedule_timer_jobs(sender: Celery, **kwargs: object) -> None:
    """Add the timer jobs, whose intervals are settings (the integration tests compress them)."""
    from django.conf import settings

    sweep = settings.HOTLINE_SWEEP_INTERVAL_SECONDS
    requeue = settings.HOTLINE_REQUEUE_INTERVAL_SECONDS
    watchdog = settings.HOTLINE_WATCHDOG_INTERVAL_SECONDS
    sender.conf.beat_schedule.update(
        {
            # Every HOTLINE_SWEEP_INTERVAL_SECONDS (10 s): a page goes out at most one interval
            # after its step is due, small against the 2-hour promise, and a sweep with nothing
            # due is one index probe. Priority 0: served before queued deliveries; a sweep not
            # started within one interval expires, the next one replaces it.
            "incidents-sweep-timers": {
                "task": "incidents.sweep_timers",
                "schedule": sweep,
                "options": {"expires": sweep, "priority": 0},
            },
            # Every 15 s: retries back off from 30 s, so a retry starts within half its wait;
            # the same job re-enqueues deliveries whose task a flushed Redis lost.
            "notifications-requeue-deliveries": {
                "task": "notifications.requeue_deliveries",
                "schedule": requeue,
                "options": {"expires": requeue, "priority": 0},
            },
            # Every minute: the watchdog alerts when timers are 2 minutes overdue (nothing is
            # sweeping); checking more often would not make that alert earlier by much.
            "incidents-timer-watchdog": {
                "task": "incidents.timer_watchdog",
                "schedule": watchdog,
                "options": {"expires": watchdog, "priority": 0},
            },
        }
    )
