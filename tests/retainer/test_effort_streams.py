"""Diagnostic and advisory work deducts its actual effort rounded once per unit (seed 002):
per engagement and per contract and month, not per work log; old per-log entries are absorbed."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from core.people import person_name
from retainer.models import DiagnosticEngagement, LedgerEntry, WorkLog
from retainer.reports.detail import monthly_report
from retainer.selectors import contract_balance
from retainer.services import (
    ledger_sync_effort,
    ledger_sync_work_log,
    worklog_create,
    worklog_delete,
    worklog_update,
)
from retainer.services.usage import EffortStream, effort_stream_of
from tests.retainer.factories import work_log_deducted_per_log

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


@pytest.fixture
def engagement(contract):
    return _engagement(contract, "Annual DB review")


def _engagement(contract, title):
    return DiagnosticEngagement.objects.create(
        contract=contract,
        title=title,
        onsite_starts_on=date(2026, 3, 2),
        onsite_ends_on=date(2026, 3, 9),
    )


def _diagnostic(engineer, engagement, hours, day=2, **extra):
    return worklog_create(
        actor=engineer,
        kind=WorkLog.Kind.DIAGNOSTIC,
        engagement=engagement,
        hours=D(hours),
        performed_on=date(2026, 3, day),
        **extra,
    )


def _advisory(engineer, contract, hours, day, **extra):
    return worklog_create(
        actor=engineer,
        kind=WorkLog.Kind.ADVISORY,
        contract=contract,
        hours=D(hours),
        performed_on=day,
        **extra,
    )


def _held(stream):
    """Return what the stream holds in the ledger (signed M/M)."""
    return LedgerEntry.objects.filter(stream.entries()).aggregate(total=Sum("amount"))["total"]


def _used(contract):
    return contract_balance(contract_id=contract.pk).used


def _usage(contract):
    return list(
        LedgerEntry.objects.filter(contract=contract)
        .exclude(kind=LedgerEntry.Kind.ALLOTMENT)
        .order_by("id")
        .values_list("kind", "amount")
    )


def _in_month(contract, month):
    return monthly_report(contract=contract, month=month).figures.used_in_month


def test_eight_one_hour_diagnostic_logs_deduct_the_engagements_effort(
    contract, engineer, engagement
):
    for day in range(2, 10):
        _diagnostic(engineer, engagement, "1", day)

    # 8 h / 160 h = 0.05 M/M, not 8 x 0.01
    assert _used(contract) == D("0.05")
    entries = LedgerEntry.objects.filter(engagement=engagement)
    assert sum(entries.values_list("amount", flat=True)) == D("-0.05")
    assert not entries.filter(work_log__isnull=False).exists()
    assert entries.aggregate(hours=Sum("hours"))["hours"] == D("8")


def test_ten_half_hour_advisory_logs_in_a_month_deduct_their_sum(contract, engineer):
    for day in range(1, 11):
        _advisory(engineer, contract, "0.5", date(2026, 3, day))

    # 5 h / 160 h = 0.03125 → 0.03 M/M, not 10 x 0.00
    assert _used(contract) == D("0.03")
    assert _held(EffortStream(contract.pk, month=MARCH)) == D("-0.03")


def test_each_month_of_advisory_work_is_rounded_on_its_own(contract, engineer):
    for day in range(1, 6):
        _advisory(engineer, contract, "0.5", date(2026, 3, day))
        _advisory(engineer, contract, "0.5", date(2026, 4, day))

    # 2.5 h a month → 0.015625 → 0.02 each (the 5 h together would be 0.03)
    assert (_in_month(contract, MARCH), _in_month(contract, APRIL)) == (D("0.02"), D("0.02"))
    assert _used(contract) == D("0.04")


def test_syncing_again_posts_nothing(contract, engineer, engagement):
    logs = [_diagnostic(engineer, engagement, "1", day) for day in range(2, 10)]
    logs += [_advisory(engineer, contract, "0.5", date(2026, 3, 4)) for _ in range(3)]
    before = _usage(contract)

    for work in logs:
        ledger_sync_work_log(work_log=work, actor=engineer)
        ledger_sync_effort(stream=effort_stream_of(work), actor=engineer)

    assert _usage(contract) == before


def test_a_log_made_non_billable_corrects_its_engagement(contract, engineer, engagement):
    logs = [_diagnostic(engineer, engagement, "1", day) for day in range(2, 10)]

    worklog_update(
        work_log=logs[0], actor=engineer, data={"billable": False, "billable_note": "Our fault"}
    )

    # 7 h → 0.04375 → 0.04: the correction is a new entry, nothing is rewritten
    assert _used(contract) == D("0.04")
    last = LedgerEntry.objects.filter(engagement=engagement).latest("id")
    assert (last.kind, last.amount, last.hours) == ("adjustment", D("0.01"), D("-1"))


def test_a_log_moved_to_another_engagement_corrects_both(contract, engineer, engagement):
    logs = [_diagnostic(engineer, engagement, "1", day) for day in range(2, 10)]
    other = _engagement(contract, "Follow-up review")

    worklog_update(work_log=logs[0], actor=engineer, data={"engagement": other})

    assert _held(EffortStream(contract.pk, engagement_id=engagement.pk)) == D("-0.04")
    assert _held(EffortStream(contract.pk, engagement_id=other.pk)) == D("-0.01")


def test_a_log_moved_to_another_month_corrects_both_months(contract, engineer):
    logs = [_advisory(engineer, contract, "1", date(2026, 3, day)) for day in (2, 3, 4)]
    assert _in_month(contract, MARCH) == D("0.02")  # 3 h → 0.01875

    worklog_update(work_log=logs[0], actor=engineer, data={"performed_on": date(2026, 4, 2)})

    # March 2 h → 0.0125 → 0.01; April 1 h → 0.00625 → 0.01; each in its own month's report
    assert (_in_month(contract, MARCH), _in_month(contract, APRIL)) == (D("0.01"), D("0.01"))


def test_deleting_a_log_gives_its_share_back(contract, engineer, engagement):
    logs = [_diagnostic(engineer, engagement, "1", day) for day in range(2, 10)]

    worklog_delete(work_log=logs[0], actor=engineer)
    worklog_delete(work_log=logs[1], actor=engineer)

    # 6 h → 0.0375 → 0.04
    assert _used(contract) == D("0.04")
    assert not WorkLog.objects.filter(pk__in=[logs[0].pk, logs[1].pk]).exists()
    assert LedgerEntry.objects.filter(engagement=engagement).latest("id").amount == D("0.01")


def test_old_per_log_diagnostic_entries_are_absorbed_by_one_delta(contract, engineer, engagement):
    logs = [
        work_log_deducted_per_log(
            engineer=engineer,
            kind=WorkLog.Kind.DIAGNOSTIC,
            engagement=engagement,
            hours="1",
            performed_on=date(2026, 3, day),
        )
        for day in range(2, 10)
    ]
    assert _used(contract) == D("0.08")  # what the old per-log rounding posted
    count = LedgerEntry.objects.count()

    correction = ledger_sync_work_log(work_log=logs[0], actor=engineer)

    assert LedgerEntry.objects.count() == count + 1
    assert (correction.kind, correction.amount, correction.hours) == ("adjustment", D("0.03"), 0)
    assert correction.source_key == f"diagnostic:{contract.pk}:{engagement.pk}#1"
    assert _used(contract) == D("0.05")
    assert ledger_sync_work_log(work_log=logs[1], actor=engineer) is None


def test_old_per_log_advisory_work_is_deducted_on_the_next_sync(contract, engineer):
    logs = [
        work_log_deducted_per_log(
            engineer=engineer,
            kind=WorkLog.Kind.ADVISORY,
            contract=contract,
            hours="0.5",
            performed_on=date(2026, 3, day),
        )
        for day in range(1, 11)
    ]
    assert _used(contract) == 0  # ten logs each rounded to 0.00 posted nothing

    _advisory(engineer, contract, "0.5", date(2026, 3, 20))

    assert _used(contract) == D("0.03")  # 5.5 h → 0.034375 → 0.03
    assert ledger_sync_work_log(work_log=logs[0], actor=engineer) is None


def test_an_old_log_moved_to_another_month_takes_its_entries_along(contract, engineer):
    logs = [
        work_log_deducted_per_log(
            engineer=engineer,
            kind=WorkLog.Kind.ADVISORY,
            contract=contract,
            hours="1",
            performed_on=date(2026, 3, day),
        )
        for day in (2, 3, 4)
    ]
    ledger_sync_work_log(work_log=logs[0], actor=engineer)  # 3 h: 0.03 posted → 0.02
    assert _used(contract) == D("0.02")

    worklog_update(work_log=logs[0], actor=engineer, data={"performed_on": date(2026, 4, 2)})

    # March keeps two old entries (-0.02) and the correction (+0.01): 2 h → 0.01; the moved
    # log's -0.01 now counts in April, where 1 h → 0.01: nothing more to post
    assert _held(EffortStream(contract.pk, month=MARCH)) == D("-0.01")
    assert _held(EffortStream(contract.pk, month=APRIL)) == D("-0.01")
    assert _used(contract) == D("0.02")


def test_work_its_old_entries_point_at_cannot_be_deleted(contract, engineer, engagement):
    work = work_log_deducted_per_log(
        engineer=engineer, kind=WorkLog.Kind.DIAGNOSTIC, engagement=engagement, hours="16"
    )

    with pytest.raises(ValidationError):
        worklog_delete(work_log=work, actor=engineer)

    assert WorkLog.objects.filter(pk=work.pk).exists()


def test_the_report_names_the_engagement_and_its_engineers(contract, engineer, engagement):
    for day in range(2, 4):
        _diagnostic(engineer, engagement, "8", day)
    _advisory(engineer, contract, "2", date(2026, 3, 5))

    lines = monthly_report(contract=contract, month=MARCH).lines

    name = person_name(engineer)
    assert {(line.reference, line.engineers) for line in lines} == {
        ("Annual DB review", name),
        (str(WorkLog.Kind.ADVISORY.label), name),
    }
    assert sum(line.mm for line in lines) == D("-0.11")  # 16 h → 0.10, 2 h → 0.0125 → 0.01
