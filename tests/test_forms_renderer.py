"""The fast form renderer produces exactly the HTML of Django's widget templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.forms import FastFormRenderer


class Sample(forms.Form):
    text = forms.CharField(help_text="help", widget=forms.TextInput(attrs={"class": "a<b"}))
    optional = forms.CharField(required=False)
    number = forms.IntegerField(min_value=1)
    email = forms.EmailField(required=False)
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    phone = forms.CharField(widget=forms.TextInput(attrs={"type": "tel", "autofocus": True}))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    flag = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=[("", "---"), ("a", "A & B"), ("b", mark_safe("<b>B</b>"))])
    grouped = forms.ChoiceField(choices=[("G1", [("x", "X")]), ("y", "Y")])
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")], required=False)
    radio = forms.ChoiceField(choices=[(1, "one"), (2, "two")], widget=forms.RadioSelect)
    checks = forms.MultipleChoiceField(
        choices=[("p", "P"), ("q", "Q")], widget=forms.CheckboxSelectMultiple, required=False
    )
    upload = forms.FileField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))


BOUND = {
    "text": 'x"y<z>',
    "number": "0",
    "email": "bad",
    "when": "2026-01-02T03:04",
    "phone": "010",
    "body": "line1\n<line2>",
    "flag": "on",
    "hidden": "h",
    "choice": "b",
    "grouped": "x",
    "many": ["1", "2"],
    "radio": "2",
    "checks": ["q"],
    "secret": "s&s",
}


def _render_all(form: forms.Form) -> list[str]:
    html = [str(field) for field in form]
    for name in ("radio", "checks"):
        html += [w.tag() for w in form[name]] + [w.tag(wrap_label=True) for w in form[name]]
    return html


@pytest.mark.parametrize("data", [None, BOUND], ids=["unbound", "bound"])
def test_fast_renderer_matches_django_templates(data):
    stock = _render_all(Sample(data, renderer=DjangoTemplates()))
    fast = _render_all(Sample(data, renderer=FastFormRenderer()))

    assert fast == stock


def test_settings_use_the_fast_renderer(settings):
    assert settings.FORM_RENDERER == "core.forms.FastFormRenderer"
