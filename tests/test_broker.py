"""A failed acknowledgement must not stop the worker consuming (core/broker.py), on a real Redis.

Two messages fill a prefetch of 2, the Redis server dies, both acknowledgements fail. kombu's
own transport keeps counting both against the prefetch limit, so the consumer never asks Redis
for work again and never notices the server is gone; ours frees the slots.
"""

import functools
import shutil

import pytest
from kombu import Connection, Consumer, Exchange, Producer, Queue
from redis.exceptions import ConnectionError as RedisConnectionError

from config.celery import app
from core.broker import Transport
from tests.integration.cluster import Cluster

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server")

QUEUE = Queue("broker-test", Exchange("broker-test"), "broker-test")


@pytest.fixture
def redis_server(tmp_path):
    cluster = Cluster(tmp_path, "unused")
    cluster.start_redis()
    yield cluster
    cluster.stop()


def deliver_two(conn: Connection) -> tuple[list, object]:
    """Publish two messages and receive both under a prefetch limit of 2."""
    channel = conn.channel()
    for n in (1, 2):
        Producer(channel).publish(
            {"n": n}, exchange=QUEUE.exchange, routing_key="broker-test", declare=[QUEUE]
        )
    received = []
    consumer = Consumer(
        channel, [QUEUE], callbacks=[lambda body, message: received.append(message)]
    )
    consumer.qos(prefetch_count=2)
    consumer.consume()
    while len(received) < 2:
        conn.drain_events(timeout=5)
    assert not channel.qos.can_consume()  # both slots taken
    return received, channel


def test_celery_uses_the_fixed_transport(settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as conn:
        assert conn.transport_cls == "core.broker:Transport"
        assert isinstance(conn.transport, Transport)


@pytest.mark.parametrize("settle", ["ack", "reject", "requeue"])
def test_failed_settlement_frees_the_prefetch_slot(redis_server, settle):
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    with Connection(url, transport=Transport) as conn:
        received, channel = deliver_two(conn)
        redis_server.redis.kill()
        redis_server.redis.wait(10)
        for message in received:
            settlement = (
                message.ack
                if settle == "ack"
                else functools.partial(message.reject, requeue=settle == "requeue")
            )
            with pytest.raises(RedisConnectionError):
                settlement()
        assert channel.qos.can_consume()
        assert channel.qos.can_consume_max_estimate() == 2  # both slots free
        # The consumer asks Redis for work again, so it finds out the server is gone and
        # Celery reconnects; kombu's transport would wait here forever, asking nothing.
        with pytest.raises(RedisConnectionError):
            conn.drain_events(timeout=5)

    redis_server.start_redis()
    with Connection(url, transport=Transport) as conn:
        received, _ = deliver_two(conn)  # the new server serves as before
        assert [m.payload["n"] for m in received] == [1, 2]


def test_kombu_transport_alone_stops_consuming(redis_server):
    """What the fix is for. When this fails, kombu has fixed it and core/broker.py can go."""
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    with Connection(url, transport="redis") as conn:
        received, channel = deliver_two(conn)
        redis_server.redis.kill()
        redis_server.redis.wait(10)
        for message in received:
            with pytest.raises(RedisConnectionError):
                message.ack()
        assert not channel.qos.can_consume()


@pytest.mark.parametrize("transport", [Transport, "redis"])
def test_settling_after_the_connection_was_dropped(redis_server, transport):
    """After a lost connection Celery drops it (the transport forgets its client) while tasks
    still run; their acknowledgement must be a connection error (logged, the worker goes on),
    not the AttributeError that stopped the worker."""
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    conn = Connection(url, transport=transport)
    received, channel = deliver_two(conn)
    # What the lost connection left behind: the channel's pool is gone and the transport no
    # longer knows the connection (``Connection._do_close_transport``).
    channel._disconnect_pools()
    channel.connection.client = None
    if transport == "redis":  # kombu alone: when this fails, kombu has fixed it upstream
        with pytest.raises(AttributeError):
            received[0].ack()
        return
    for message in received:
        with pytest.raises(RedisConnectionError):
            message.ack()
    assert channel.qos.can_consume_max_estimate() == 2


def test_a_tls_broker_url_keeps_tls():
    """``rediss://`` turns TLS on in kombu only for its own transport name: ours must say so."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup();"
        "from config.celery import app;"
        "c = app.connection_for_write();"
        "print(type(c.transport).__module__, sorted(c.ssl.items()) if c.ssl else c.ssl)"
    )
    env = {**os.environ, "CELERY_BROKER_URL": "rediss://127.0.0.1:6390/0"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "core.broker [('ssl_cert_reqs', <VerifyMode.CERT_REQUIRED: 2>)]"
