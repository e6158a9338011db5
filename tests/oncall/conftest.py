"""On-call fixtures: three engineers and a schedule in Seoul with a daily primary."""

import pytest

from tests.oncall.factories import EngineerFactory, ScheduleFactory, make_layer


@pytest.fixture
def engineers(db):
    return [
        EngineerFactory(username=f"engineer{n}", first_name=f"E{n}", last_name="")
        for n in (1, 2, 3)
    ]


@pytest.fixture
def schedule(db):
    return ScheduleFactory(name="Hotline")


@pytest.fixture
def primary(schedule, engineers):
    """Daily 09:00 handoffs from Monday 2025-01-06: engineer1, engineer2, engineer3, …"""
    return make_layer(schedule, engineers, name="Primary")
