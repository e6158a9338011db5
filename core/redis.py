"""Short-timeout Redis clients, one connection pool per URL and process (health, heartbeat)."""

import redis
from django.conf import settings

_clients: dict[str, redis.Redis] = {}


def is_redis_url(url: str) -> bool:
    """Tell whether a broker or cache URL points at a Redis server."""
    return url.startswith(("redis://", "rediss://", "unix://"))


def redis_client(url: str) -> redis.Redis:
    """Return a client that gives up after ``HOTLINE_HEALTH_TIMEOUT_SECONDS``."""
    client = _clients.get(url)
    if client is None:
        timeout = float(settings.HOTLINE_HEALTH_TIMEOUT_SECONDS)
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        _clients[url] = client
    return client
