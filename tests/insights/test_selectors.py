"""The figures of the metrics pages, from incidents with known times (tests/insights/conftest)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from incidents.escalation.sweep import timers_sweep
from incidents.models import Severity
from incidents.selectors import incident_month_stats
from incidents.services import incident_transition
from insights import selectors
from insights.selectors import MetricsFilter
from retainer.models import Contract
from retainer.reports.monthly import month_span
from tests.incidents.factories import IncidentFactory
from tests.insights.conftest import seoul
from tests.oncall.factories import EngineerFactory, make_page
from tests.retainer.factories import ProductFactory, ServiceFactory

FEB, MARCH = date(2026, 2, 1), date(2026, 3, 1)
FEB_MARCH = MetricsFilter(first_month=FEB, last_month=MARCH)


def by_month(rows):
    return {row.month: row for row in rows}


def test_response_times_are_the_means_per_month_of_reporting(known):
    rows = by_month(selectors.response_times_by_month(FEB_MARCH))

    march = rows[MARCH]
    assert march.incidents == 5  # the cancelled incident is left out
    assert march.mtta == timedelta(minutes=60)
    assert march.acknowledged == 4
    assert march.mttr == timedelta(minutes=105)  # 150 from the impact start, 60 from reporting
    assert march.resolved == 2
    assert march.mttd == timedelta(minutes=20)
    assert march.detected == 1
    assert rows[FEB].mtta == timedelta(minutes=10)
    assert rows[FEB].mttr is None


def test_months_are_seoul_months(known):
    """00:30 on 1 March in Seoul is still February in UTC: it counts in March."""
    first = known["first"]
    assert first.reported_at.astimezone(tz=None).utcoffset() is not None
    assert (first.reported_at.month, first.reported_at.day) == (2, 28)  # stored in UTC

    rows = by_month(selectors.response_times_by_month(FEB_MARCH))

    assert rows[FEB].incidents == 1
    assert rows[MARCH].incidents == 5


def test_months_without_incidents_are_listed_empty(known):
    filters = MetricsFilter(first_month=date(2026, 1, 1), last_month=MARCH)

    rows = selectors.response_times_by_month(filters)

    assert [row.month for row in rows] == [date(2026, 1, 1), FEB, MARCH]
    assert rows[0].incidents == 0
    assert rows[0].mtta is None


def test_severity_and_customer_filters(known, customer_b, support_user):
    IncidentFactory(customer=customer_b, now=seoul(2026, 3, 3, 10, 0))

    critical = MetricsFilter(first_month=MARCH, last_month=MARCH, severity=Severity.CRITICAL)
    (row,) = selectors.response_times_by_month(critical)
    assert (row.incidents, row.mtta, row.mttr) == (1, timedelta(minutes=20), timedelta(minutes=150))

    only_b = MetricsFilter(first_month=MARCH, last_month=MARCH, customer_id=customer_b.pk)
    (row,) = selectors.response_times_by_month(only_b)
    assert (row.incidents, row.acknowledged) == (1, 0)


def test_slo_attainment_per_month(known):
    rows = by_month(selectors.slo_by_month(FEB_MARCH))

    assert (rows[MARCH].stats.slo_met, rows[MARCH].stats.slo_total) == (3, 5)
    assert rows[MARCH].attainment == Decimal("60.0")
    assert rows[MARCH].breached == 2
    assert rows[FEB].attainment == Decimal("100.0")


def test_slo_attainment_is_the_figure_of_the_monthly_report(known, customer_b):
    """The trend counts exactly as ``incident_month_stats`` (the M/M report) does."""
    IncidentFactory(customer=customer_b, now=seoul(2026, 3, 3, 10, 0))
    contracts = list(Contract.objects.values_list("pk", flat=True))
    start, end = month_span(MARCH)

    report = incident_month_stats(contract_ids=contracts, start=start, end=end).values()
    (trend,) = selectors.slo_by_month(MetricsFilter(first_month=MARCH, last_month=MARCH))

    assert trend.stats.slo_met == sum(s.slo_met for s in report) == 3
    assert trend.stats.slo_total == sum(s.slo_total for s in report) == 6


def test_dashboard_slo_is_this_months_report_figure(known):
    picture = selectors.contracts_picture(now=seoul(2026, 3, 20, 12, 0))

    assert (picture.slo.month, picture.slo.met, picture.slo.total) == (MARCH, 3, 5)
    assert picture.slo.attainment == Decimal("60.0")


def test_escalation_rate_counts_incidents_whose_page_went_past_the_first_step(
    clock, customer_a, support_user
):
    """The default policy pages at 0 min and 15 min: ack within 15 min stops the second."""
    reported = seoul(2026, 3, 16, 10, 0)
    answered = IncidentFactory(customer=customer_a, now=reported)
    IncidentFactory(customer=customer_a, now=reported)  # escalates: nobody acknowledges it
    IncidentFactory(customer=customer_a, now=reported + timedelta(minutes=10))  # paged once
    IncidentFactory(customer=customer_a, now=reported + timedelta(minutes=20))  # not swept yet
    timers_sweep(now=reported + timedelta(minutes=1))
    incident_transition(
        incident=answered,
        name="acknowledge",
        actor=support_user,
        now=reported + timedelta(minutes=5),
    )
    timers_sweep(now=reported + timedelta(minutes=16))  # step 2 of the first two is due

    (row,) = selectors.escalation_by_month(MetricsFilter(first_month=MARCH, last_month=MARCH))

    assert row.incidents == 4
    assert row.paged == 3  # the last one was not swept yet
    assert row.escalated == 1
    assert row.rate == Decimal("33.3")


def test_incidents_by_service_and_product(known, customer_a):
    payments = customer_a.services.get(code="payments")
    shop = customer_a.products.get()
    app = ProductFactory(customer=customer_a, name="App")
    IncidentFactory(customer=customer_a, service=payments, products=[shop, app],
                    severity=Severity.CRITICAL, now=seoul(2026, 3, 15, 9, 0))  # fmt: skip
    IncidentFactory(customer=customer_a, service=payments, products=[shop],
                    severity=Severity.MEDIUM, now=seoul(2026, 3, 15, 9, 30))  # fmt: skip
    ServiceFactory(customer=customer_a, name="Unused")

    services = selectors.incidents_by_service(MetricsFilter(first_month=MARCH, last_month=MARCH))
    products = selectors.incidents_by_product(MetricsFilter(first_month=MARCH, last_month=MARCH))

    assert next((s.name, s.incidents, s.severe, s.open) for s in services) == ("Payments", 2, 1, 2)
    assert "Unused" not in [s.name for s in services]
    assert [(p.name, p.customer, p.incidents, p.severe) for p in products] == [
        ("Web shop", "Acme", 2, 1),
        ("App", "Acme", 1, 1),
    ]


def test_oncall_load_counts_pages_per_engineer_and_seoul_month(db):
    one = EngineerFactory(username="pager-one")
    two = EngineerFactory(username="pager-two")
    make_page(one, incident_id=1, at=seoul(2026, 3, 1, 0, 10))  # 28 Feb in UTC
    make_page(one, incident_id=1, at=seoul(2026, 3, 1, 0, 10), channel="sms")  # the same page
    make_page(one, incident_id=2, at=seoul(2026, 2, 10, 3, 0))
    make_page(two, incident_id=2, at=seoul(2026, 2, 10, 3, 15), step=1)

    loads = {load.user.username: load for load in selectors.oncall_load(FEB_MARCH)}

    assert loads["pager-one"].per_month == {FEB: 1, MARCH: 1}
    assert loads["pager-one"].total == 2
    assert loads["pager-two"].per_month == {FEB: 1, MARCH: 0}


@pytest.mark.parametrize(("used", "listed"), [("-7.9", False), ("-8", True), ("-10.5", True)])
def test_contracts_at_80_percent_are_listed(clock, account_manager, used, listed):
    from retainer.services.ledger import ledger_post_adjustment
    from tests.retainer.factories import contract_with_allotment

    contract = contract_with_allotment(mm="10", actor=account_manager)
    ledger_post_adjustment(
        contract=contract, amount=Decimal(used), memo="Work", actor=account_manager
    )

    picture = selectors.contracts_picture(now=seoul(2026, 3, 20, 12, 0))

    assert [row.contract.pk for row in picture.high_utilisation] == (
        [contract.pk] if listed else []
    )
