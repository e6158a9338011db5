"""The blank intake page is rendered once per process and reused (incidents.hotline.fragments)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse

from incidents.hotline import fragments
from incidents.models import Incident

pytestmark = pytest.mark.usefixtures("now", "unknown_service")

NEW_URL = reverse("hotline:incident_new")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', html)


def test_reused_page_is_the_rendered_page_with_a_fresh_token(customer_user_a):
    client = _csrf_client(customer_user_a)
    fragments._pages.clear()
    first = client.get(NEW_URL)
    second = client.get(NEW_URL)

    assert first.context is not None  # rendered
    assert second.context is None  # reused
    first_html, second_html = first.content.decode(), second.content.decode()
    assert _without_tokens(first_html) == _without_tokens(second_html)
    first_tokens, second_tokens = TOKEN.findall(first_html), TOKEN.findall(second_html)
    assert len(second_tokens) == len(first_tokens) == 3  # language switch, log out, the form
    assert len(set(second_tokens)) == 1
    assert second_tokens[0] != first_tokens[0]
    assert "Signed in as alice" in second_html


def test_reused_page_token_is_accepted(customer_user_a, customer_a):
    client = _csrf_client(customer_user_a)
    client.get(NEW_URL)
    token = TOKEN.search(client.get(NEW_URL).content.decode()).group(1)
    service = customer_a.services.get()

    response = client.post(
        NEW_URL,
        {
            "csrfmiddlewaretoken": token,
            "summary": "Checkout fails",
            "severity": "2",
            "service": service.pk,
            "contact_phone": "010-0000-0000",
        },
    )

    assert response.status_code == 302
    assert Incident.objects.filter(summary="Checkout fails").count() == 1


def test_page_is_per_user(customer_user_a, customer_user_b):
    fragments._pages.clear()
    alice, bob = _csrf_client(customer_user_a), _csrf_client(customer_user_b)
    alice.get(NEW_URL)
    alice.get(NEW_URL)

    html = bob.get(NEW_URL).content.decode()

    assert "Signed in as bob" in html
    assert "alice" not in html


def test_pending_messages_are_rendered_not_reused(customer_user_a, rf):
    client = _csrf_client(customer_user_a)
    client.get(NEW_URL)
    client.get(NEW_URL)  # reused from here on
    storage = CookieStorage(rf.get(NEW_URL))
    client.cookies["messages"] = storage._encode(
        [Message(constants.SUCCESS, "Your note was added.")]
    )

    response = client.get(NEW_URL)

    assert response.context is not None
    assert "Your note was added." in response.content.decode()
    assert "Your note was added." not in client.get(NEW_URL).content.decode()
