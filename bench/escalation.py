"""Benchmark the timer sweep: 10,000 open timers, lag from due time to page, cost when idle.

    .venv/bin/python -m bench.escalation [--timers 10000] [--due 2000] [--window 100]

Recreates the PostgreSQL database ``hotline_bench_esc``, seeds ``--timers`` pending escalation
timers in bulk (``--due`` of them come due uniformly over ``--window`` seconds, the rest are
idle, due in days) plus 20,000 finished ones, then:

1. measures the sweep with nothing due: the claim query's plan (it must be an index range scan
   on the partial index, not a scan of the idle timers) and the time of one sweep call;
2. starts a real Redis, Celery worker (2 processes) and beat with the default 10-second sweep,
   and measures, per due timer, the lag from its due time to the sweep writing and enqueueing
   its page (``enqueued_at``) and to the page being sent (``sent_at``).

Prints JSON and writes it to ``bench/results/escalation.json``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.common import ROOT, percentile

DB_URL = os.environ.get(
    "BENCH_ESC_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench_esc"
)
SWEEP_SECONDS = "10"


def reset_database() -> None:
    import psycopg

    admin_url, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(admin_url + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": DB_URL, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def setup_django() -> None:
    os.environ.update(
        DATABASE_URL=DB_URL,
        DJANGO_SETTINGS_MODULE="config.settings_test",
        HOTLINE_SWEEP_INTERVAL_SECONDS=SWEEP_SECONDS,
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(timers: int, due: int, window: float, lead: float) -> float:
    """Create one incident per timer, in bulk; return the epoch second the due window opens."""
    from core import clock
    from incidents.escalation.models import IncidentEscalation, Timer
    from incidents.models import Incident
    from retainer.models import Customer
    from tests.oncall.factories import EngineerFactory

    engineer = EngineerFactory(username="bench-oncall", email="oncall@bench.io")
    customer = Customer.objects.create(name="Bench", code="bench")
    now = clock.now()
    start = now + timedelta(seconds=lead)
    incidents = Incident.objects.bulk_create(
        Incident(
            number=n,
            key=f"BENCH-{n}",
            summary=f"Bench incident {n}",
            severity=2,
            customer=customer,
            channel="api",
            reported_at=now,
            response_due_at=now + timedelta(days=30),
        )
        for n in range(1, timers + 1)
    )
    plan = [
        {
            "index": 0,
            "position": 1,
            "pass": 1,
            "delay": 0,
            "channels": ["email"],
            "targets": [{"kind": "user", "user_id": engineer.pk, "name": "bench"}],
            "skipped": False,
        }
    ]
    IncidentEscalation.objects.bulk_create(
        IncidentEscalation(incident=i, policy_name="bench", plan=plan, started_at=now)
        for i in incidents
    )
    Timer.objects.bulk_create(
        Timer(
            incident=incident,
            kind=Timer.Kind.ESCALATION,
            due_at=(
                start + timedelta(seconds=window * n / due)
                if n < due
                else now + timedelta(days=1 + n % 30)
            ),
        )
        for n, incident in enumerate(incidents)
    )
    # Finished timers stay in the table; the partial index leaves them out.
    Timer.objects.bulk_create(
        Timer(incident=i, kind=Timer.Kind.SLO_WARNING, step=s, due_at=now, state="done")
        for i in incidents
        for s in (50, 75)
    )
    return start.timestamp()


def idle_sweep_cost() -> dict[str, object]:
    """Return the claim query's plan and the time of a sweep when nothing is due."""
    from django.db import connection, transaction

    from core import clock
    from incidents.escalation.sweep import claim_query, timers_sweep

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_timer")
    with transaction.atomic():
        sql, params = claim_query(clock.now(), 100).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
    times = []
    for _ in range(200):
        started = time.perf_counter()
        timers_sweep()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "plan": plan,
        "uses_partial_index": any("timer_pending_due_idx" in line for line in plan),
        "sweep_ms_p50": round(statistics.median(times), 3),
        "sweep_ms_p99": round(percentile(times, 99), 3),
    }


def run_cluster(due: int, window_end: float, workdir: Path) -> dict[str, object]:
    from core.notifications.models import Delivery
    from tests.integration.cluster import Cluster, wait_for

    cluster = Cluster(
        workdir,
        DB_URL.rsplit("/", 1)[1],
        HOTLINE_SWEEP_INTERVAL_SECONDS=SWEEP_SECONDS,
        HOTLINE_REQUEUE_INTERVAL_SECONDS="15",
        HOTLINE_DELIVERY_STALE_SECONDS="60",
        DB_CONN_MAX_AGE="600",
    ).start()
    try:
        wait_for(lambda: time.time() > window_end, window_end - time.time() + 5)
        wait_for(
            lambda: Delivery.objects.filter(status="sent").count() >= due,
            300,
            "the pages were not all sent",
        )
    finally:
        cluster.stop()
    return lags()


def lags() -> dict[str, object]:
    from core.notifications.models import Delivery
    from incidents.escalation.models import Timer

    due = dict(
        Timer.objects.filter(kind="escalation", state="done").values_list("incident_id", "due_at")
    )
    enqueue, sent = [], []
    # created_at: written in the sweep's transaction, which enqueues the page as it commits.
    rows = Delivery.objects.values_list("object_id", "created_at", "sent_at")
    for object_id, created_at, sent_at in rows:
        enqueue.append((created_at - due[object_id]).total_seconds())
        sent.append((sent_at - due[object_id]).total_seconds())
    return {
        "pages": len(enqueue),
        "duplicates": len(enqueue) - len(set(due)),
        "enqueue_lag_s": {
            "p50": round(statistics.median(enqueue), 2),
            "p99": round(percentile(enqueue, 99), 2),
            "max": round(max(enqueue), 2),
        },
        "sent_lag_s": {
            "p50": round(statistics.median(sent), 2),
            "p99": round(percentile(sent, 99), 2),
            "max": round(max(sent), 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--window", type=float, default=100.0)
    args = parser.parse_args()
    reset_database()
    setup_django()
    lead = 60.0  # seeding and the idle measurement happen before the first timer is due
    window_start = seed(args.timers, args.due, args.window, lead)
    idle = idle_sweep_cost()
    with tempfile.TemporaryDirectory() as workdir:
        run = run_cluster(args.due, window_start + args.window, Path(workdir))
    result = {
        "open_timers": args.timers,
        "due_in_window": args.due,
        "window_s": args.window,
        "finished_timers": 2 * args.timers,
        "sweep_interval_s": float(SWEEP_SECONDS),
        "target_p99_lag_s": float(SWEEP_SECONDS) + 2,
        "idle_sweep": idle,
        **run,
    }
    text = json.dumps(result, indent=2)
    print(text)
    (ROOT / "bench" / "results" / "escalation.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
