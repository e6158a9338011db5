"""The read cache: a hit until its scope is invalidated; an evicted version is a miss."""

import pytest
from django.core.cache import cache

from core import cache as read_cache


@pytest.fixture(autouse=True)
def _on(settings):
    settings.HOTLINE_READ_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


class Builder:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"value {self.calls}"


def test_a_second_read_is_a_hit():
    build = Builder()

    assert read_cache.get_or_build("user:1", "user:1", build) == "value 1"
    assert read_cache.get_or_build("user:1", "user:1", build) == "value 1"
    assert build.calls == 1


def test_invalidating_the_scope_makes_the_next_read_build_again(db):
    build = Builder()
    read_cache.get_or_build("user:1", "user:1", build)

    read_cache.invalidate("user:1")

    assert read_cache.get_or_build("user:1", "user:1", build) == "value 2"


def test_an_evicted_version_is_a_miss_even_twice():
    build = Builder()
    read_cache.get_or_build("user:1", "user:1", build)
    version_key = read_cache._version_key("user:1")

    cache.delete(version_key)  # evicted
    assert read_cache.get_or_build("user:1", "user:1", build) == "value 2"
    cache.delete(version_key)  # evicted again: the entry stored meanwhile must not come back
    assert read_cache.get_or_build("user:1", "user:1", build) == "value 3"


def test_a_cache_that_fails_costs_a_database_read(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError

    monkeypatch.setattr(cache, "get_many", broken)
    build = Builder()

    assert read_cache.get_or_build("user:1", "user:1", build) == "value 1"
    assert read_cache.get_or_build("user:1", "user:1", build) == "value 2"
