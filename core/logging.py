"""Structured logs: a per-request and per-task context (request id, incident key, task).

Every log line carries what is bound in the current context: ``request_id`` (set by
``RequestContextMiddleware``, taken from a sane ``X-Request-ID`` of the proxy or made up, and
echoed in the response), ``incident`` (bound by ``bind_incident`` in the intake and workflow
services and by the sweep for each timer), ``task_name`` and ``task_id`` (Celery workers).
``ContextFilter`` copies them onto each record at the handler; ``JsonFormatter`` writes one JSON
object per line (production), ``PlainFormatter`` a readable line with the context at the end
(``DJANGO_DEBUG``). ``HOTLINE_LOG_FORMAT`` picks one explicitly (README "Operations").

The context lives in a ``ContextVar``: it is replaced when a request starts and cleared when it
finishes, and the task signals undo what a task bound, so nothing leaks into the next one.
"""

import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from celery import signals
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

CONTEXT_KEYS = ("request_id", "incident", "task_name", "task_id")
_EMPTY: dict[str, str] = {}  # never mutated: binding replaces the dict
_context: ContextVar[dict[str, str]] = ContextVar("hotline_log_context", default=_EMPTY)
# A proxy's request id is kept only when it is short and plain: it goes into every log line.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_task_tokens: dict[str, Token[dict[str, str]]] = {}


def bind(**values: str) -> Token[dict[str, str]]:
    """Add values to the current log context; return the token that undoes it."""
    return _context.set({**_context.get(), **values})


def bind_incident(key: str) -> None:
    """Tag the rest of this request's or task's log lines with the incident key.

    Outside a request or task (a shell, a command looping over incidents) nothing would clear
    the key again, so nothing is bound there.
    """
    context = _context.get()
    if context and context.get("incident") != key:
        bind(incident=key)


@contextmanager
def incident_context(key: str) -> Iterator[None]:
    """Tag the log lines inside the block with the incident key (a loop over incidents)."""
    token = bind(incident=key)
    try:
        yield
    finally:
        _context.reset(token)


def current() -> dict[str, str]:
    """Return the current log context (request id, incident key, task)."""
    return _context.get()


class ContextFilter(logging.Filter):
    """Copy the bound context onto every record passing through the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            setattr(record, key, value)
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, the context and any extras."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level"})
        kwargs.setdefault("timestamp", "time")  # ISO 8601 in UTC
        # Django's request logger attaches the request object: its repr adds nothing.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)


class PlainFormatter(logging.Formatter):
    """A readable line for development, the bound context in brackets at its end."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{key}={getattr(record, key)}" for key in CONTEXT_KEYS if hasattr(record, key)
        )
        return f"{line} [{context}]" if context else line


def _request_id(request: HttpRequest) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if given and _REQUEST_ID.fullmatch(given):
        return given
    return secrets.token_hex(8)


class RequestContextMiddleware:
    """Give each request a request id in its log lines and an ``X-Request-ID`` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _request_id(request)
        # Set, not reset on the way out: Django logs a 4xx response ("Not Found: …") after the
        # middleware returned; ``request_finished`` clears the context when the response closes.
        _context.set({"request_id": request_id})
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


@receiver(request_finished, dispatch_uid="core.logging.clear")
def _clear_request_context(**kwargs: Any) -> None:
    _context.set(_EMPTY)


# Celery: keep Django's LOGGING in workers and beat (a receiver of setup_logging stops Celery
# from replacing the root handlers), and bind the task's name and id while it runs. Settings
# import this module through LOGGING, so the receivers are connected in every process.
@signals.setup_logging.connect(weak=False)
def _keep_django_logging(**kwargs: Any) -> None:
    """Leave logging as Django's LOGGING configured it."""


@signals.task_prerun.connect(weak=False)
def _bind_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    if task_id:
        _task_tokens[task_id] = bind(task_name=getattr(task, "name", "?"), task_id=task_id)


@signals.task_postrun.connect(weak=False)
def _unbind_task(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # set in another context (should not happen): start clean
            _context.set(_EMPTY)
