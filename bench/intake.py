"""Benchmark: hotline intake throughput and the admin incident changelist.

Run: ``.venv/bin/python -m bench.intake`` (PostgreSQL and Redis on localhost). It recreates the
``hotline_bench`` database, seeds incidents in bulk, starts gunicorn with 2 workers and:

1. intake: 8 concurrent customer clients, each create = GET /hotline/new/ + POST; reports
   creates/s and p50/p95 of the create (both requests) latency;
2. admin changelist at 100 rows: p50 of GET /admin/incidents/incident/ as a support engineer,
   with 100 and with 10,000 incidents, and the query count measured in-process.
"""

import argparse
import json
import threading
import time
from pathlib import Path

from bench import common
from bench.http import Client

FORM = "/hotline/new/"
CHANGELIST = "/admin/incidents/incident/"


def _customer_payloads(codes: list[str]) -> dict[str, dict[str, object]]:
    from retainer.models import Customer

    payloads = {}
    for customer in Customer.objects.filter(code__in=codes).prefetch_related(
        "services", "products"
    ):
        payloads[customer.code] = {
            "summary": "결제 API 응답 지연",
            "description": "고객 영향: 주문 실패. 연락처 010-0000-0000",
            "severity": "2",
            "service": customer.services.first().pk,
            "products": [p.pk for p in customer.products.all()[:2]],
            "contact_phone": "010-0000-0000",
        }
    return payloads


def run_intake(
    base: common.Server, codes: list[str], clients: int, seconds: float
) -> dict[str, object]:
    """Drive ``clients`` concurrent customers filing incidents for ``seconds``.

    Besides throughput and latency, report the CPU each create cost the server (gunicorn's
    processes), PostgreSQL (the bench database's backends), Redis, the load generator (this
    process) and the whole machine (everyone else's work too).
    """
    payloads = _customer_payloads(codes)
    sessions = []
    for i in range(clients):
        code = codes[i % len(codes)]
        client = Client(base)
        client.login("/hotline/login/", f"bench-customer-{code.split('-')[1]}", common.PASSWORD)
        sessions.append((client, payloads[code]))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Event()
    stop_at = [0.0]

    def worker(client: Client, payload: dict[str, object]) -> None:
        start_gate.wait()
        mine, my_errors = [], []
        while time.perf_counter() < stop_at[0]:
            status_get, t_get = client.get(FORM)
            token = client.csrf_from_page()
            status_post, t_post = client.post(
                FORM, {**payload, "csrfmiddlewaretoken": token}, referer=base + FORM
            )
            if status_get != 200 or status_post != 302:
                my_errors.append(f"GET {status_get} POST {status_post}")
                continue
            mine.append(t_get + t_post)
        with lock:
            latencies.extend(mine)
            errors.extend(my_errors)

    threads = [threading.Thread(target=worker, args=s) for s in sessions]
    for thread in threads:
        thread.start()
    watched = common.database_backend_pids() + common.redis_server_pids()
    cpu_before = _cpu_snapshot(base, watched)
    started = time.perf_counter()
    stop_at[0] = started + seconds
    start_gate.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = _cpu_per_create(cpu_before, _cpu_snapshot(base, watched), max(len(latencies), 1))
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "creates": len(latencies),
        "creates_per_s": round(len(latencies) / elapsed, 1),
        "errors": len(errors),
        "first_errors": errors[:3],
        **common.summary(latencies),
        **cpu,
    }


def _cpu_snapshot(server: common.Server, watched: list[int]) -> dict[str, object]:
    busy, total = common.machine_busy_seconds()
    return {
        "server": common.tree_cpu_seconds(server.pid),
        "client": time.process_time(),
        "busy": busy,
        "total": total,
        "watched": common.process_cpu_seconds(watched),
    }


def _cpu_per_create(
    before: dict[str, object], after: dict[str, object], creates: int
) -> dict[str, float]:
    def delta(name: str) -> float:
        return float(after[name]) - float(before[name])  # type: ignore[arg-type]

    redis = set(common.redis_server_pids())
    database = redis_cpu = 0.0
    for pid, seconds in after["watched"].items():  # type: ignore[union-attr]
        spent = seconds - before["watched"].get(pid, seconds)  # type: ignore[union-attr]
        if pid in redis:
            redis_cpu += spent
        else:
            database += spent
    total = delta("total")
    return {
        "server_cpu_ms_per_create": round(delta("server") * 1000 / creates, 2),
        "postgres_cpu_ms_per_create": round(database * 1000 / creates, 2),
        "redis_cpu_ms_per_create": round(redis_cpu * 1000 / creates, 2),
        "client_cpu_ms_per_create": round(delta("client") * 1000 / creates, 2),
        "machine_cpu_ms_per_create": round(delta("busy") * 1000 / creates, 2),
        "machine_busy_percent": round(100 * delta("busy") / total, 1) if total else 0.0,
    }


def run_changelist(base: str, username: str, requests: int) -> dict[str, object]:
    """Time the admin incident changelist (100 rows per page) as a support engineer."""
    client = Client(base)
    client.login("/admin/login/", username, common.PASSWORD)
    client.get(CHANGELIST)
    if client.last_status != 200:
        raise RuntimeError(f"changelist answered HTTP {client.last_status}")
    rows = client.last_body.count(b'class="action-checkbox"')
    timings = [client.get(CHANGELIST)[1] for _ in range(requests)]
    return {"rows": rows, **common.summary(timings)}


def changelist_queries(username: str) -> int:
    """Count the SQL queries of one changelist request, in-process."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--changelist-requests", type=int, default=200)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--gunicorn-args", default="", help="extra gunicorn options")
    parser.add_argument("--sizes", default="", help="comma-separated incident counts to run")
    parser.add_argument("--out", type=Path, default=Path("bench/results/intake.json"))
    args = parser.parse_args()
    common.setup_django()
    from django.db import connection

    results: dict[str, object] = {}
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [100, args.incidents]
    for size in sizes:
        connection.close()
        common.reset_database()
        seeded = common.seed(size)
        queries = changelist_queries(seeded["support"])
        with common.gunicorn(
            workers=2,
            worker_class=args.worker_class,
            threads=args.threads,
            extra=tuple(args.gunicorn_args.split()),
        ) as base:
            results[f"changelist_{size}"] = {
                "queries": queries,
                **run_changelist(base, seeded["support"], args.changelist_requests),
            }
            if size == args.incidents:
                run_intake(base, seeded["customers"], args.clients, 3)  # warm-up
                results["intake"] = run_intake(
                    base, seeded["customers"], args.clients, args.seconds
                )
        print(json.dumps(results, ensure_ascii=False), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
