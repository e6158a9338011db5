"""``{{ user|person_name }}``: a person's display name (see ``core.people``)."""

from django import template

from core.people import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user) -> str:
    """Return the user's display name, family name first for Korean names."""
    return _person_name(user)
