"""The notification outbox every app sends through: e-mail, Slack, signed webhooks and SMS.

A message is a ``Delivery`` row written in the caller's transaction (unique idempotency key),
sent by a Celery task after commit, retried with back-off by a beat job, and dead after the
last attempt. Apps learn the outcome through ``register_outcome_handler``.
"""
