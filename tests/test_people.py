"""Names read the same everywhere: Korean family name first, others given name first."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from core.people import full_name, person_name


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("민지", "박", "박민지"),
        ("Ada", "Lovelace", "Ada Lovelace"),
        ("Ada", "", "Ada"),
        ("", "박", "박"),
        (" 서준 ", "이", "이서준"),
        ("", "", ""),
    ],
)
def test_full_name_orders_by_script(first, last, expected):
    assert full_name(first, last) == expected


def test_person_name_falls_back_to_the_username():
    user = get_user_model()(username="engineer1")
    assert person_name(user) == "engineer1"
    assert person_name(None) == ""


def test_template_filter():
    user = get_user_model()(username="u", first_name="민지", last_name="박")
    rendered = Template("{% load core_people %}{{ user|person_name }}").render(
        Context({"user": user})
    )
    assert rendered == "박민지"
