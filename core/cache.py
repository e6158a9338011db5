"""Read-through cache entries for hot reads that rarely change (the signed-in user, a catalogue).

Each entry belongs to a *scope* with a version token. A write to the rows behind a scope calls
``invalidate(scope)``, which replaces the token at once (later reads in the writer's own
transaction see the change) and again after commit: a reader that loaded the old rows while the
write was in flight stored them under the old token, which nobody asks for any more. Entries also
expire after ``HOTLINE_READ_CACHE_SECONDS`` (0 turns the cache off: every read goes to the
database). A cache that is down or fails is skipped, never an error.

``RedisCache`` is the cache backend used with Redis: Django's, minus a per-call client object.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")
PREFIX = "hotline:rc"


def enabled() -> bool:
    """Tell whether read caching is on (a cache every web process shares, or one process)."""
    return getattr(settings, "HOTLINE_READ_CACHE_SECONDS", 0) > 0


def _version_key(scope: str) -> str:
    return f"{PREFIX}:v:{scope}"


def get_or_build(scope: str, key: str, build: Callable[[], T]) -> T:
    """Return the cached value of ``key`` in ``scope``, building and storing it when stale."""
    if not enabled():
        return build()
    version_key, data_key = _version_key(scope), f"{PREFIX}:d:{key}"
    try:
        found = cache.get_many([version_key, data_key])
    except Exception:  # a cache outage costs a database read, nothing more
        logger.warning("Read cache unavailable", exc_info=True)
        return build()
    version, entry = found.get(version_key), found.get(data_key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        # An evicted (or never set) version is a miss, never a match: an entry stored under
        # "no version" before an invalidation would otherwise come back after a second
        # eviction. Set a fresh token before reading, so a write during the read makes this
        # entry stale.
        try:
            version = _version_new(version_key)
        except Exception:
            logger.warning("Read cache unavailable", exc_info=True)
            return build()
    value = build()
    try:
        cache.set(data_key, (version, value), settings.HOTLINE_READ_CACHE_SECONDS)
    except Exception:
        logger.warning("Read cache unavailable", exc_info=True)
    return value


def _version_new(version_key: str) -> str:
    token = uuid.uuid4().hex
    if cache.add(version_key, token, None):
        return token
    return cache.get(version_key) or token  # another process set one first


def _bump(scopes: tuple[str, ...]) -> None:
    try:
        cache.set_many({_version_key(scope): uuid.uuid4().hex for scope in scopes}, None)
    except Exception:
        logger.warning("Read cache unavailable: entries expire on their own", exc_info=True)


def invalidate(*scopes: str) -> None:
    """Make the entries of ``scopes`` stale now and again once the transaction commits."""
    if not enabled() or not scopes:
        return
    _bump(scopes)
    transaction.on_commit(lambda: _bump(scopes), robust=True)


def scope_of(*parts: Any) -> str:
    """Return a scope name such as ``user:42``."""
    return ":".join(str(part) for part in parts)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, reusing one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call (about 0.1 ms of CPU with
    redis-py 8, several times per request: the session, the read cache, rate-limit counters).
    A ``redis.Redis`` is safe to share between threads: each command borrows a connection from
    the pool.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reused: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._reused.get(id(pool))
        if client is None:
            client = self._reused[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend with ``ReusingRedisCacheClient``."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
