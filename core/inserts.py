"""``InsertBatch``: the rows of a new aggregate written in one statement.

A new incident is a dozen rows in six tables: the incident, its product links, its first
timeline entry, its response clock, its escalation plan and their timers, and a history row
for each tracked one. Saved one by one, each row costs Django a compiled INSERT and a round
trip; at intake that was most of the request's CPU (README "Performance").

The caller builds the model instances as usual, ``add``s them (parents before children) and
calls ``flush``. On PostgreSQL the batch:

1. takes a primary key for every instance without one from its table's sequence (one
   ``nextval`` statement for all: the keys are final before anything is written, so a child's
   foreign key is known when its row is built — Django's ``_prepare_related_fields_for_save``
   copies it from the parent, as ``save()`` does);
2. writes every row, and the django-simple-history row of every tracked instance, in one
   statement: an ``INSERT`` per table joined by data-modifying ``WITH`` clauses, each reading
   its rows from one JSON parameter. Foreign keys are checked at the end of the statement, so
   the order of the clauses does not matter; one failing row fails them all.

The SQL text depends only on the tables, not on the number of rows; it is built once per
process and prepared by the server after a few uses (``DB_PREPARE_THRESHOLD``). It names the
model's columns, so a column a newer migration added keeps its database default, as with
``save()``. Values are prepared by each field exactly as ``save()`` prepares them
(``pre_save``, then ``get_db_prep_save``), then written as JSON text that PostgreSQL reads
with each column type's input function (datetimes in ISO 8601 with their offset).

Like ``bulk_create``, the batch sends no ``pre_save``/``post_save`` signals; the history rows that
simple-history's ``post_save`` receiver would write are written by the batch itself (same user,
date, change reason and ``+`` type; its ``pre/post_create_historical_record`` signals are sent).
A model with other ``post_save`` receivers must not be added (the intake tests check the models
they use), nor a value that is an expression (``F()``…: refused with ``ValueError``).
Elsewhere — SQLite, a table with a field with its own SQL placeholder, a generated column or
no sequence — ``flush`` saves the instances the ordinary way: ``save()`` for tracked models
(history by simple-history) and ``bulk_create`` for the others.
"""

import datetime
import functools
import ipaddress
import json
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.utils import get_change_reason_from_object

# (model, alias) -> its columns and sequence, or None when the model cannot take this path.
_tables: dict[tuple[type[Model], str], tuple[list[Any], str] | None] = {}
# (alias, (model, ...)) -> the INSERT's SQL
_statements: dict[tuple[str, tuple[type[Model], ...]], str] = {}
_STATEMENT_CACHE_LIMIT = 256

ALLOCATE_SQL = (
    "SELECT u.n, nextval(u.s::regclass) FROM unnest(%s::text[]) WITH ORDINALITY AS u(s, n)"
)


def _is_tracked(model: type[Model]) -> bool:
    """Whether simple-history keeps a history of ``model``."""
    return hasattr(model._meta, "simple_history_manager_attribute")


@functools.cache
def _history_model(model: type[Model]) -> type[Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model


def _history_user(instance: Model) -> Any:
    """Who simple-history would record: ``_history_user``, else the request's signed-in user."""
    try:
        return instance._history_user  # type: ignore[attr-defined]
    except AttributeError:
        pass
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _table(model: type[Model], alias: str) -> tuple[list[Any], str] | None:
    """Return the columns and the primary key's sequence of ``model`` on ``alias``, or None."""
    key = (model, alias)
    if key not in _tables:
        _tables[key] = _describe(model, alias)
    return _tables[key]


# Field types whose prepared values ``_json_value`` writes as PostgreSQL reads them back.
_SUPPORTED_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "EmailField",
        "ForeignKey",
        "GenericIPAddressField",
        "IntegerField",
        "JSONField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallAutoField",
        "SmallIntegerField",
        "TextField",
        "TimeField",
        "URLField",
        "UUIDField",
    }
)


def _describe(model: type[Model], alias: str) -> tuple[list[Any], str] | None:
    opts = model._meta
    fields = list(opts.local_concrete_fields)
    if opts.parents or any(
        f.get_internal_type() not in _SUPPORTED_TYPES
        or f.generated
        or hasattr(f, "get_placeholder")
        for f in fields
    ):
        return None
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [connection.ops.quote_name(opts.db_table), opts.pk.column],
        )
        sequence = cursor.fetchone()[0]
    return (fields, sequence) if sequence else None


