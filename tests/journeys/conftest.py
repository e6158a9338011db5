"""Shared data and steps for the user journeys in headless Chromium (issue #8).

Every journey runs against ``live_server`` in Korean (``ko-KR``), the product's default
language; expected texts come from the catalogue through ``ko()`` so a wording change in the
product does not break a journey. The people and the customer have Korean names, so the
screenshots (``docs/screenshots/``, see ``tests/browser.py``) look like the real thing.

Nothing here is autouse: the dashboard and post-mortem journeys share this folder.
"""

import re
from datetime import date

import pytest
from django.utils import timezone, translation

from retainer.models import Product, Service
from tests.retainer.factories import (
    PASSWORD,
    AccountManagerFactory,
    CustomerFactory,
    CustomerUserFactory,
    SupportUserFactory,
    contract_with_allotment,
)

LOCALE = "ko-KR"


def ko(message: str, **values: object) -> str:
    """Return the Korean text of an English msgid, formatted with ``values`` when given."""
    with translation.override("ko"):
        text = translation.gettext(message)
    return text % values if values else text


def admin_login(page, live_server, user, *, next_url: str = "/admin/") -> None:
    """Log ``user`` in on the admin login page and land on ``next_url``."""
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.get_by_label(ko("Username")).fill(user.get_username())
    page.get_by_label(ko("Password")).fill(PASSWORD)
    page.get_by_role("button", name=ko("Log in")).click()
    page.wait_for_url(re.compile(re.escape(next_url.split("?")[0])))


@pytest.fixture
def this_year() -> tuple[date, date]:
    """The contract year around today (journeys run on the real clock: the live server's)."""
    today = timezone.localdate()
    return date(today.year, 1, 1), date(today.year, 12, 31)


@pytest.fixture
def account_manager_ko(db):
    return AccountManagerFactory(
        username="am1", first_name="지수", last_name="김", email="am1@example.com"
    )


@pytest.fixture
def engineers_ko(db):
    """Three support engineers of the firm, with Korean names."""
    names = [("서준", "이"), ("민지", "박"), ("도윤", "정")]
    return [
        SupportUserFactory(
            username=f"engineer{n}", first_name=first, last_name=last, email=f"eng{n}@example.com"
        )
        for n, (first, last) in enumerate(names, start=1)
    ]


@pytest.fixture
def hanbit(db, account_manager_ko, this_year):
    """한빛전자 with an active 12 M/M contract for this year, a service and two products."""
    customer = CustomerFactory(name="한빛전자", code="hanbit", account_manager=account_manager_ko)
    starts_on, ends_on = this_year
    contract_with_allotment(
        customer=customer,
        code=f"HANBIT-{starts_on.year}",
        mm="12",
        starts_on=starts_on,
        ends_on=ends_on,
        account_manager=account_manager_ko,
        actor=account_manager_ko,
    )
    Service.objects.create(customer=customer, name="결제 API", code="payments")
    Product.objects.create(customer=customer, name="웹 쇼핑몰")
    Product.objects.create(customer=customer, name="모바일 앱")
    # The data migration makes the shared "unknown" service; a transactional flush removes it.
    Service.objects.get_or_create(
        customer=None, code=Service.UNKNOWN_CODE, defaults={"name": "Unknown"}
    )
    return customer


@pytest.fixture
def hanbit_user(hanbit):
    """최유나, a customer user of 한빛전자."""
    return CustomerUserFactory(
        customer=hanbit,
        user__username="hanbit",
        user__first_name="유나",
        user__last_name="최",
        user__email="yuna@hanbit.example",
    ).user
