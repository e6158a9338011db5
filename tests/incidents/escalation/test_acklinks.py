"""The signed one-click acknowledge link: confirm with GET, acknowledge once with POST."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from core.notifications.models import Delivery
from incidents.escalation.acklinks import ack_token
from incidents.models import Status
from tests.incidents.escalation.conftest import REPORTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(incident, sweep):
    sweep(0)
    url = re.search(r"https?://\S+/ack/\S+/", mail.outbox[0].body).group(0)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_get_shows_a_confirmation_and_changes_nothing(client, link, incident):
    response = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert incident.key in response.content.decode()
    assert b"<script" not in response.content
    assert response["Referrer-Policy"] == "same-origin"  # no token in other sites' Referer
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_confirmation_is_translated(client, link):
    response = client.get(link, HTTP_ACCEPT_LANGUAGE="ko")
    assert "분석" in response.content.decode()


def test_post_acknowledges_as_the_recipient_and_lands_on_the_incident(
    client, link, incident, engineers
):
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/incidents/incident/{incident.pk}/change/"
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED
    assert incident.incident_manager == engineers[0]
    assert Delivery.objects.get(object_id=incident.pk).link_used_at is not None


def test_the_link_works_once(client, link, incident):
    client.post(link)
    again = client.get(link)
    assert again.status_code == 410
    assert client.post(link).status_code == 302  # back to the incident, with a message


def test_an_expired_link_is_refused(client, link, clock, settings, incident):
    clock.move_to(REPORTED + timedelta(seconds=settings.HOTLINE_ACK_LINK_MAX_AGE_SECONDS + 5))
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410
    incident.refresh_from_db()
    assert incident.status == Status.NEW


@pytest.mark.parametrize("forged", ["garbage", "signed unknown nonce"])
def test_a_forged_link_is_refused(client, incident, forged):
    token = "garbage" if forged == "garbage" else ack_token("not-a-nonce")
    assert client.get(f"/ack/{token}/").status_code == 410
    assert client.post(f"/ack/{token}/").status_code == 410


def test_the_post_needs_the_csrf_token(link, incident):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(link).status_code == 403
    incident.refresh_from_db()
    assert incident.status == Status.NEW
