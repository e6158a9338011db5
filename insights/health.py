"""Health of the portal: ``/livez`` (the process answers) and ``/healthz`` (what it depends on).

``/healthz`` checks the database (``SELECT 1``), each Redis server this deployment uses (the
Celery broker unless tasks run eagerly, and the cache when it is Redis; a PING with a short
timeout) and the age of the last completed timer sweep (``HOTLINE_HEALTH_SWEEP_MAX_AGE_SECONDS``,
three sweep intervals by default). It answers 200 when every check passes and 503 naming the
failed ones; a check that raises is a failed check, never a 500. The output holds no URL, host
or secret: only check names, states, ages and exception class names.

The sweep records its completion in ``incidents.escalation.heartbeat``.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.redis import is_redis_url, redis_client
from incidents.escalation.heartbeat import sweep_age_seconds

logger = logging.getLogger(__name__)

Check = dict[str, Any]


def redis_targets() -> dict[str, str]:
    """Return the Redis servers in use by role: the broker (unless eager) and the cache."""
    targets = {}
    broker = settings.CELERY_BROKER_URL
    if is_redis_url(broker) and not settings.CELERY_TASK_ALWAYS_EAGER:
        targets["broker"] = broker
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        location = cache["LOCATION"]
        targets["cache"] = location if isinstance(location, str) else location[0]
    return targets


# --- checks -----------------------------------------------------------------------------------
def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def check_redis() -> Check:
    targets = redis_targets()
    if not targets:
        return {"status": "skipped"}
    found = {}
    for role, url in targets.items():
        try:
            redis_client(url).ping()
            found[role] = "ok"
        except (redis.RedisError, OSError) as error:
            found[role] = f"fail: {type(error).__name__}"
    failed = any(state != "ok" for state in found.values())
    return {"status": "fail" if failed else "ok", "servers": found}


def check_sweep() -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "skipped"}  # no worker and no beat: nothing sweeps on a schedule
    limit = float(settings.HOTLINE_HEALTH_SWEEP_MAX_AGE_SECONDS)
    age = sweep_age_seconds()
    if age is None:
        return {"status": "fail", "age_seconds": None, "max_age_seconds": limit}
    status = "ok" if age <= limit else "fail"
    return {"status": status, "age_seconds": round(age, 1), "max_age_seconds": limit}


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "redis": check_redis,
    "sweep": check_sweep,
}


def run_checks() -> tuple[bool, dict[str, Check]]:
    """Run every check; return whether all passed and each check's result."""
    results: dict[str, Check] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as error:  # a failed dependency is a failed check, not a 500
            result = {"status": "fail", "error": type(error).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    healthy = all(r["status"] in ("ok", "skipped") for r in results.values())
    return healthy, results


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database, Redis and sweeper: 200 when all pass, 503 naming the failed ones."""
    healthy, results = run_checks()
    failed = sorted(name for name, result in results.items() if result["status"] == "fail")
    body = {"status": "ok" if healthy else "fail", "failed": failed, "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def livez(request: HttpRequest) -> JsonResponse:
    """Say the process serves requests; touches nothing else (for restarts, not for paging)."""
    return JsonResponse({"status": "ok"})
