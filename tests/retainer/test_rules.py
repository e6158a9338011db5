"""Golden tests of the M/M rules (DESIGN §5, seed 002), every number written out."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from retainer import rules

HPM = D("160")


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (D("1"), D("0.5")),  # under 2 hours still costs the 0.5 minimum
        (D("0.25"), D("0.5")),
        (D("0"), D("0.5")),  # resolved with nothing logged yet: the minimum
        (D("80"), D("0.5")),  # exactly 0.5 M/M
        (D("80.01"), D("1.0")),
        (D("90"), D("1.0")),  # 90 / 160 = 0.5625 → 1.0
        (D("160"), D("1.0")),
        (D("161"), D("1.5")),
        (D("400"), D("2.5")),
    ],
)
def test_incident_rounds_up_to_half_mm_with_half_minimum(hours, expected):
    assert rules.incident_mm(hours, HPM) == expected


def test_incident_with_only_non_billable_work_deducts_nothing():
    assert rules.incident_mm(D("0"), HPM, non_billable_hours=D("3")) == D("0")


def test_incident_uses_the_contracts_hours_per_mm():
    # 90 h at 180 h/M/M = exactly 0.5
    assert rules.incident_mm(D("90"), D("180")) == D("0.5")


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (D("100"), D("0.63")),  # 0.625 → half-up → 0.63
        (D("1"), D("0.01")),  # 0.00625 → 0.01
        (D("0.5"), D("0.00")),  # 0.003125 → 0.00
        (D("0.8"), D("0.01")),  # 0.005 exactly → half-up → 0.01
        (D("16"), D("0.10")),
        (D("160"), D("1.00")),
        (D("33.33"), D("0.21")),  # 0.2083125
    ],
)
def test_diagnostic_is_actual_effort_half_up_to_a_hundredth(hours, expected):
    assert rules.effort_mm(hours, HPM) == expected


def test_rules_refuse_float():
    with pytest.raises(TypeError):
        rules.effort_mm(1.5, HPM)  # type: ignore[arg-type]


def test_twelve_mm_with_eight_used_carries_two_point_four():
    split = rules.close_out(contracted=D("12"), carry_in=D("0"), used=D("8"), cap_percent=D("20"))
    assert split.carry_over == D("2.4")
    assert split.lapsed == D("1.6")
    assert split.expired_carry_in == D("0")


def test_small_leftover_carries_whole():
    split = rules.close_out(contracted=D("12"), carry_in=D("0"), used=D("11"), cap_percent=D("20"))
    assert (split.carry_over, split.lapsed) == (D("1"), D("0"))


def test_use_consumes_carry_in_first():
    # 2 carried in + 10 contracted; 3 used: 2 from the carry-in, 1 from the contract.
    split = rules.close_out(contracted=D("10"), carry_in=D("2"), used=D("3"), cap_percent=D("20"))
    assert split.expired_carry_in == D("0")
    assert split.carry_over == D("2")  # 9 unused, capped at 20 % of 10
    assert split.lapsed == D("7")


def test_unused_carry_in_expires():
    split = rules.close_out(contracted=D("10"), carry_in=D("2"), used=D("1"), cap_percent=D("20"))
    assert split.expired_carry_in == D("1")
    assert split.carry_over == D("2")
    assert split.lapsed == D("8")


def test_overage_carries_nothing():
    split = rules.close_out(contracted=D("6"), carry_in=D("1"), used=D("9"), cap_percent=D("20"))
    assert (split.carry_over, split.expired, split.lapsed) == (D("0"), D("0"), D("0"))


def test_cap_rounds_down_to_ledger_precision():
    assert rules.carry_over_cap(D("12.3457"), D("20")) == D("2.4691")


@pytest.mark.parametrize(
    ("used", "granted", "expected"),
    [(D("8"), D("10"), D("80.0")), (D("10"), D("10"), D("100.0")), (D("1"), D("3"), D("33.3"))],
)
def test_utilisation(used, granted, expected):
    assert rules.utilisation_percent(used, granted) == expected


def test_utilisation_without_grant_is_unknown():
    assert rules.utilisation_percent(D("1"), D("0")) is None


@pytest.mark.parametrize(
    ("remaining", "burn", "expected"),
    [
        (D("3"), D("1"), date(2026, 6, 1)),  # three more months after March
        (D("2.5"), D("1"), date(2026, 6, 1)),
        (D("0"), D("1"), date(2026, 3, 1)),  # already used up
        (D("-1"), D("1"), date(2026, 3, 1)),
        (D("5"), D("0"), None),  # nothing burned: no run-out
        (D("24"), D("2"), date(2027, 3, 1)),
        (D("100"), D("0.0834"), date(2126, 3, 1)),  # 1,200 months: the horizon
        (D("12"), D("0.0001"), None),  # 120,000 months: "not at the current rate"
    ],
)
def test_projected_run_out(remaining, burn, expected):
    got = rules.projected_run_out(month=date(2026, 3, 1), remaining=remaining, burn_per_month=burn)
    assert got == expected


def test_hours_between_start_and_end():
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    end = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)
    assert rules.hours_between(start, end) == D("1.33")
