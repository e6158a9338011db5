"""Benchmark: the operations dashboard, its live endpoint and the metrics pages.

Run: ``.venv/bin/python -m bench.dashboard`` (PostgreSQL and Redis on localhost). It recreates the
``hotline_bench_dash`` database, seeds 10,000 incidents in bulk (``bench.common.seed``) and
spreads them over the last twelve months with every time filled in (acknowledged, resolved,
impact started, detected), fired escalation steps, affected products, pages to five engineers,
post-mortems and action items, M/M ledger entries and three on-call schedules. Then:

1. query counts in-process, with 100 and with 10,000 incidents (they must be equal);
2. p50/p95 of each page over HTTP as a support engineer, one request at a time, against
   gunicorn (2 workers, ``DJANGO_DEBUG=0``).

Results go to ``bench/results/dashboard.json``; the README quotes them.
"""

import argparse
import json
import os
import random
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench_dash")

from bench import common
from bench.http import Client

PAGES = {
    "dashboard": "/admin/",
    "live": "/admin/insights/dashboard/live/",
    "times": "/admin/insights/metrics/times/",
    "slo": "/admin/insights/metrics/slo/",
    "escalation": "/admin/insights/metrics/escalation/",
    "services": "/admin/insights/metrics/services/",
    "oncall": "/admin/insights/metrics/oncall/",
}
ENGINEERS = 5


def _spread_times(rng: random.Random) -> None:
    """Move the incidents over the last 365 days and fill in their times (plain SQL, once)."""
    from django.db import connection

    from core import clock
    from incidents.models import Incident

    now = clock.now()
    rows = list(Incident.objects.values_list("pk", "status"))
    updates = []
    for pk, status in rows:
        reported = now - timedelta(minutes=rng.randint(30, 365 * 24 * 60))
        acked = resolved = closed = impact = detected = None
        if status != "new" and status != "cancelled":
            acked = reported + timedelta(minutes=rng.randint(3, 200))
        if status in ("resolved", "closed"):
            resolved = acked + timedelta(minutes=rng.randint(20, 48 * 60))
        if status == "closed":
            closed = resolved + timedelta(hours=rng.randint(1, 120))
        if rng.random() < 0.6:
            impact = reported - timedelta(minutes=rng.randint(5, 90))
            detected = impact + timedelta(minutes=rng.randint(1, 30))
        if status == "new":  # new ones are recent: the dashboard counts down their SLO
            reported = now - timedelta(minutes=rng.randint(1, 300))
        updates.append((reported, acked, resolved, closed, impact, detected, pk))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE incidents_incident SET reported_at = %s, response_due_at = %s + interval "
            "'2 hours', acknowledged_at = %s, resolved_at = %s, closed_at = %s, "
            "impact_started_at = %s, detected_at = %s WHERE id = %s",
            [(u[0], u[0], *u[1:]) for u in updates],
        )


def _escalations_and_products(rng: random.Random) -> None:
    """Fired escalation steps (every incident paged at step 0, a fifth escalated further) and
    one or two affected products per incident."""
    from incidents.escalation.models import Timer
    from incidents.models import Incident
    from retainer.models import Product

    products: dict[int, list[int]] = {}
    for pk, customer_id in Product.objects.values_list("pk", "customer_id"):
        products.setdefault(customer_id, []).append(pk)
    timers, links = [], []
    through = Incident.products.through
    for pk, customer_id, reported in Incident.objects.values_list(
        "pk", "customer_id", "reported_at"
    ):
        steps = 2 if rng.random() < 0.2 else 1
        timers += [
            Timer(incident_id=pk, kind="escalation", step=step, due_at=reported,
                  state="done", fired_at=reported + timedelta(minutes=15 * step))
            for step in range(steps)
        ]  # fmt: skip
        for product_id in rng.sample(products[customer_id], rng.randint(1, 2)):
            links.append(through(incident_id=pk, product_id=product_id))
    Timer.objects.bulk_create(timers, batch_size=5000)
    through.objects.bulk_create(links, batch_size=5000)


