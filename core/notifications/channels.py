"""How a delivery leaves the building: one sender per channel, each raising on failure.

HTTP calls carry a timeout; SMS goes through a provider chosen by ``HOTLINE_SMS_PROVIDER``
(the console provider, which only logs, by default).
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core.notifications.models import Delivery, NotificationChannel

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hotline-Signature"
DELIVERY_HEADER = "X-Hotline-Delivery"


class DeliveryError(Exception):
    """The channel refused or could not take the message; the delivery will be retried."""


class SmsProvider(Protocol):
    """What an SMS gateway adapter offers: send ``text`` to the phone number ``to``."""

    def send(self, *, to: str, text: str) -> None: ...


class ConsoleSmsProvider:
    """Log the SMS instead of sending it (development and tests)."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


def sms_provider() -> SmsProvider:
    """Return the configured SMS provider."""
    return import_string(settings.HOTLINE_SMS_PROVIDER)()


def sign(body: bytes, secret: str) -> str:
    """Return the signature header value of a webhook body: ``sha256=<hex HMAC>``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    try:
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=settings.HOTLINE_HTTP_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")


def send_email(delivery: Delivery) -> None:
    send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address])


def send_sms(delivery: Delivery) -> None:
    sms_provider().send(to=delivery.address, text=delivery.body)


def send_slack(delivery: Delivery) -> None:
    if delivery.endpoint is None or not delivery.endpoint.is_active:
        raise DeliveryError("The Slack endpoint is gone or inactive.")
    text = delivery.body
    if delivery.address:  # a person: mention them in the channel
        text = f"<@{delivery.address}> {text}"
    body = json.dumps({"text": text}, ensure_ascii=False).encode()
    _post(delivery.endpoint.url, body, {DELIVERY_HEADER: delivery.idempotency_key})


def send_webhook(delivery: Delivery) -> None:
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.is_active:
        raise DeliveryError("The webhook endpoint is gone or inactive.")
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {DELIVERY_HEADER: delivery.idempotency_key}
    if endpoint.secret:
        headers[SIGNATURE_HEADER] = sign(body, endpoint.secret)
    _post(endpoint.url, body, headers)


SENDERS: dict[str, Callable[[Delivery], Any]] = {
    NotificationChannel.EMAIL: send_email,
    NotificationChannel.SMS: send_sms,
    NotificationChannel.SLACK: send_slack,
    NotificationChannel.WEBHOOK: send_webhook,
}


def send(delivery: Delivery) -> None:
    """Hand the delivery to its channel; raise when it did not go out."""
    SENDERS[delivery.channel](delivery)
