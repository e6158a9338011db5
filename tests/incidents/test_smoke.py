from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from incidents.services import incident_acknowledge
from tests.incidents.factories import IncidentFactory

SEOUL = ZoneInfo("Asia/Seoul")


@time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL), tick=False)
def test_smoke(customer_a, support_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = IncidentFactory(customer=customer_a, reporter_email="r@example.com")
    assert incident.key.startswith("HOT-")
    assert incident.contract.code == "ACME-2026"
    incident_acknowledge(incident=incident, actor=support_user)
    assert incident.status == "acknowledged"
    assert incident.incident_manager == support_user
    assert len(mailoutbox) == 1
    assert incident.history.count() == 2
