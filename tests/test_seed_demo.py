"""``make run`` loads the demo data with ``seed_demo``: it must keep working as the rules tighten
(a closed incident needs its post-mortem delivered, only a named reviewer approves, ...)."""

import pytest
from django.core.management import call_command

from incidents.models import Incident, Status
from postmortems.models import PostMortem

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_and_its_closed_incident_has_a_delivered_report():
    call_command("seed_demo", verbosity=0)
    closed = Incident.objects.get(status=Status.CLOSED)
    report = PostMortem.objects.get(incident=closed)
    assert report.status == PostMortem.Status.PUBLISHED
    assert report.on_time is True
    assert Incident.objects.filter(status=Status.NEW).exists()
    call_command("seed_demo", verbosity=0)  # again: nothing breaks, nothing doubles
    assert Incident.objects.filter(status=Status.CLOSED).count() == 1
