"""/healthz per check (database, Redis, sweeper age) and /livez; never a 500, no secrets shown."""

from datetime import datetime, timedelta

import pytest
import time_machine

from core.redis import redis_client
from incidents.escalation import heartbeat
from incidents.escalation.sweep import timers_sweep
from insights import health

pytestmark = pytest.mark.django_db

START = datetime.fromisoformat("2026-03-10 01:00:00+00:00")
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once
TEST_REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def deployed(settings, tmp_path):
    """A deployment with a worker and beat: tasks are not eager; the file broker of `make run`."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.VAR_DIR = tmp_path
    settings.HOTLINE_HEALTH_SWEEP_MAX_AGE_SECONDS = 30
    return settings


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def get_health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response, response.json()


def test_healthy_with_a_fresh_sweep(client, deployed, frozen):
    heartbeat.sweep_heartbeat_record()
    frozen.shift(10)

    response, body = get_health(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["sweep"] == {
        "status": "ok",
        "age_seconds": 10.0,
        "max_age_seconds": 30,
        "ms": body["checks"]["sweep"]["ms"],
    }


def test_a_stale_sweeper_is_unhealthy(client, deployed, frozen):
    heartbeat.sweep_heartbeat_record()
    frozen.shift(31)

    response, body = get_health(client)

    assert response.status_code == 503
    assert body["failed"] == ["sweep"]
    assert body["checks"]["sweep"]["age_seconds"] == 31.0


def test_a_sweep_never_recorded_is_unhealthy(client, deployed):
    response, body = get_health(client)

    assert response.status_code == 503
    assert body["failed"] == ["sweep"]
    assert body["checks"]["sweep"]["age_seconds"] is None


def test_the_timer_sweep_records_its_heartbeat(deployed, frozen):
    timers_sweep()

    assert heartbeat.sweep_last_at() == START.timestamp()
    frozen.shift(5)
    assert heartbeat.sweep_age_seconds() == 5.0


def test_the_heartbeat_lives_in_the_brokers_redis(client, deployed, frozen):
    deployed.CELERY_BROKER_URL = TEST_REDIS
    redis_client(TEST_REDIS).delete(heartbeat.SWEEP_KEY)
    heartbeat.sweep_heartbeat_record()

    response, body = get_health(client)

    assert response.status_code == 200, body
    assert body["checks"]["redis"]["servers"] == {"broker": "ok"}
    assert heartbeat.sweep_last_at() == START.timestamp()


def test_redis_down_is_a_503_naming_redis_without_its_address(client, deployed):
    deployed.CELERY_BROKER_URL = CLOSED_PORT

    response, body = get_health(client)

    assert response.status_code == 503
    assert body["failed"] == ["redis", "sweep"]  # the heartbeat lives in the broker's Redis
    assert body["checks"]["redis"]["servers"] == {"broker": "fail: ConnectionError"}
    assert body["checks"]["sweep"]["error"] == "ConnectionError"
    assert b"127.0.0.1" not in response.content


def test_a_redis_cache_is_checked_too(client, deployed, frozen):
    heartbeat.sweep_heartbeat_record()
    backend = "django.core.cache.backends.redis.RedisCache"
    deployed.CACHES = {"default": {"BACKEND": backend, "LOCATION": CLOSED_PORT}}

    response, body = get_health(client)

    assert response.status_code == 503
    assert body["failed"] == ["redis"]
    assert body["checks"]["redis"]["servers"] == {"cache": "fail: ConnectionError"}


def test_a_check_that_raises_is_a_failed_check_not_a_500(client, monkeypatch):
    def broken() -> dict:
        raise ConnectionResetError("db:5432 password=secret")

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response, body = get_health(client)

    assert response.status_code == 503
    assert body["checks"]["database"]["status"] == "fail"
    assert body["checks"]["database"]["error"] == "ConnectionResetError"
    assert b"secret" not in response.content


def test_eager_tasks_skip_the_sweeper_and_the_unused_broker(client):
    """The test settings: no worker, no beat, local-memory cache — only the database counts."""
    response, body = get_health(client)

    assert response.status_code == 200
    assert body["checks"]["sweep"]["status"] == "skipped"
    assert body["checks"]["redis"]["status"] == "skipped"


def test_livez_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_takes_no_post(client):
    assert client.post("/healthz").status_code == 405


def test_probes_over_plain_http_are_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/livez").status_code == 200
    assert client.get("/hotline/").status_code == 301


@pytest.mark.parametrize("age", [timedelta(seconds=29), timedelta(seconds=30)])
def test_the_limit_is_inclusive(client, deployed, frozen, age):
    heartbeat.sweep_heartbeat_record()
    frozen.shift(age)
    assert client.get("/healthz").status_code == 200
