"""The Celery application; periodic schedules are defined here, in code."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hotline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs; each entry says why its interval was chosen.
app.conf.beat_schedule = {}
