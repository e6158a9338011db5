"""Benchmark: the monthly M/M overview of 500 contracts over 100,000 ledger entries.

Run: ``.venv/bin/python -m bench.retainer`` (PostgreSQL on localhost). It recreates the
``hotline_bench_retainer`` database, seeds 500 contracts for 2026, 100,000 ledger entries and
10,000 incidents (with their response and post-mortem SLO clocks) in bulk, then measures
in-process:

1. the overview (``monthly_overview``) for June 2026: median and p95 time, and its query count
   with 50 and with 500 contracts (it must not grow with the number of contracts);
2. one contract's report (``monthly_report``) and its PDF rendering.
Results go to ``bench/results/retainer.json``; the README quotes them.
"""

import argparse
import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench_retainer"
)

import itertools

from bench import common

JUNE = date(2026, 6, 1)


def seed(n_contracts: int, n_entries: int, n_incidents: int) -> None:
    """Create customers, contracts, ledger entries and incidents in bulk."""
    from django.db import connection

    from retainer.models import Contract, Customer, LedgerEntry

    rng = random.Random(5)
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Bench {i}", code=f"bench-{i}") for i in range(n_contracts)]
    )
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                customer=c,
                code=f"MM-{i:04d}",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
                contracted_mm=Decimal(rng.choice([6, 12, 24])),
            )
            for i, c in enumerate(customers)
        ]
    )
    now = datetime.now(UTC)
    entries = [
        LedgerEntry(
            contract=c,
            kind="allotment",
            amount=c.contracted_mm,
            effective_on=c.starts_on,
            source_key=f"allotment:{c.pk}#1",
            created_at=now,
        )
        for c in contracts
    ]
    for n in range(n_entries - len(entries)):
        contract = contracts[n % len(contracts)]
        entries.append(
            LedgerEntry(
                contract=contract,
                kind=rng.choice(["deduction", "deduction", "deduction", "adjustment"]),
                amount=-Decimal(rng.choice(["0.5", "1.0", "0.01", "0.13", "0.63"])) / 10,
                hours=Decimal(rng.randint(1, 40)),
                effective_on=date(2026, 1, 1) + timedelta(days=rng.randint(0, 364)),
                source_key=f"bench:{n}",
                created_at=now,
            )
        )
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    _seed_incidents(contracts, n_incidents, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _seed_incidents(contracts: list, n_incidents: int, rng: random.Random) -> None:
    from django.utils import timezone

    from incidents.models import Incident

    start = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.get_default_timezone())
    rows = []
    for number in range(1, n_incidents + 1):
        contract = contracts[number % len(contracts)]
        reported = start + timedelta(hours=rng.randint(0, 24 * 360))
        acked = reported + timedelta(minutes=rng.randint(5, 200))
        resolved = acked + timedelta(hours=rng.randint(1, 48))
        rows.append(
            Incident(
                number=number,
                key=f"HOT-{number}",
                summary="Bench",
                severity=rng.randint(1, 4),
                status="closed",
                customer_id=contract.customer_id,
                contract=contract,
                channel="web",
                reported_at=reported,
                response_due_at=reported + timedelta(hours=2),
                acknowledged_at=acked,
                resolved_at=resolved,
                closed_at=resolved + timedelta(hours=rng.randint(1, 120)),
            )
        )
    Incident.objects.bulk_create(rows, batch_size=5000)
    _seed_slo_timers(rows, rng)


def _seed_slo_timers(incidents: list, rng: random.Random) -> None:
    """Give each incident its response clock and severity 1-2 ones a post-mortem clock."""
    from incidents.models import SloTimer

    timers = []
    for incident in incidents:
        met = incident.acknowledged_at <= incident.response_due_at
        timers.append(
            SloTimer(
                incident=incident,
                kind="response",
                started_at=incident.reported_at,
                due_at=incident.response_due_at,
                state="met" if met else "breached",
                stopped_at=incident.acknowledged_at,
            )
        )
        if incident.severity > 2:
            continue
        due = incident.resolved_at + timedelta(hours=72)
        delivered = incident.resolved_at + timedelta(hours=rng.randint(1, 120))
        timers.append(
            SloTimer(
                incident=incident,
                kind="postmortem",
                started_at=incident.resolved_at,
                due_at=due,
                state="met" if delivered <= due else "breached",
                stopped_at=delivered,
            )
        )
    SloTimer.objects.bulk_create(timers, batch_size=5000)


def _time(function, runs: int) -> tuple[dict[str, float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function()
            timings.append((time.perf_counter() - started) * 1000)
    return common.summary(timings), len(queries)


def measure(runs: int) -> dict[str, object]:
    from retainer.models import Contract
    from retainer.reports.detail import monthly_report
    from retainer.reports.monthly import contracts_in_month, monthly_overview
    from retainer.reports.pdf import report_pdf

    results: dict[str, object] = {}
    some = contracts_in_month(JUNE).filter(code__lt="MM-0050")
    stats, queries = _time(lambda: monthly_overview(month=JUNE, contracts=some.all()), runs)
    results["overview_50_contracts"] = {**stats, "queries": queries}
    stats, queries = _time(lambda: monthly_overview(month=JUNE), runs)
    results["overview_500_contracts"] = {**stats, "queries": queries}
    contract = Contract.objects.get(code="MM-0007")
    stats, queries = _time(lambda: monthly_report(contract=contract, month=JUNE), runs)
    results["one_report"] = {**stats, "queries": queries}
    report = monthly_report(contract=contract, month=JUNE)
    pdf_runs = [time.perf_counter()]
    for _ in range(5):
        report_pdf(report)
        pdf_runs.append(time.perf_counter())
    steps = [(b - a) * 1000 for a, b in itertools.pairwise(pdf_runs)]
    results["pdf_render_ms_median"] = round(statistics.median(steps), 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    common.reset_database()
    common.setup_django()
    from django.db import connection

    seed(args.contracts, args.entries, args.incidents)
    results = {
        "contracts": args.contracts,
        "ledger_entries": args.entries,
        "incidents": args.incidents,
        **measure(args.runs),
    }
    connection.close()
    out = Path(__file__).parent / "results" / "retainer.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
