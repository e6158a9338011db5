"""The timer sweep's heartbeat: when the last sweep completed, for ``/healthz`` and ``/metrics``.

A key in the broker's Redis, which every web and worker process reaches, or a file under
``VAR_DIR`` with the local file broker of ``make run`` (one machine only, so the file is shared).
"""

import logging
import os
from pathlib import Path

import redis
from django.conf import settings

from core import clock
from core.redis import is_redis_url, redis_client

logger = logging.getLogger(__name__)

SWEEP_KEY = "hotline:sweep:last"
SWEEP_FILE = "sweep-heartbeat"


def _heartbeat_file() -> Path:
    return Path(settings.VAR_DIR) / SWEEP_FILE


def sweep_heartbeat_record(*, at: float | None = None) -> None:
    """Record that a timer sweep completed now; a failure is logged, never raised."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no beat: nothing sweeps on a schedule, and the checks skip the sweeper
    stamp = f"{clock.now().timestamp() if at is None else at:.3f}"
    try:
        if is_redis_url(settings.CELERY_BROKER_URL):
            redis_client(settings.CELERY_BROKER_URL).set(SWEEP_KEY, stamp)
        else:
            path = _heartbeat_file()
            partial = path.with_suffix(f".{os.getpid()}")
            partial.write_text(stamp)
            partial.replace(path)
    except (redis.RedisError, OSError) as error:
        logger.warning("Could not record the sweep heartbeat: %s", type(error).__name__)


def sweep_last_at() -> float | None:
    """Return when the last sweep completed (epoch seconds); None when never recorded."""
    if is_redis_url(settings.CELERY_BROKER_URL):
        value = redis_client(settings.CELERY_BROKER_URL).get(SWEEP_KEY)
    else:
        try:
            value = _heartbeat_file().read_bytes()
        except FileNotFoundError:
            value = None
    return float(value) if value else None


def sweep_age_seconds(now: float | None = None) -> float | None:
    """Return the age of the last completed sweep in seconds; None when never recorded."""
    last = sweep_last_at()
    if last is None:
        return None
    return max((clock.now().timestamp() if now is None else now) - last, 0.0)
