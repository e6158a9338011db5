"""The rows of the incident changelist, built column by column instead of cell by cell.

Django's ``items_for_result`` works out, for each of the 900 cells of a 100-row page, which field
or method a column shows, its CSS classes, whether it links, its empty-value text, and reverses
the row's URL: about half of the changelist's time. Those answers depend only on the column, so
``fast_results`` settles them once per column and per page, then formats each row with the same
helpers (``lookup_field``, ``display_for_value``, ``display_for_field``). The HTML is identical
to Django's (``tests/incidents/test_admin_results.py`` compares them); editable lists, popups
and ``to_field`` lists fall back to Django's own code.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

PK_PLACEHOLDER = "0pk0placeholder0"


@dataclass
class Column:
    """What every cell of one column shares."""

    name: Any
    index: int
    classes: list[str]
    links: bool
    tag: str
    empty: str
    getter: Callable[[Any], tuple[Any, Any, Any]]


def _getter(name: Any, model_admin: Any) -> Callable[[Any], tuple[Any, Any, Any]]:
    """Return ``obj -> (f, attr, value)`` as ``lookup_field`` would, minus its per-cell search."""
    opts = model_admin.model._meta
    if isinstance(name, str):
        try:
            field = _get_non_gfk_field(opts, name)
        except Exception:  # FieldDoesNotExist, FieldIsAForeignKeyColumnName: not a plain field
            field = None
        if field is not None:
            return lambda obj: (field, None, getattr(obj, name))
        if hasattr(model_admin, name) and name != "__str__":
            method = getattr(model_admin, name)
            return lambda obj: (None, method, method(obj))
    return lambda obj: lookup_field(name, obj, model_admin)


def _columns(cl: Any) -> list[Column]:
    def link_in_col(is_first: bool, field_name: Any) -> bool:
        if cl.list_display_links is None:
            return False
        if is_first and not cl.list_display_links:
            return True
        return field_name in cl.list_display_links

    columns, first = [], True
    empty = cl.model_admin.get_empty_value_display()
    for index, name in enumerate(cl.list_display):
        links = link_in_col(first, name)
        tag = "td"
        if links:
            tag = "th" if first else "td"
            first = False
        columns.append(
            Column(
                name=name,
                index=index,
                classes=[f"field-{_coerce_field_name(name, index)}"],
                links=links,
                tag=tag,
                empty=empty,
                getter=_getter(name, cl.model_admin),
            )
        )
    return columns


def _cell_repr(column: Column, result: Any) -> tuple[Any, list[str]]:
    """Return a cell's content and CSS classes, as ``items_for_result`` computes them."""
    classes = list(column.classes)
    empty = column.empty
    try:
        f, attr, value = column.getter(result)
    except ObjectDoesNotExist:
        return empty, classes
    empty = getattr(attr, "empty_value_display", empty)
    if isinstance(value, str) and value.strip() == "":
        value = ""
    if f is None or f.auto_created:
        if column.name == "action_checkbox":
            classes = ["action-checkbox"]
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        shown = display_for_value(value, empty, boolean)
        if isinstance(value, datetime.date | datetime.time):
            classes.append("nowrap")
        return shown, classes
    if isinstance(f.remote_field, models.ManyToOneRel):
        related = getattr(result, f.name)
        shown = empty if related is None else related
    else:
        shown = display_for_field(value, f, empty, avoid_link=column.links)
    if isinstance(f, models.DateField | models.TimeField | models.ForeignKey):
        classes.append("nowrap")
    return shown, classes


def _url_maker(cl: Any) -> Callable[[Any], str | None]:
    """Return ``result -> change URL`` (with the preserved filters), reversing only once."""
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    try:
        template = add_preserved_filters(context, cl.url_for_result(_Placeholder(cl)))
    except NoReverseMatch:
        return lambda result: None
    pk_attname = cl.pk_attname

    def url_for(result: Any) -> str:
        pk = getattr(result, pk_attname)
        if type(pk) is int and PK_PLACEHOLDER in template:  # digits need no quoting
            return template.replace(PK_PLACEHOLDER, str(pk))
        return add_preserved_filters(context, cl.url_for_result(result))

    return url_for


class _Placeholder:
    """Stands in for a row when the change URL is reversed once for the page."""

    def __init__(self, cl: Any) -> None:
        setattr(self, cl.pk_attname, PK_PLACEHOLDER)


def _row(result: Any, columns: list[Column], url_for: Callable) -> list[str]:
    cells = []
    for column in columns:
        shown, classes = _cell_repr(column, result)
        row_class = f' class="{" ".join(classes)}"'
        content = conditional_escape(shown)
        if column.links:
            url = url_for(result)
            if url is not None:
                content = f'<a href="{conditional_escape(url)}">{content}</a>'
        cells.append(mark_safe(f"<{column.tag}{row_class}>{content}</{column.tag}>"))  # noqa: S308
    return cells


def fast_results(cl: Any) -> Iterator[ResultList]:
    """Yield the changelist rows exactly as Django's ``results(cl)`` would."""
    if getattr(cl, "formset", None) or cl.is_popup or cl.to_field:
        yield from results(cl)
        return
    columns = _columns(cl)
    url_for = _url_maker(cl)
    for result in cl.result_list:
        yield ResultList(None, _row(result, columns, url_for))
