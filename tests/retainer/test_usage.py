"""Deductions from incidents and work logs, posted by the services every caller uses."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from incidents.models import Status
from incidents.services import incident_reopen, incident_resolve, incident_transition
from retainer.models import DiagnosticEngagement, LedgerEntry, UtilisationAlert, WorkLog
from retainer.selectors import contract_balance
from retainer.services import worklog_create, worklog_delete, worklog_update
from tests.incidents.factories import IncidentFactory, incident_in_status
from tests.retainer.conftest import seoul


def _incident(contract, engineer, status=Status.ACKNOWLEDGED):
    return incident_in_status(
        status, actor=engineer, reported_at=seoul(2026, 3, 10, 9, 0), customer=contract.customer
    )


def _log(engineer, incident, hours, **extra):
    return worklog_create(
        actor=engineer, kind=WorkLog.Kind.INCIDENT, incident=incident, hours=D(hours), **extra
    )


def _entries(contract, **filters):
    return list(
        LedgerEntry.objects.filter(contract=contract, **filters)
        .order_by("id")
        .values_list("kind", "amount")
    )


def test_one_hour_incident_deducts_half_at_resolution(contract, engineer):
    incident = _incident(contract, engineer)
    _log(engineer, incident, "1")
    assert _entries(contract, incident=incident) == []  # nothing before resolution

    incident_resolve(incident=incident, actor=engineer)

    assert _entries(contract, incident=incident) == [("deduction", D("-0.5"))]
    entry = LedgerEntry.objects.get(incident=incident)
    assert (entry.hours, entry.effective_on) == (D("1"), date(2026, 3, 10))


def test_ninety_hours_deduct_one_mm(contract, engineer):
    incident = _incident(contract, engineer)
    _log(engineer, incident, "60")
    _log(engineer, incident, "30")

    incident_resolve(incident=incident, actor=engineer)

    assert _entries(contract, incident=incident) == [("deduction", D("-1.0"))]


def test_effort_logged_after_resolution_posts_a_delta(contract, engineer):
    incident = _incident(contract, engineer, Status.RESOLVED)
    _log(engineer, incident, "70")  # 0.4375 → 0.5: the resolution posted 0.5 already
    _log(engineer, incident, "20")  # 90 h → 1.0

    assert _entries(contract, incident=incident) == [
        ("deduction", D("-0.5")),
        ("adjustment", D("-0.5")),
    ]


def test_repeating_the_sync_posts_nothing(contract, engineer):
    from retainer.services import ledger_sync_incident

    incident = _incident(contract, engineer, Status.RESOLVED)
    incident.refresh_from_db()
    for _ in range(3):
        ledger_sync_incident(incident=incident, actor=engineer)

    assert len(_entries(contract, incident=incident)) == 1


def test_cancelled_incident_deducts_nothing(contract, engineer):
    incident = _incident(contract, engineer, Status.CANCELLED)

    assert _entries(contract, incident=incident) == []


def test_non_billable_incident_deducts_nothing(contract, engineer):
    incident = _incident(contract, engineer)
    _log(engineer, incident, "5", billable=False, billable_note="Our patch caused it")

    incident_resolve(incident=incident, actor=engineer)

    assert _entries(contract, incident=incident) == []


def test_marking_work_non_billable_later_gives_the_mm_back(contract, engineer):
    incident = _incident(contract, engineer)
    work = _log(engineer, incident, "3")
    incident_resolve(incident=incident, actor=engineer)

    worklog_update(
        work_log=work,
        actor=engineer,
        data={"billable": False, "billable_note": "The fault was ours"},
    )

    assert _entries(contract, incident=incident) == [
        ("deduction", D("-0.5")),
        ("adjustment", D("0.5")),
    ]


def test_reopen_keeps_the_deduction_and_the_next_resolution_settles(contract, engineer):
    incident = _incident(contract, engineer, Status.RESOLVED)
    incident_reopen(incident=incident, actor=engineer)
    assert _entries(contract, incident=incident) == [("deduction", D("-0.5"))]

    _log(engineer, incident, "100")
    assert len(_entries(contract, incident=incident)) == 1  # reopened: wait for resolution
    incident_transition(incident=incident, name="resolve", actor=engineer)

    assert _entries(contract, incident=incident) == [
        ("deduction", D("-0.5")),
        ("adjustment", D("-0.5")),
    ]


def test_deleting_incident_work_adjusts(contract, engineer):
    incident = _incident(contract, engineer)
    _log(engineer, incident, "1")
    big = _log(engineer, incident, "100")
    incident_resolve(incident=incident, actor=engineer)

    worklog_delete(work_log=big, actor=engineer)

    assert _entries(contract, incident=incident) == [
        ("deduction", D("-1.0")),
        ("adjustment", D("0.5")),
    ]


def test_work_moved_to_another_incident_corrects_both(contract, engineer):
    first, second = _incident(contract, engineer), _incident(contract, engineer)
    _log(engineer, first, "1")
    big = _log(engineer, first, "100")
    _log(engineer, second, "1")
    incident_resolve(incident=first, actor=engineer)
    incident_resolve(incident=second, actor=engineer)

    worklog_update(work_log=big, actor=engineer, data={"incident": second})

    assert _entries(contract, incident=first) == [
        ("deduction", D("-1.0")),
        ("adjustment", D("0.5")),
    ]
    assert _entries(contract, incident=second) == [
        ("deduction", D("-0.5")),
        ("adjustment", D("-0.5")),
    ]


def test_incident_without_contract_deducts_from_nothing(db, engineer, clock):
    incident = IncidentFactory(severity=2)  # a customer with no contract
    incident_transition(incident=incident, name="acknowledge", actor=engineer)
    _log(engineer, incident, "4")
    incident_transition(incident=incident, name="resolve", actor=engineer)

    assert not LedgerEntry.objects.filter(incident=incident).exists()


def _engagement(contract):
    return DiagnosticEngagement.objects.create(
        contract=contract,
        title="Annual DB review",
        onsite_starts_on=date(2026, 4, 6),
        onsite_ends_on=date(2026, 4, 10),
    )


def test_diagnostic_work_deducts_actual_effort(contract, engineer):
    work = worklog_create(
        actor=engineer,
        kind=WorkLog.Kind.DIAGNOSTIC,
        engagement=_engagement(contract),
        hours=D("100"),
        performed_on=date(2026, 3, 9),
    )

    entry = LedgerEntry.objects.get(engagement=work.engagement)
    assert (entry.kind, entry.amount, entry.effective_on) == (
        "deduction",
        D("-0.63"),
        date(2026, 3, 9),
    )


def test_diagnostic_hours_from_start_and_end(contract, engineer):
    work = worklog_create(
        actor=engineer,
        kind=WorkLog.Kind.DIAGNOSTIC,
        engagement=_engagement(contract),
        started_at=seoul(2026, 3, 9, 9, 0),
        ended_at=seoul(2026, 3, 9, 17, 0),
    )

    assert work.hours == D("8")
    assert LedgerEntry.objects.get(engagement=work.engagement).amount == D("-0.05")


def test_editing_diagnostic_hours_posts_a_correction(contract, engineer):
    work = worklog_create(
        actor=engineer, kind="diagnostic", engagement=_engagement(contract), hours=D("16")
    )
    worklog_update(work_log=work, actor=engineer, data={"hours": D("32")})

    assert _entries(contract, engagement=work.engagement) == [
        ("deduction", D("-0.10")),
        ("adjustment", D("-0.10")),
    ]


def test_deleting_diagnostic_work_gives_its_mm_back(contract, engineer):
    work = worklog_create(
        actor=engineer, kind="diagnostic", engagement=_engagement(contract), hours=D("16")
    )
    worklog_delete(work_log=work, actor=engineer)

    assert _entries(contract, engagement=work.engagement) == [
        ("deduction", D("-0.10")),
        ("adjustment", D("0.10")),
    ]


def test_advisory_work_needs_a_contract(contract, engineer):
    with pytest.raises(ValidationError) as error:
        worklog_create(actor=engineer, kind="advisory", hours=D("2"))
    assert "contract" in error.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"hours": D("0")}, "hours"),
        ({"hours": D("-1")}, "hours"),
        ({"hours": D("1.234")}, "hours"),
        ({"hours": D("800")}, "hours"),
        ({"hours": None}, "hours"),
        ({"hours": D("1"), "billable": False}, "billable_note"),
    ],
)
def test_work_log_validation(contract, engineer, data, field):
    with pytest.raises(ValidationError) as error:
        worklog_create(actor=engineer, kind="advisory", contract=contract, **data)
    assert field in error.value.message_dict


def test_customers_cannot_log_work(contract, customer_user_a):
    with pytest.raises(ValidationError) as error:
        worklog_create(actor=customer_user_a, kind="advisory", contract=contract, hours=D("1"))
    assert "engineer" in error.value.message_dict


def test_utilisation_alerts_once_at_80_and_100(
    contract, engineer, manager, django_capture_on_commit_callbacks
):
    def advise(hours):
        with django_capture_on_commit_callbacks(execute=True):
            worklog_create(actor=engineer, kind="advisory", contract=contract, hours=D(hours))

    for hours in ("744", "744", "32"):  # 9.5 M/M: 79.2 %
        advise(hours)
    assert not UtilisationAlert.objects.exists()
    advise("16")  # 9.6 M/M: 80 %
    advise("16")  # 9.7: still one 80 % alert
    advise("320")  # 11.7 M/M
    advise("48")  # 12.0 M/M: 100 %
    advise("160")  # 13.0: overage, no new alert

    assert list(UtilisationAlert.objects.values_list("threshold", flat=True)) == [80, 100]
    assert [m.to for m in mail.outbox] == [["mgr1@example.com"], ["mgr1@example.com"]]
    assert "80%" in mail.outbox[0].subject
    assert contract_balance(contract_id=contract.pk).overage == D("1")


def test_late_effort_is_dated_inside_the_contract_year(contract, engineer, clock):
    incident = _incident(contract, engineer, Status.RESOLVED)
    clock.move_to(seoul(2027, 1, 5, 10, 0))

    _log(engineer, incident, "100")

    late = LedgerEntry.objects.filter(incident=incident).latest("id")
    assert late.effective_on == date(2026, 12, 31)
    assert late.created_at.date() >= date(2027, 1, 5) - timedelta(days=1)
