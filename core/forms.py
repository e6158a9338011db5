"""A form renderer that builds Django's simplest widget templates in Python.

Rendering a widget through the template engine costs 0.1-0.5 ms (``select.html`` includes one
template per option); the hotline intake form and the admin changelist render dozens of them per
request. The functions below produce byte-for-byte the HTML of Django's own templates
(``tests/test_forms_renderer.py`` compares them); every other template, and any template a
project overrides, still goes through the template engine.
"""

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

Widget = dict[str, Any]
WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict[str, Any]) -> str:
    """Mirror ``attrs.html``: ``True`` is a bare attribute, ``False`` is left out."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _input(widget: Widget) -> str:
    """Mirror ``input.html``."""
    value = widget.get("value")
    shown = f' value="{conditional_escape(value)}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _input_option(widget: Widget) -> str:
    """Mirror ``input_option.html`` (radio and checkbox options)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    widget_id = widget["attrs"].get("id")
    label_for = f' for="{conditional_escape(widget_id)}"' if widget_id else ""
    # The included input.html ends with a newline, hence the "\n " before the label.
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


def _textarea(widget: Widget) -> str:
    """Mirror ``textarea.html``."""
    value = conditional_escape(widget["value"]) if widget.get("value") else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def _select_option(widget: Widget) -> str:
    """Mirror ``select_option.html``."""
    return (
        f'<option value="{conditional_escape(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{conditional_escape(widget['label'])}</option>"
    )


def _select(widget: Widget) -> str | None:
    """Mirror ``select.html``; None when an option uses a template of its own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != WIDGETS + "select_option.html":
                return None
            parts.append(f"\n  {_select_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


INPUT_TEMPLATES = (
    "input",
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)
BUILDERS: dict[str, Callable[[Widget], str | None]] = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUT_TEMPLATES},
    WIDGETS + "radio_option.html": _input_option,
    WIDGETS + "checkbox_option.html": _input_option,
    WIDGETS + "input_option.html": _input_option,
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
    WIDGETS + "select_option.html": _select_option,
}


class FastFormRenderer(DjangoTemplates):
    """Render the simple built-in widget templates in Python, the rest with templates."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        builder = BUILDERS.get(template_name)
        if builder is not None and request is None and "widget" in context:
            html = builder(context["widget"])
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request)
