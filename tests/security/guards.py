"""A test-session guard: ``QuerySet.update()`` / ``bulk_update()`` on a historied model fails.

Both write rows without saving them one by one, so django-simple-history records nothing and the
audit trail silently loses the change (STYLE "Writes"). ``tests/conftest.py`` installs the guard
for the whole suite, so any code path a test reaches is checked. simple-history's own
``bulk_update_with_history`` (which writes the history rows itself) stays allowed.
"""

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet


class HistoryBypassError(AssertionError):
    """A historied model was written in a way that leaves no history."""


def tracked_models() -> set[type]:
    from simple_history.models import registered_models

    return {model._meta.concrete_model for model in registered_models.values()}


def _inside_simple_history(depth: int = 12) -> bool:
    frame = sys._getframe(2)
    for _ in range(depth):
        if frame is None:
            return False
        if "/simple_history/" in frame.f_code.co_filename.replace("\\", "/"):
            return True
        frame = frame.f_back
    return False


def _guard(original: Any, name: str) -> Any:
    def guarded(self: QuerySet, *args: Any, **kwargs: Any) -> Any:
        model = self.model._meta.concrete_model
        if model in tracked_models() and not _inside_simple_history():
            raise HistoryBypassError(
                f"QuerySet.{name}() on {model.__name__} bypasses django-simple-history, so the "
                "change has no history and no actor. Save each row through the service, or use "
                f"simple_history.utils.{name}_with_history."
            )
        return original(self, *args, **kwargs)

    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


@contextlib.contextmanager
def forbid_history_bypass() -> Iterator[None]:
    """Make update() and bulk_update() on historied models raise HistoryBypassError."""
    originals = {name: getattr(QuerySet, name) for name in ("update", "bulk_update")}
    for name, original in originals.items():
        setattr(QuerySet, name, _guard(original, name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(QuerySet, name, original)
