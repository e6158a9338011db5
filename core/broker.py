"""The Redis broker transport, with one fix: a failed acknowledgement frees its prefetch slot.

kombu's Redis QoS removes an acknowledged message from the server's unacked index first and
from its own bookkeeping (``_delivered``) second. When the server is gone at that moment (a
Redis restart while a task finishes), the first step raises and the second never runs, so the
message keeps counting against the prefetch limit. Once every slot is held that way
(``worker_prefetch_multiplier`` times concurrency, 2 here), ``can_consume()`` stays false: the
worker sends no BRPOP, so it never even notices the lost connection, and it consumes nothing
until it is restarted. ``tests/test_broker.py`` shows it against a real Redis.

Here the bookkeeping is released whatever the server said, and the error is still raised, so
Celery logs "Couldn't ack" as before. Nothing is lost by releasing it: if the server still
holds the message, its unacked entry is restored after ``visibility_timeout`` and the task
runs again, and every task here is idempotent; if the server lost it, our own sweeps (timers
and the delivery outbox in PostgreSQL) enqueue the work again.

The same goes for an acknowledgement that comes after Celery dropped the connection the
message came on (``_check_open``).

Selected with ``CELERY_BROKER_TRANSPORT`` for ``redis://`` URLs.
"""

from kombu.transport import redis, virtual
from redis.exceptions import ConnectionError as RedisConnectionError


class QoS(redis.QoS):
    def ack(self, delivery_tag):
        try:
            self._check_open()
            self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        try:
            self._check_open()
            if requeue:
                self.restore_by_tag(delivery_tag, leftmost=True)
            else:
                self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)

    def _check_open(self):
        """Raise a connection error when the connection this message came on was closed.

        After a lost connection Celery drops the old connection (its transport forgets the
        connection's settings) while tasks it delivered still run. Their acknowledgement then
        failed inside kombu with ``AttributeError: 'NoneType' object has no attribute
        'hostname'``, which is not a connection error, so it stopped the whole worker. As a
        connection error it is logged ("Couldn't ack") and the worker goes on; the message is
        restored from the unacked index and runs again (tasks here are idempotent).
        """
        transport = self.channel.connection
        if self.channel.closed or transport is None or transport.client is None:
            raise RedisConnectionError("the broker connection this message came on is closed")


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