_INSERT_ROWS = (
    "INSERT INTO {table} ({columns}) SELECT {columns}"
    " FROM json_populate_recordset(NULL::{table}, %s::json)"
)


def _statement(alias: str, models: tuple[type[Model], ...]) -> str:
    """``WITH w0 AS (INSERT …), … INSERT …``: each table's rows from one JSON parameter.

    ``json_populate_recordset`` turns the array of objects (one per row, keyed by column name)
    into rows of the table's type; the INSERT takes the model's columns from them. One
    parameter per table, whatever the number of rows: psycopg converts few placeholders and
    the server prepares the statement once per connection.
    """
    key = (alias, models)
    sql = _statements.get(key)
    if sql is None:
        qn = connections[alias].ops.quote_name
        # Identifiers quoted by the backend; the rows are the parameters.
        parts = [
            _INSERT_ROWS.format(
                table=qn(model._meta.db_table),
                columns=", ".join(qn(f.column) for f in _tables[(model, alias)][0]),  # type: ignore[index]
            )
            for model in models
        ]
        *clauses, last = parts
        sql = last
        if clauses:
            sql = "WITH {} {}".format(
                ", ".join(f"w{i} AS ({clause})" for i, clause in enumerate(clauses)), last
            )
        if len(_statements) >= _STATEMENT_CACHE_LIMIT:
            _statements.clear()
        _statements[key] = sql
    return sql


def _json_value(value: Any) -> Any:
    """A prepared value json.dumps cannot write, as text PostgreSQL reads for its column."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    from psycopg.types.json import Json, Jsonb  # only on PostgreSQL

    if isinstance(value, Json | Jsonb):  # a JSONField's value, with the field's own encoder
        return json.loads(value.dumps(value.obj))
    raise TypeError(f"{type(value).__name__} cannot be batched")


def _next_keys(connection: Any, sequences: list[str]) -> list[int]:
    """Return the next value of each sequence named (a name may repeat), in order."""
    if not sequences:
        return []
    with connection.cursor() as cursor:
        cursor.execute(ALLOCATE_SQL, [sequences])
        found = dict(cursor.fetchall())
    return [found[position] for position in range(1, len(sequences) + 1)]


def _grouped(objs: list[Model]) -> dict[type[Model], list[Model]]:
    groups: dict[type[Model], list[Model]] = {}
    for obj in objs:
        groups.setdefault(type(obj), []).append(obj)
    return groups


def _rows_json(model: type[Model], members: list[Model], connection: Any) -> str:
    """The JSON array of ``members``' rows, each value prepared as ``save()`` prepares it."""
    fields = _tables[(model, connection.alias)][0]  # type: ignore[index]
    rows = []
    for obj in members:
        row = {}
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise ValueError(
                    f"{model.__name__}.{field.name} is an expression: save() the instance instead."
                )
            row[field.column] = field.get_db_prep_save(value, connection)
        rows.append(row)
    return json.dumps(rows, default=_json_value, ensure_ascii=False, separators=(",", ":"))


