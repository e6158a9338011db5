"""Fixtures for the M/M tests: an engineer, a 12 M/M contract for 2026, the clock in it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.retainer.factories import (
    AccountManagerFactory,
    CustomerFactory,
    SupportUserFactory,
    contract_with_allotment,
)

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


@pytest.fixture
def clock():
    """Freeze time on 2026-03-10 10:00 Seoul; tests move it with ``clock.move_to``."""
    with time_machine.travel(seoul(2026, 3, 10, 10, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def engineer(db):
    return SupportUserFactory(username="eng1")


@pytest.fixture
def manager(db):
    return AccountManagerFactory(username="mgr1", email="mgr1@example.com")


@pytest.fixture
def contract(db, manager, clock):
    customer = CustomerFactory(name="Hanbit", code="hanbit")
    return contract_with_allotment(
        customer=customer, code="HANBIT-2026", mm="12", account_manager=manager, actor=manager
    )