def _people_and_pages(rng: random.Random) -> list:
    """Five engineers on three schedules, and a page per incident to one of them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.notifications.models import Delivery
    from incidents.models import Incident
    from oncall.services import RotationInput, layer_create, schedule_create

    support = Group.objects.get(name="support")
    people = []
    for n in range(ENGINEERS):
        user = get_user_model().objects.create_user(f"bench-eng-{n}", password=common.PASSWORD)
        user.groups.add(support)
        people.append(user)
    for n, name in enumerate(("Tier 3", "DBA", "Network")):
        schedule = schedule_create(actor=None, name=name, team="Tier 3", time_zone="Asia/Seoul")
        layer_create(
            schedule=schedule,
            name="Primary",
            position=None,
            rotation=RotationInput(
                participants=people[n:] + people[:n],
                start_date=date(2025, 1, 6),
                handoff_time=time(9),
            ),
            actor=None,
        )
    pages = [
        Delivery(
            topic="incident.page",
            object_id=pk,
            idempotency_key=f"bench:page:{pk}",
            recipient=(who := rng.choice(people)),
            recipient_label=who.username,
            channel="email",
            language="ko",
            subject="Page",
            body="Page",
            data={"step": 0},
            status="sent",
            next_attempt_at=reported,
            sent_at=reported + timedelta(seconds=30),
        )
        for pk, reported in Incident.objects.values_list("pk", "reported_at")
    ]
    Delivery.objects.bulk_create(pages, batch_size=5000)
    return people


def _ledger_and_postmortems(rng: random.Random) -> None:
    """Allotments and use for every contract (some past 80 %), post-mortems for severe resolved
    incidents (some overdue) with action items."""
    from core import clock
    from incidents.models import Incident
    from postmortems.models import ActionItem, PostMortem
    from retainer.models import Contract, LedgerEntry

    now = clock.now()
    entries = []
    for contract in Contract.objects.all():
        contract.contracted_mm = Decimal(12)
        entries.append(
            LedgerEntry(contract=contract, kind="allotment", amount=Decimal(12),
                        effective_on=contract.starts_on, source_key=f"allotment:{contract.pk}#1",
                        created_at=now)
        )  # fmt: skip
        for n in range(rng.randint(10, 24)):
            entries.append(
                LedgerEntry(contract=contract, kind="deduction", amount=Decimal("-0.5"),
                            effective_on=contract.starts_on, source_key=f"bench:{contract.pk}:{n}",
                            created_at=now)
            )  # fmt: skip
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    severe = Incident.objects.filter(severity__lte=2, resolved_at__isnull=False)
    postmortems = PostMortem.objects.bulk_create(
        [
            PostMortem(incident_id=pk, due_at=resolved + timedelta(hours=72),
                       delivered_at=None if rng.random() < 0.1 else resolved + timedelta(hours=48))
            for pk, resolved in severe.values_list("pk", "resolved_at")
        ],
        batch_size=5000,
    )  # fmt: skip
    ActionItem.objects.bulk_create(
        [
            ActionItem(post_mortem=pm, title="Add an alert", type=ActionItem.Type.values[0],
                       due_date=(now - timedelta(days=rng.randint(-30, 60))).date())
            for pm in postmortems
        ],
        batch_size=5000,
    )  # fmt: skip


def seed(n_incidents: int) -> str:
    """Seed the bench database; return the support engineer's user name."""
    from django.db import connection

    rng = random.Random(8)
    seeded = common.seed(n_incidents)
    _spread_times(rng)
    _escalations_and_products(rng)
    _people_and_pages(rng)
    _ledger_and_postmortems(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return str(seeded["support"])


def query_counts(username: str) -> dict[str, int]:
    """Count each page's SQL queries, in-process (after one warm-up request)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(get_user_model().objects.get(username=username))
    counts = {}
    for name, url in PAGES.items():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


def time_pages(base: str, username: str, requests: int) -> dict[str, object]:
    """Time each page over HTTP as a support engineer, one request at a time."""
    client = Client(base)
    client.login("/admin/login/", username, common.PASSWORD)
    results = {}
    for name, url in PAGES.items():
        for _ in range(3):  # warm-up: plans, templates, connections
            client.get(url)
        if client.last_status != 200:
            raise RuntimeError(f"{url} answered HTTP {client.last_status}")
        results[name] = common.summary([client.get(url)[1] for _ in range(requests)])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path("bench/results/dashboard.json"))
    args = parser.parse_args()
    common.setup_django()
    from django.db import connection

    results: dict[str, object] = {}
    for size in (args.small, args.incidents):
        connection.close()
        common.reset_database()
        username = seed(size)
        results[f"queries_{size}"] = query_counts(username)
        print(json.dumps(results, ensure_ascii=False), flush=True)
    with common.gunicorn(workers=2) as base:
        results[f"http_{args.incidents}"] = time_pages(base, username, args.requests)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
