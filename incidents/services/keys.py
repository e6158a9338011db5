"""Incident numbers: unique and increasing, safe under concurrent creation."""

from django.conf import settings
from django.db import connection
from django.db.models import Max

from incidents.models import Incident

SEQUENCE_NAME = "incidents_incident_number_seq"


def next_incident_number() -> int:
    """Return the next incident number.

    PostgreSQL: a database sequence (``nextval`` never hands out a number twice and takes no
    row lock, so concurrent intakes don't queue behind each other; a rolled-back intake leaves
    a gap, as Jira keys do). SQLite: writers are serialised by the ``BEGIN IMMEDIATE``
    transaction mode configured in settings, so the maximum plus one is safe there.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE_NAME])
            return int(cursor.fetchone()[0])
    current = Incident.objects.aggregate(top=Max("number"))["top"] or 0
    return current + 1


def format_key(number: int) -> str:
    """Return the display key for an incident number (``HOT-42``)."""
    return f"{settings.HOTLINE_KEY_PREFIX.upper()}-{number}"
