"""The incident status workflow, its times and the response SLO (DESIGN §2 and §3)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from incidents.models import CancelReason, Incident, Severity, SloState, Status, TimelineEntry
from incidents.services import (
    allowed_transitions,
    incident_acknowledge,
    incident_cancel,
    incident_transition,
    incident_update,
)
from tests.incidents.factories import IncidentFactory, incident_in_status, settle_postmortem
from tests.retainer.factories import ContractFactory, CustomerFactory, SupportUserFactory

SEOUL = ZoneInfo("Asia/Seoul")
REPORTED = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)
LATER = datetime(2026, 3, 2, 12, 0, tzinfo=SEOUL)

# DESIGN §2 written out by hand, on purpose: the matrix below must not be derived from the
# code's TRANSITIONS table, or a wrong table would go unnoticed.
DESIGN_ALLOWED = {
    (Status.NEW, "acknowledge"): Status.ACKNOWLEDGED,
    (Status.NEW, "cancel"): Status.CANCELLED,
    (Status.ACKNOWLEDGED, "mitigate"): Status.MITIGATED,
    (Status.ACKNOWLEDGED, "resolve"): Status.RESOLVED,
    (Status.MITIGATED, "resolve"): Status.RESOLVED,
    (Status.RESOLVED, "reopen"): Status.ACKNOWLEDGED,
    (Status.RESOLVED, "close"): Status.CLOSED,
}
STATUSES = (
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.MITIGATED,
    Status.RESOLVED,
    Status.CLOSED,
    Status.CANCELLED,
)
TRANSITION_NAMES = ("acknowledge", "mitigate", "resolve", "reopen", "close", "cancel")
REFUSED = [
    (status, name)
    for status in STATUSES
    for name in TRANSITION_NAMES
    if (status, name) not in DESIGN_ALLOWED
]
ARGUMENTS = {"cancel": {"reason": CancelReason.DUPLICATE}}
TIME_FIELDS = (
    "reported_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "response_due_at",
)


def _pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]}-{pair[1]}"


def _in_status(status: str, actor, customer, **kwargs) -> Incident:
    incident = incident_in_status(
        status, actor=actor, reported_at=REPORTED, customer=customer, **kwargs
    )
    if status == Status.RESOLVED:  # may be closed: its post-mortem is not owed
        settle_postmortem(incident, actor=actor, now=REPORTED + timedelta(minutes=30))
    return incident


def _snapshot(incident: Incident) -> tuple[dict, int, int]:
    row = (
        Incident.objects.filter(pk=incident.pk)
        .values(
            "status",
            "incident_manager",
            "cancel_reason",
            "cancel_note",
            "updated_at",
            *TIME_FIELDS,
        )
        .get()
    )
    return row, incident.timeline.count(), incident.history.count()


def _slo_states_in_sql(incident: Incident, now: datetime) -> set[str]:
    one = Incident.objects.filter(pk=incident.pk)
    return {state for state in SloState.values if one.with_slo_state(state, now).exists()}


@pytest.fixture
def clock(time_machine):
    """Freeze the clock at LATER; tests move it on with ``clock.move_to``."""
    time_machine.move_to(LATER, tick=False)
    return time_machine


@pytest.fixture
def tight_customer(db):
    """A customer whose contract promises a 30-minute response to severity 1."""
    customer = CustomerFactory()
    ContractFactory(customer=customer, response_minutes_sev1=30)
    return customer


def test_refused_matrix_covers_every_other_pair():
    assert len(REFUSED) == len(STATUSES) * len(TRANSITION_NAMES) - len(DESIGN_ALLOWED) == 29


@pytest.mark.parametrize("status", STATUSES)
def test_allowed_transitions_match_the_design(status, customer_a, support_user):
    incident = _in_status(status, support_user, customer_a)

    expected = {name for (source, name) in DESIGN_ALLOWED if source == status}
    assert set(allowed_transitions(incident)) == expected


@pytest.mark.parametrize(("source", "name"), list(DESIGN_ALLOWED), ids=_pair_id)
def test_allowed_transition_sets_the_target_status(source, name, customer_a, support_user, clock):
    incident = _in_status(source, support_user, customer_a)

    incident_transition(incident=incident, name=name, actor=support_user, **ARGUMENTS.get(name, {}))

    assert incident.status == DESIGN_ALLOWED[(source, name)]
    assert Incident.objects.get(pk=incident.pk).status == DESIGN_ALLOWED[(source, name)]


@pytest.mark.parametrize(("source", "name"), list(DESIGN_ALLOWED), ids=_pair_id)
def test_allowed_transition_writes_one_customer_visible_status_entry(
    source, name, customer_a, support_user, clock
):
    incident = _in_status(source, support_user, customer_a)
    before = set(incident.timeline.values_list("pk", flat=True))

    incident_transition(incident=incident, name=name, actor=support_user, **ARGUMENTS.get(name, {}))

    new_entries = list(incident.timeline.exclude(pk__in=before))
    assert len(new_entries) == 1
    entry = new_entries[0]
    assert entry.kind == TimelineEntry.Kind.STATUS
    assert entry.actor == support_user
    assert entry.visibility == TimelineEntry.Visibility.CUSTOMER
    assert entry.at == LATER
    assert entry.data == {"transition": name, "from": source, "to": DESIGN_ALLOWED[(source, name)]}


@pytest.mark.parametrize(
    ("source", "name", "field"),
    [
        (Status.NEW, "acknowledge", "acknowledged_at"),
        (Status.ACKNOWLEDGED, "mitigate", "mitigated_at"),
        (Status.ACKNOWLEDGED, "resolve", "resolved_at"),
        (Status.MITIGATED, "resolve", "resolved_at"),
        (Status.RESOLVED, "close", "closed_at"),
        (Status.NEW, "cancel", "cancelled_at"),
    ],
)
def test_transition_stamps_its_time(source, name, field, customer_a, support_user, clock):
    incident = _in_status(source, support_user, customer_a)

    incident_transition(incident=incident, name=name, actor=support_user, **ARGUMENTS.get(name, {}))

    assert getattr(incident, field) == LATER


@pytest.mark.parametrize(("source", "name"), list(DESIGN_ALLOWED), ids=_pair_id)
def test_transition_keeps_earlier_times(source, name, customer_a, support_user, clock):
    incident = _in_status(source, support_user, customer_a)
    kept = {"reported_at", "acknowledged_at", "closed_at", "cancelled_at", "response_due_at"}
    before = {field: getattr(incident, field) for field in kept}

    incident_transition(incident=incident, name=name, actor=support_user, **ARGUMENTS.get(name, {}))

    changed = {field for field in kept if getattr(incident, field) != before[field]}
    assert changed <= {f"{DESIGN_ALLOWED[(source, name)]}_at"}


def test_reopen_clears_resolved_at_and_keeps_acknowledged_at(customer_a, support_user, clock):
    incident = _in_status(Status.RESOLVED, support_user, customer_a)
    acknowledged_at = incident.acknowledged_at

    incident_transition(incident=incident, name="reopen", actor=support_user)

    assert incident.status == Status.ACKNOWLEDGED
    assert incident.resolved_at is None
    assert incident.acknowledged_at == acknowledged_at
    assert incident.time_to_resolve is None


def test_acknowledge_makes_the_actor_incident_manager(customer_a, support_user, clock):
    incident = IncidentFactory(customer=customer_a)

    incident_acknowledge(incident=incident, actor=support_user)

    assert incident.incident_manager == support_user


def test_acknowledge_takes_the_given_incident_manager(customer_a, support_user, clock):
    other = SupportUserFactory()
    incident = IncidentFactory(customer=customer_a)

    incident_acknowledge(incident=incident, actor=support_user, incident_manager=other)

    assert incident.incident_manager == other


def test_acknowledge_refuses_a_customer_as_incident_manager(
    customer_a, support_user, customer_user_a, clock
):
    incident = IncidentFactory(customer=customer_a)
    before = _snapshot(incident)

    with pytest.raises(ValidationError):
        incident_acknowledge(
            incident=incident, actor=support_user, incident_manager=customer_user_a
        )

    assert _snapshot(incident) == before


@pytest.mark.parametrize(("status", "name"), REFUSED, ids=_pair_id)
def test_refused_transition_raises_and_changes_nothing(
    status, name, customer_a, support_user, clock
):
    incident = _in_status(status, support_user, customer_a)
    before = _snapshot(incident)

    with pytest.raises(ValidationError) as excinfo:
        incident_transition(
            incident=incident, name=name, actor=support_user, **ARGUMENTS.get(name, {})
        )

    assert excinfo.value.code == "invalid_transition"
    assert _snapshot(incident) == before
    assert incident.status == status


def test_unknown_transition_is_refused(customer_a, support_user):
    incident = IncidentFactory(customer=customer_a)

    with pytest.raises(ValidationError):
        incident_transition(incident=incident, name="delete", actor=support_user)


@pytest.mark.parametrize(
    "reason", [CancelReason.DUPLICATE, CancelReason.FALSE_ALARM, CancelReason.NOT_COVERED]
)
def test_cancel_records_the_reason(reason, customer_a, support_user, clock):
    incident = IncidentFactory(customer=customer_a)

    incident_cancel(incident=incident, actor=support_user, reason=reason, note=" see HOT-1 ")

    assert (incident.cancel_reason, incident.cancel_note) == (reason, "see HOT-1")


def test_cancel_other_with_a_note_is_accepted(customer_a, support_user, clock):
    incident = IncidentFactory(customer=customer_a)

    incident_cancel(
        incident=incident, actor=support_user, reason=CancelReason.OTHER, note="Test call"
    )

    assert incident.status == Status.CANCELLED
    assert incident.cancel_note == "Test call"
    assert "Test call" in incident.timeline.get(kind=TimelineEntry.Kind.STATUS).text


@pytest.mark.parametrize(
    ("reason", "note"),
    [
        ("", "whatever"),
        ("bogus", "whatever"),
        (CancelReason.OTHER, ""),
        (CancelReason.OTHER, "   "),
    ],
)
def test_cancel_without_a_valid_reason_is_refused(reason, note, customer_a, support_user, clock):
    incident = IncidentFactory(customer=customer_a)
    before = _snapshot(incident)

    with pytest.raises(ValidationError):
        incident_cancel(incident=incident, actor=support_user, reason=reason, note=note)

    assert _snapshot(incident) == before


def test_derived_times_measure_detect_acknowledge_and_resolve(customer_a, support_user, clock):
    incident = IncidentFactory(
        customer=customer_a,
        now=REPORTED,
        impact_started_at=REPORTED - timedelta(minutes=40),
        detected_at=REPORTED - timedelta(minutes=30),
    )
    clock.move_to(REPORTED + timedelta(minutes=15))
    incident_transition(incident=incident, name="acknowledge", actor=support_user)
    clock.move_to(REPORTED + timedelta(hours=2))
    incident_transition(incident=incident, name="resolve", actor=support_user)

    assert incident.time_to_detect == timedelta(minutes=10)
    assert incident.time_to_acknowledge == timedelta(minutes=15)
    assert incident.time_to_resolve == timedelta(hours=2, minutes=40)


def test_time_to_resolve_counts_from_reporting_when_impact_start_is_unknown(
    customer_a, support_user
):
    incident = _in_status(Status.RESOLVED, support_user, customer_a)

    # Reported at REPORTED; acknowledge and resolve happen one 10-minute step apart each.
    assert incident.time_to_resolve == timedelta(minutes=20)
    assert incident.time_to_detect is None


def test_derived_times_are_none_before_the_events(customer_a):
    incident = IncidentFactory(customer=customer_a, now=REPORTED)

    assert (incident.time_to_acknowledge, incident.time_to_resolve) == (None, None)


@pytest.mark.parametrize(
    ("severity", "minutes"),
    [
        (Severity.CRITICAL, 30),
        (Severity.HIGH, 120),
        (Severity.MEDIUM, 120),
        (Severity.LOW, 120),
    ],
)
def test_response_due_is_reported_plus_the_contract_target(severity, minutes, tight_customer):
    incident = IncidentFactory(customer=tight_customer, severity=severity, now=REPORTED)

    assert incident.response_due_at == REPORTED + timedelta(minutes=minutes)


@pytest.mark.parametrize("severity", Severity.values)
def test_response_due_defaults_to_two_hours(severity, customer_a):
    incident = IncidentFactory(customer=customer_a, severity=severity, now=REPORTED)

    assert incident.response_due_at == REPORTED + timedelta(hours=2)


# (acknowledged after, cancelled, looked at after, expected) — minutes from reporting, 2 h target.
SLO_CASES = [
    pytest.param(None, False, 0, SloState.RUNNING, id="just reported"),
    pytest.param(None, False, 119, SloState.RUNNING, id="a minute left"),
    pytest.param(None, False, 120, SloState.BREACHED, id="due now, unacknowledged"),
    pytest.param(None, False, 600, SloState.BREACHED, id="long overdue"),
    pytest.param(10, False, 600, SloState.MET, id="acknowledged early"),
    pytest.param(120, False, 600, SloState.MET, id="acknowledged exactly at due"),
    pytest.param(121, False, 600, SloState.BREACHED, id="acknowledged late"),
    pytest.param(None, True, 600, SloState.NOT_APPLICABLE, id="cancelled"),
]


def _slo_incident(customer, actor, acked_after, cancelled) -> Incident:
    incident = IncidentFactory(customer=customer, now=REPORTED)
    if acked_after is not None:
        incident_acknowledge(
            incident=incident, actor=actor, now=REPORTED + timedelta(minutes=acked_after)
        )
    if cancelled:
        incident_cancel(
            incident=incident,
            actor=actor,
            reason=CancelReason.FALSE_ALARM,
            now=REPORTED + timedelta(minutes=5),
        )
    return incident


@pytest.mark.parametrize(("acked_after", "cancelled", "now_after", "expected"), SLO_CASES)
def test_slo_state(acked_after, cancelled, now_after, expected, customer_a, support_user):
    incident = _slo_incident(customer_a, support_user, acked_after, cancelled)

    assert incident.slo_state(REPORTED + timedelta(minutes=now_after)) == expected


@pytest.mark.parametrize(("acked_after", "cancelled", "now_after", "expected"), SLO_CASES)
def test_slo_state_in_sql(acked_after, cancelled, now_after, expected, customer_a, support_user):
    incident = _slo_incident(customer_a, support_user, acked_after, cancelled)

    assert _slo_states_in_sql(incident, REPORTED + timedelta(minutes=now_after)) == {expected}


def test_sev1_slo_breaches_after_the_tighter_target(tight_customer, support_user):
    incident = IncidentFactory(customer=tight_customer, severity=Severity.CRITICAL, now=REPORTED)
    now = REPORTED + timedelta(minutes=31)

    assert incident.slo_state(now) == SloState.BREACHED
    assert _slo_states_in_sql(incident, now) == {SloState.BREACHED}


# Any instant inside the contract year (2026), to the microsecond.
_REPORTED_TIMES = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=360)).map(
    lambda offset: datetime(2026, 1, 2, tzinfo=UTC) + offset
)
_OFFSETS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=4))


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    reported=_REPORTED_TIMES,
    severity=st.sampled_from(Severity.values),
    acked_after=st.none() | _OFFSETS,
    cancelled=st.booleans(),
    now_after=_OFFSETS,
)
def test_slo_state_in_python_and_sql_agree(
    tight_customer, support_user, reported, severity, acked_after, cancelled, now_after
):
    incident = IncidentFactory(customer=tight_customer, severity=severity, now=reported)
    if acked_after is not None:
        incident_acknowledge(incident=incident, actor=support_user, now=reported + acked_after)
    elif cancelled:
        incident_cancel(incident=incident, actor=support_user, reason="duplicate", now=reported)
    now = reported + now_after

    assert _slo_states_in_sql(incident, now) == {incident.slo_state(now)}


def test_severity_change_before_acknowledgement_moves_the_due_time(
    tight_customer, support_user, clock
):
    incident = IncidentFactory(customer=tight_customer, severity=Severity.HIGH, now=REPORTED)
    clock.move_to(REPORTED + timedelta(minutes=10))  # the two-hour deadline still lies ahead

    incident_update(incident=incident, actor=support_user, data={"severity": Severity.CRITICAL})

    assert incident.response_due_at == REPORTED + timedelta(minutes=30)


def test_severity_change_after_the_deadline_keeps_the_due_time(tight_customer, support_user, clock):
    """At LATER the two-hour deadline has passed: the breach is a fact, a new severity (here
    a tighter one) does not move it."""
    incident = IncidentFactory(customer=tight_customer, severity=Severity.HIGH, now=REPORTED)

    incident_update(incident=incident, actor=support_user, data={"severity": Severity.CRITICAL})

    assert incident.response_due_at == REPORTED + timedelta(hours=2)


def test_severity_change_after_acknowledgement_keeps_the_due_time(
    tight_customer, support_user, clock
):
    incident = IncidentFactory(customer=tight_customer, severity=Severity.HIGH, now=REPORTED)
    incident_acknowledge(incident=incident, actor=support_user, now=REPORTED + timedelta(hours=1))

    incident_update(incident=incident, actor=support_user, data={"severity": Severity.CRITICAL})

    assert incident.response_due_at == REPORTED + timedelta(hours=2)
    assert incident.slo_state(LATER) == SloState.MET
