"""The fields of a blank intake form, rendered once per process and reused.

A blank form differs only by the language, the customer's catalogue and the two initial values
(the "unknown" service, the user's phone), so its HTML is kept under exactly those: a changed
catalogue is a new key, and a new deploy starts with new processes. A bound form (errors to
show) is always rendered afresh.
"""

import threading
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

TEMPLATE = "hotline/_incident_fields.html"
MAX_ENTRIES = 512

_rendered: dict[tuple[Any, ...], str] = {}
_lock = threading.Lock()


def _key(form: Any) -> tuple[Any, ...]:
    return (
        translation.get_language(),
        tuple(form.fields["service"].choices),
        tuple(form.fields["products"].choices),
        tuple(sorted((name, str(value)) for name, value in form.initial.items())),
    )


def blank_fields_html(form: Any) -> SafeString:
    """Return the HTML of an unbound form's fields, as ``_incident_fields.html`` renders them."""
    key = _key(form)
    html = _rendered.get(key)
    if html is None:
        html = str(render_to_string(TEMPLATE, {"form": form}))
        with _lock:
            if len(_rendered) >= MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = html
    return mark_safe(html)  # noqa: S308 - the template engine escaped it
