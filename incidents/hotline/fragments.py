"""The blank intake form, rendered once per process and reused: its fields, and its page.

A blank form differs only by the language, the customer's catalogue and the two initial values
(the "unknown" service, the user's phone), so its HTML is kept under exactly those: a changed
catalogue is a new key, and a new deploy starts with new processes. A bound form (errors to
show) is always rendered afresh.

The page around it (``hotline/incident_form.html`` with ``base.html``) depends on a few more
things, all in its key: the time zone, the URL prefix and path, the user's name and staff flag,
the customer's name and hotline number. The one per-request part is the CSRF token: each request
gets its own (``get_token``, with the cookie update it implies), put where the cached page had
the token it was rendered with. A request with messages to show renders afresh (and consumes
them as usual).
"""

import threading
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

TEMPLATE = "hotline/_incident_fields.html"
PAGE_TEMPLATE = "hotline/incident_form.html"
MAX_ENTRIES = 512

_rendered: dict[tuple[Any, ...], str] = {}
_pages: dict[tuple[Any, ...], tuple[str, str]] = {}
_lock = threading.Lock()


def _remember(store: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    with _lock:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[key] = value


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
        _remember(_rendered, key, html)
    return mark_safe(html)  # noqa: S308 - the template engine escaped it


def blank_form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """Return ``render(request, PAGE_TEMPLATE, context)`` for a blank form, from the cache.

    ``context`` holds ``customer``, ``phone`` and the ready ``fields_html`` of an unbound form.
    """
    user = request.user
    if not user.is_authenticated or len(get_messages(request)):
        return render(request, PAGE_TEMPLATE, context)
    customer = context["customer"]
    key = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        request.get_full_path(),
        user.get_username(),
        user.is_staff,
        customer.pk,
        customer.name,
        context["phone"],
        str(context["fields_html"]),
    )
    token = get_token(request)
    cached = _pages.get(key)
    if cached is not None:
        html, rendered_token = cached
        return HttpResponse(html.replace(rendered_token, token))
    # The context's token overrides the csrf context processor's (a fresh mask per call).
    response = render(request, PAGE_TEMPLATE, {**context, "csrf_token": token})
    if response.status_code == 200 and token in (html := response.content.decode()):
        _remember(_pages, key, (html, token))
    return response
