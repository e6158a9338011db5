"""Form fields the on-call admin shares: participants typed in turn order, weekdays."""

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import is_staff_member

WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class ParticipantsField(forms.CharField):
    """Engineers' usernames in turn order, separated by commas or spaces."""

    default_help_text = _("Usernames in turn order, e.g. “engineer1, engineer2, engineer3”.")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 60}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Any]:
        text = super().clean(value) or ""
        names = [name for name in re.split(r"[\s,;]+", text) if name]
        lookup = Q()
        for name in set(names):
            lookup |= Q(username__iexact=name)
        users = get_user_model().objects.filter(lookup, is_active=True) if names else []
        found = {u.get_username().casefold(): u for u in users}
        unknown = [n for n in names if n.casefold() not in found]
        if unknown:
            raise forms.ValidationError(
                _("No active user named %(names)s."), params={"names": ", ".join(unknown)}
            )
        users = [found[n.casefold()] for n in names]
        outsiders = [u.get_username() for u in users if not is_staff_member(u)]
        if outsiders:
            raise forms.ValidationError(
                _("Only the firm's engineers can be on call: %(names)s."),
                params={"names": ", ".join(outsiders)},
            )
        return users


def participants_text(users: list[Any]) -> str:
    """Return the text a ParticipantsField shows for ``users``."""
    return ", ".join(u.get_username() for u in users)
