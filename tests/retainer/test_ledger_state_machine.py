"""Any sequence of work logs, resolutions, cancellations, adjustments and close-outs keeps the
ledger consistent: balance = sum of entries, every amount a Decimal, each incident, engagement
and month of advisory work deducting exactly what the rules say, and the monthly reports of the
year adding up to it."""

import itertools
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from incidents.models import CancelReason, Incident, Status
from incidents.services import incident_transition
from retainer import rules
from retainer.models import DiagnosticEngagement, LedgerEntry, WorkLog
from retainer.reports.detail import monthly_report
from retainer.selectors import contract_balance
from retainer.services import (
    contract_close_out,
    contract_renew,
    ledger_post_adjustment,
    worklog_create,
    worklog_delete,
    worklog_update,
)
from tests.incidents.factories import IncidentFactory
from tests.retainer.conftest import seoul
from tests.retainer.factories import contract_with_allotment

HOURS = st.decimals(min_value=D("0.25"), max_value=D("200"), places=2)
AFTER_YEAR = seoul(2027, 1, 2, 9, 0)


class LedgerMachine(RuleBasedStateMachine):
    incidents = Bundle("incidents")
    work_logs = Bundle("work_logs")

    def __init__(self, engineer, manager):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # every run is rolled back in teardown
        self.engineer, self.manager = engineer, manager
        self.now = seoul(2026, 1, 5, 9, 0)
        self.contract = contract_with_allotment(mm="12", actor=manager)
        self.renewal = contract_renew(contract=self.contract, actor=manager, code="SM-RENEWAL")
        self.engagement = DiagnosticEngagement.objects.create(
            contract=self.contract,
            title="Review",
            onsite_starts_on=date(2026, 6, 1),
            onsite_ends_on=date(2026, 6, 5),
        )
        self.closed_out = False

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _tick(self, hours: int) -> None:
        # Stay inside the contract year: postings of later days are dated on its last day.
        self.now = min(self.now + timedelta(hours=hours), seoul(2026, 12, 31, 12, 0))

    @rule(target=incidents, severity=st.integers(1, 4), hours=st.integers(1, 400))
    def report(self, severity, hours):
        self._tick(hours)
        incident = IncidentFactory(customer=self.contract.customer, severity=severity, now=self.now)
        return incident.pk

    @rule(incident=incidents, hours=HOURS, billable=st.booleans())
    def log_incident_work(self, incident, hours, billable):
        worklog_create(
            actor=self.engineer,
            kind=WorkLog.Kind.INCIDENT,
            incident=Incident.objects.get(pk=incident),
            hours=hours,
            billable=billable,
            billable_note="" if billable else "Our fault",
            now=self.now,
        )

    @rule(target=work_logs, hours=HOURS, billable=st.booleans())
    def log_diagnostic(self, hours, billable):
        work = worklog_create(
            actor=self.engineer,
            kind=WorkLog.Kind.DIAGNOSTIC,
            engagement=self.engagement,
            hours=hours,
            performed_on=self.now.date(),
            billable=billable,
            billable_note="" if billable else "Goodwill",
            now=self.now,
        )
        return work.pk

    @rule(target=work_logs, hours=HOURS, billable=st.booleans(), days_back=st.integers(0, 40))
    def log_advisory(self, hours, billable, days_back):
        work = worklog_create(
            actor=self.engineer,
            kind=WorkLog.Kind.ADVISORY,
            contract=self.contract,
            hours=hours,
            performed_on=self.now.date() - timedelta(days=days_back),
            billable=billable,
            billable_note="" if billable else "Goodwill",
            now=self.now,
        )
        return work.pk

    @rule(work_log=work_logs, hours=HOURS)
    def correct_work(self, work_log, hours):
        work = WorkLog.objects.get(pk=work_log)
        worklog_update(work_log=work, actor=self.engineer, data={"hours": hours}, now=self.now)

    @rule(work_log=work_logs, days=st.integers(-45, 45), billable=st.booleans())
    def move_work(self, work_log, days, billable):
        work = WorkLog.objects.get(pk=work_log)
        data = {"performed_on": work.performed_on + timedelta(days=days), "billable": billable}
        data["billable_note"] = "" if billable else "Goodwill"
        worklog_update(work_log=work, actor=self.engineer, data=data, now=self.now)

    @rule(work_log=consumes(work_logs))
    def delete_work(self, work_log):
        worklog_delete(work_log=WorkLog.objects.get(pk=work_log), actor=self.engineer, now=self.now)

    @rule(incident=incidents, name=st.sampled_from(["acknowledge", "resolve", "reopen", "cancel"]))
    def transition(self, incident, name):
        found = Incident.objects.get(pk=incident)
        allowed = {
            "acknowledge": {Status.NEW},
            "resolve": {Status.ACKNOWLEDGED, Status.MITIGATED},
            "reopen": {Status.RESOLVED},
            "cancel": {Status.NEW},
        }
        if found.status not in allowed[name]:
            return
        extra = {"reason": CancelReason.DUPLICATE} if name == "cancel" else {}
        incident_transition(incident=found, name=name, actor=self.engineer, now=self.now, **extra)

    @rule(amount=st.decimals(min_value=D("-3"), max_value=D("3"), places=4))
    def adjust(self, amount):
        if amount != 0:
            ledger_post_adjustment(
                contract=self.contract,
                amount=amount,
                memo="correction",
                actor=self.manager,
                effective_on=self.now.date(),
            )

    @precondition(lambda self: self.now.month >= 6)
    @rule()
    def close_out(self):
        contract_close_out(contract=self.contract, actor=self.manager, now=AFTER_YEAR)
        self.closed_out = True
        balance = contract_balance(contract_id=self.contract.pk)
        assert balance.balance == -balance.overage
        carried = contract_balance(contract_id=self.renewal.pk).carry_in
        assert carried == balance.carried_out
        assert carried <= rules.carry_over_cap(D("12"), D("20"))

    @invariant()
    def balance_is_the_sum_of_decimal_entries(self):
        amounts = list(LedgerEntry.objects.values_list("amount", flat=True))
        assert all(isinstance(a, D) for a in amounts)
        total = contract_balance(contract_id=self.contract.pk).balance
        total += contract_balance(contract_id=self.renewal.pk).balance
        assert total == sum(amounts, D(0))

    @invariant()
    def each_incident_deducts_what_the_rules_say(self):
        for incident in Incident.objects.filter(contract=self.contract):
            entries = LedgerEntry.objects.filter(incident=incident)
            posted = sum(entries.values_list("amount", flat=True), D(0))
            if incident.status == Status.CANCELLED or incident.status == Status.NEW:
                assert posted == 0
            elif incident.status in (Status.RESOLVED, Status.CLOSED):
                logs = WorkLog.objects.filter(incident=incident)
                billable = sum((w.hours for w in logs if w.billable), D(0))
                other = sum((w.hours for w in logs if not w.billable), D(0))
                assert posted == -rules.incident_mm(billable, D(160), non_billable_hours=other)
            # acknowledged (perhaps reopened): what the last resolution posted stays

    @invariant()
    def each_engagement_and_advisory_month_deducts_its_effort_rounded_once(self):
        hours: dict[str, D] = defaultdict(D)
        for work in WorkLog.objects.filter(contract=self.contract).exclude(kind="incident"):
            unit = work.engagement_id if work.engagement_id else f"{work.performed_on:%Y-%m}"
            key = f"{work.kind}:{self.contract.pk}:{unit}"
            hours[key] += work.hours if work.billable else D(0)
        posted: dict[str, D] = defaultdict(D)
        for source, amount in LedgerEntry.objects.values_list("source_key", "amount"):
            if source.startswith(("diagnostic:", "advisory:")):
                posted[source.partition("#")[0]] += amount
        for key in hours.keys() | posted.keys():
            assert posted[key] == -rules.effort_mm(hours[key], D(160)), key

    def check_months_add_up(self):
        reports = [
            monthly_report(contract=self.contract, month=date(2026, m, 1)) for m in range(1, 13)
        ]
        for before, after in itertools.pairwise(reports):
            assert before.figures.closing == after.figures.opening
        year = contract_balance(contract_id=self.contract.pk)
        assert reports[-1].figures.closing == year.balance
        assert sum(r.figures.used_in_month for r in reports) == year.used
        for report in reports:
            lines = sum((line.mm for line in report.lines), D(0))
            assert report.figures.opening + lines == report.figures.closing

    @invariant()
    def months_add_up(self):
        if self.now.day % 3 == 0:  # twelve reports per check: sample, not every step
            self.check_months_add_up()


@pytest.mark.django_db
def test_ledger_state_machine(engineer, manager, clock):
    def factory():
        return LedgerMachine(engineer, manager)

    run_state_machine_as_test(
        factory,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
