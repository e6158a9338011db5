"""A speed-up for django-simple-history, applied once at start-up.

``HistoryDescriptor.__get__`` builds a new manager *class* (``Manager.from_queryset``) on every
access, and ``create_historical_record`` accesses it for each history row it writes: about a
third of the cost of a history row. The class depends only on the descriptor, so it is built
once per descriptor; the manager instance is still new on every access, as before.
"""

from typing import Any

from simple_history.manager import HistoryDescriptor


def _get(self: HistoryDescriptor, instance: Any, owner: Any) -> Any:
    manager_class = self.__dict__.get("_hotline_manager_class")
    if manager_class is None:
        manager_class = self.manager_class.from_queryset(self.queryset_class)
        self._hotline_manager_class = manager_class
    return manager_class(self.model, instance)


def install() -> None:
    """Replace ``HistoryDescriptor.__get__`` with the memoizing version (idempotent)."""
    HistoryDescriptor.__get__ = _get  # type: ignore[method-assign]
