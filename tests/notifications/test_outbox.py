"""The outbox: each channel, retries with back-off, the dead state, re-enqueueing, resend.

Only the outside HTTP world is faked (``responses``); the database and Celery (eager in the
unit suite) are real.
"""

import hashlib
import hmac
import json
import logging
from datetime import timedelta

import pytest
import responses
import time_machine
from django.core import mail

from core import clock
from core.notifications.models import Delivery, WebhookEndpoint
from core.notifications.services import (
    Message,
    deliveries_create,
    deliveries_requeue,
    delivery_resend,
    delivery_send,
)

pytestmark = pytest.mark.django_db

SLACK_URL = "https://hooks.slack.example/services/T/B/x"
HOOK_URL = "https://receiver.example/hotline"


@pytest.fixture
def frozen():
    with time_machine.travel("2026-03-10 01:00:00+00:00", tick=False) as traveller:
        yield traveller


def message(channel="email", key="k1", **fields) -> Message:
    values = {
        "idempotency_key": key,
        "topic": "test",
        "channel": channel,
        "recipient_label": "Kim",
        "subject": "[HOT-1] Page",
        "body": "Database down",
        "language": "en",
        "address": "kim@x.io",
    }
    values.update(fields)
    return Message(**values)


def create(*messages: Message) -> list[Delivery]:
    return deliveries_create(list(messages))


def test_email_is_sent_once(frozen):
    [delivery] = create(message())
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert delivery_send(delivery_id=delivery.pk) is None  # a duplicate task does nothing
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("sent", 1, clock.now())


def test_the_same_key_is_written_once():
    create(message())
    create(message(body="again"))
    assert Delivery.objects.count() == 1


def test_sms_goes_through_the_console_provider_by_default(caplog):
    [delivery] = create(message(channel="sms", address="+821012345678"))
    with caplog.at_level(logging.INFO, logger="core.notifications.channels"):
        assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert "+821012345678" in caplog.text


@responses.activate
def test_slack_posts_the_text_and_mentions_the_person():
    endpoint = WebhookEndpoint.objects.create(name="ops", kind="slack", url=SLACK_URL)
    responses.post(SLACK_URL, body="ok")
    [delivery] = create(message(channel="slack", address="U012AB3CD", endpoint=endpoint))
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"text": "<@U012AB3CD> Database down"}


@responses.activate
def test_webhook_body_is_signed_with_hmac_sha256():
    endpoint = WebhookEndpoint.objects.create(
        name="siem", kind="webhook", url=HOOK_URL, secret="s3cret"
    )
    responses.post(HOOK_URL, status=204)
    [delivery] = create(message(channel="webhook", endpoint=endpoint, payload={"key": "HOT-1"}))
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    request = responses.calls[0].request
    expected = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Hotline-Signature"] == f"sha256={expected}"
    assert request.headers["X-Hotline-Delivery"] == "k1"
    assert json.loads(request.body) == {"key": "HOT-1"}


@responses.activate
def test_failures_back_off_exponentially_then_die(frozen, settings):
    settings.HOTLINE_DELIVERY_MAX_ATTEMPTS = 3
    settings.HOTLINE_DELIVERY_BACKOFF_SECONDS = 30
    endpoint = WebhookEndpoint.objects.create(name="down", kind="webhook", url=HOOK_URL)
    responses.post(HOOK_URL, status=503, body="busy")
    [delivery] = create(message(channel="webhook", endpoint=endpoint))
    waits = []
    for _ in range(3):
        status = delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        waits.append((status, delivery.next_attempt_at - clock.now()))
        frozen.move_to(delivery.next_attempt_at)
    assert waits == [
        ("failed", timedelta(seconds=30)),
        ("failed", timedelta(seconds=60)),
        ("dead", timedelta(0)),
    ]
    assert delivery.last_error.startswith("DeliveryError: HTTP 503")


@responses.activate
def test_a_retry_waits_for_its_back_off(frozen):
    endpoint = WebhookEndpoint.objects.create(name="flaky", kind="webhook", url=HOOK_URL)
    responses.post(HOOK_URL, status=500)
    [delivery] = create(message(channel="webhook", endpoint=endpoint))
    delivery_send(delivery_id=delivery.pk)
    assert delivery_send(delivery_id=delivery.pk) is None  # not due yet
    assert len(responses.calls) == 1


def test_requeue_sends_lost_and_due_deliveries(
    frozen, settings, django_capture_on_commit_callbacks
):
    settings.HOTLINE_DELIVERY_STALE_SECONDS = 60
    [lost] = create(message())  # its task was never run: the broker lost it
    assert deliveries_requeue() == 0  # enqueued just now: not stale yet
    frozen.move_to(clock.now() + timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue() == 1
    lost.refresh_from_db()
    assert lost.status == "sent"
    assert deliveries_requeue() == 0


def test_resend_sends_a_delivery_again(django_capture_on_commit_callbacks, support_user):
    [delivery] = create(message())
    delivery_send(delivery_id=delivery.pk)
    with django_capture_on_commit_callbacks(execute=True):
        delivery_resend(delivery=delivery, actor=support_user)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(mail.outbox) == 2


def test_inactive_endpoint_fails_the_delivery():
    endpoint = WebhookEndpoint.objects.create(
        name="off", kind="slack", url=SLACK_URL, is_active=False
    )
    [delivery] = create(message(channel="slack", endpoint=endpoint))
    assert delivery_send(delivery_id=delivery.pk) == "failed"
