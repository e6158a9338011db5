"""Speed-ups for django-simple-history, applied once at start-up.

``HistoryDescriptor.__get__`` builds a new manager *class* (``Manager.from_queryset``) on every
access, and ``create_historical_record`` accesses it for each history row it writes: about a
third of the cost of a history row. The class depends only on the descriptor, so it is built
once per descriptor; the manager instance is still new on every access, as before.

``create_historical_record`` saves each history row with ``Model.save()``, which compiles the
same INSERT afresh every time (about half of a history row's cost). ``_insert_history_row``
writes the same row with the INSERT compiled once per history model and database: the same
columns, the values prepared by each field as ``save()`` prepares them, the new ``history_id``
set on the instance. It falls back to ``save()`` whenever that could differ: a ``pre_save`` or
``post_save`` receiver on the history model, a field with its own SQL placeholder, an
expression as a value, or a database that cannot return the new key from the INSERT.
"""

from typing import Any

import simple_history
from django.db import connections, router, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

_compiled: dict[tuple[type, str], tuple[str, list[Any], Any] | None] = {}


def _get(self: HistoryDescriptor, instance: Any, owner: Any) -> Any:
    manager_class = self.__dict__.get("_hotline_manager_class")
    if manager_class is None:
        manager_class = self.manager_class.from_queryset(self.queryset_class)
        self._hotline_manager_class = manager_class
    return manager_class(self.model, instance)


def _compile(model: type, alias: str) -> tuple[str, list[Any], Any] | None:
    """Return the INSERT of ``model``'s rows on ``alias``, its fields and the returned key."""
    connection = connections[alias]
    opts = model._meta
    pk = opts.pk
    if not connection.features.can_return_columns_from_insert or opts.parents:
        return None
    fields = [f for f in opts.local_concrete_fields if f is not pk or not pk.db_returning]
    if pk not in fields and not pk.db_returning:
        return None
    if any(hasattr(f, "get_placeholder") or f.generated for f in fields):
        return None
    returning = [pk] if pk not in fields else []
    qn = connection.ops.quote_name
    # Identifiers quoted by the backend, every value a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(opts.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if returning:
        returning_sql, _params = connection.ops.return_insert_columns(returning)
        sql = f"{sql} {returning_sql}"
    return sql, fields, returning[0] if returning else None


def _insert_history_row(history_instance: Any, using: str | None) -> None:
    """Insert ``history_instance`` as ``history_instance.save(using=using)`` would."""
    model = type(history_instance)
    alias = using or router.db_for_write(model, instance=history_instance)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        history_instance.save(using=using)
        return
    key = (model, alias)
    if key not in _compiled:
        _compiled[key] = _compile(model, alias)
    compiled = _compiled[key]
    if compiled is None:
        history_instance.save(using=using)
        return
    sql, fields, returned = compiled
    connection = connections[alias]
    values = [f.pre_save(history_instance, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        history_instance.save(using=using)
        return
    params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returned is not None:
            row = cursor.fetchone()
            setattr(history_instance, returned.attname, row[0])
    history_instance._state.adding = False
    history_instance._state.db = alias


def _create_historical_record(
    self: HistoricalRecords, instance: Any, history_type: str, using: str | None = None
) -> None:
    """``HistoricalRecords.create_historical_record`` of simple-history 3.13, saving the row
    through ``_insert_history_row``; the rest (user, reason, signals, m2m) is the same code."""
    using = using if self.use_base_model_db else None
    history_date = getattr(instance, "_history_date", timezone.now())
    history_user = self.get_history_user(instance)
    history_change_reason = self.get_change_reason_for_object(instance, history_type, using)
    manager = getattr(instance, self.manager_name)
    attrs = {}
    for field in self.fields_included(instance):
        attrs[field.attname] = getattr(instance, field.attname)
    relation_field = getattr(manager.model, "history_relation", None)
    if relation_field is not None:
        attrs["history_relation"] = instance
    history_instance = manager.model(
        history_date=history_date,
        history_type=history_type,
        history_user=history_user,
        history_change_reason=history_change_reason,
        **attrs,
    )
    pre_create_historical_record.send(
        sender=manager.model,
        instance=instance,
        history_date=history_date,
        history_user=history_user,
        history_change_reason=history_change_reason,
        history_instance=history_instance,
        using=using,
    )
    _insert_history_row(history_instance, using)
    self.create_historical_record_m2ms(history_instance, instance)
    post_create_historical_record.send(
        sender=manager.model,
        instance=instance,
        history_instance=history_instance,
        history_date=history_date,
        history_user=history_user,
        history_change_reason=history_change_reason,
        using=using,
    )


def install() -> None:
    """Install both speed-ups (idempotent); the second only on the version it copies."""
    HistoryDescriptor.__get__ = _get  # type: ignore[method-assign]
    if simple_history.__version__ == "3.13.0":
        HistoricalRecords.create_historical_record = _create_historical_record  # type: ignore[method-assign]