class InsertBatch:
    """New model instances written together by ``flush`` (see the module's docstring)."""

    def __init__(self, *, using: str | None = None) -> None:
        self.using = using
        self._objs: list[tuple[Model, bool]] = []

    def add(self, *objs: Model) -> None:
        """Queue new instances (a history row goes with each of a model simple-history tracks)."""
        for obj in objs:
            if not obj._state.adding:
                raise ValueError(
                    f"{type(obj).__name__} {obj.pk} is already saved; the batch only inserts."
                )
            tracked = _is_tracked(type(obj))
            self._objs.append((obj, tracked and not hasattr(obj, "skip_history_when_saving")))

    def __len__(self) -> int:
        return len(self._objs)

    def flush(self) -> None:
        """Write everything queued (in the caller's transaction, or a new one) and empty it.

        When it raises, nothing was written and the instances are as they were before (no key
        taken, no foreign key filled in); a value refused before any SQL leaves the caller's
        transaction usable.
        """
        objs, self._objs = self._objs, []
        if not objs:
            return
        alias = self.using or router.db_for_write(type(objs[0][0]), instance=objs[0][0])
        connection = connections[alias]
        if connection.vendor == "postgresql" and self._batchable(objs, alias):
            self._single_statement(objs, connection)
            return
        with transaction.atomic(using=alias, savepoint=False):
            self._one_by_one(objs, alias)

    # --- PostgreSQL: one statement ------------------------------------------------------------
    def _single_statement(self, objs: list[tuple[Model, bool]], connection: Any) -> None:
        rows: list[Model] = [obj for obj, _tracked in objs]
        tracked = [obj for obj, track in objs if track]
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            tracked = []
        pending = [obj for obj in rows if obj.pk is None]
        # What the batch fills in, to undo when it fails: keys and foreign keys.
        filled = [
            (obj, field, field.get_cached_value(obj, default=None))
            for obj in rows
            for field in obj._meta.concrete_fields
            if field.is_relation and getattr(obj, field.attname) is None
        ]
        try:
            written, histories = self._write(rows, tracked, pending, connection)
        except BaseException:
            for obj in pending:
                obj.pk = None
            for obj, field, related in filled:
                # Through the relation when one is set: its id is None again (pk undone above).
                setattr(obj, *((field.name, related) if related else (field.attname, None)))
            raise
        for obj in written:
            obj._state.adding = False
            obj._state.db = connection.alias
        for obj, row in histories:
            self._history_signal(post_create_historical_record, obj, row, connection.alias)

    def _write(
        self, rows: list[Model], tracked: list[Model], pending: list[Model], connection: Any
    ) -> tuple[list[Model], list[tuple[Model, Model]]]:
        """Take the keys, build every row and write them; return the rows and history rows."""
        alias = connection.alias
        with transaction.mark_for_rollback_on_error(using=alias):
            # One round trip for every key: the new rows' and their history rows'.
            keys = _next_keys(
                connection,
                [_tables[(type(obj), alias)][1] for obj in pending]  # type: ignore[index]
                + [_tables[(_history_model(type(obj)), alias)][1] for obj in tracked],  # type: ignore[index]
            )
        for obj, key in zip(pending, keys, strict=False):
            obj.pk = key
        for obj in rows:
            obj._prepare_related_fields_for_save(operation_name="save")
        groups = _grouped(rows)
        # Values first: ``pre_save`` fills ``auto_now`` fields, which the history rows copy.
        params = [_rows_json(model, members, connection) for model, members in groups.items()]
        histories = [(obj, self._history_row(obj, alias)) for obj in tracked]
        for (_obj, row), key in zip(histories, keys[len(pending) :], strict=True):
            row.pk = key
        history_groups = _grouped([row for _obj, row in histories])
        for model, members in history_groups.items():
            params.append(_rows_json(model, members, connection))
        groups.update(history_groups)
        sql = _statement(alias, tuple(groups))
        with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
            cursor.execute(sql, params)
        return [obj for members in groups.values() for obj in members], histories

    @staticmethod
    def _batchable(objs: list[tuple[Model, bool]], alias: str) -> bool:
        """Whether every table (and history table) involved can be written by the statement."""
        models = {type(obj) for obj, _tracked in objs}
        models |= {_history_model(type(obj)) for obj, tracked in objs if tracked}
        return all(_table(model, alias) is not None for model in models)

    def _history_row(self, obj: Model, alias: str) -> Model:
        """Build the ``+`` history row simple-history's ``post_save`` would write for ``obj``."""
        history_model = _history_model(type(obj))
        row = history_model(
            history_date=getattr(obj, "_history_date", timezone.now()),
            history_type="+",
            history_user=_history_user(obj),
            history_change_reason=get_change_reason_from_object(obj),
            **{f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields},
        )
        self._history_signal(pre_create_historical_record, obj, row, alias)
        return row

    @staticmethod
    def _history_signal(signal: Any, obj: Model, row: Any, alias: str) -> None:
        if signal.has_listeners(type(row)):
            signal.send(
                sender=type(row),
                instance=obj,
                history_instance=row,
                history_date=row.history_date,
                history_user=row.history_user,
                history_change_reason=row.history_change_reason,
                using=alias,
            )

    # --- elsewhere: the ordinary way ----------------------------------------------------------
    @staticmethod
    def _one_by_one(objs: list[tuple[Model, bool]], alias: str) -> None:
        pending: list[Model] = []
        for obj, tracked in objs:
            if pending and (tracked or type(pending[0]) is not type(obj)):
                type(pending[0])._default_manager.using(alias).bulk_create(pending)
                pending = []
            if tracked:
                obj.save(force_insert=True, using=alias)
            else:
                pending.append(obj)
        if pending:
            type(pending[0])._default_manager.using(alias).bulk_create(pending)
