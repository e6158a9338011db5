"""Shared bench plumbing: a dedicated PostgreSQL database, bulk seeding, a gunicorn server."""

import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench")
PASSWORD = "bench-password"


def bench_env(**extra: str) -> dict[str, str]:
    """Return the environment for the bench server: production-like settings, the bench DB."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=BENCH_DB,
        DJANGO_DEBUG="0",
        SECRET_KEY="bench-secret-key-bench-secret-key-bench-secret-key",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HOTLINE_VAR_DIR="/tmp/hotline-bench-var",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        CACHE_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        # Plain HTTP on loopback, no second factor, no rate limits: the bench measures the app.
        HOTLINE_HTTPS="0",
        HOTLINE_REQUIRE_2FA="0",
        HOTLINE_RATELIMIT_ENABLED="0",
    )
    env.update(extra)
    return env


def setup_django() -> None:
    """Configure Django in this process against the bench database."""
    os.environ.update(bench_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reset_database() -> None:
    """Drop and recreate the bench database, then migrate it."""
    import psycopg

    admin_url = BENCH_DB.rsplit("/", 1)[0] + "/postgres"
    name = BENCH_DB.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=bench_env(), check=True
        )


def seed(n_incidents: int, n_customers: int = 20) -> dict[str, object]:
    """Create customers, users and ``n_incidents`` incidents in bulk (with history rows)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from simple_history.utils import bulk_create_with_history

    from core import clock
    from incidents.models import Incident, Status, TimelineEntry
    from retainer.models import Contract, Customer, CustomerUser, Product, Service

    user_model = get_user_model()
    rng = random.Random(42)
    support = user_model.objects.create_user("bench-support", password=PASSWORD, is_staff=True)
    support.groups.add(Group.objects.get(name="support"))
    customers, services, contracts = [], {}, {}
    today = clock.now().date()
    for i in range(n_customers):
        customer = Customer.objects.create(name=f"Bench customer {i}", code=f"bench-{i}")
        # With an e-mail address, like a real reporter: every create also queues its receipt.
        user = user_model.objects.create_user(
            f"bench-customer-{i}", f"bench-customer-{i}@example.com", PASSWORD
        )
        CustomerUser.objects.create(user=user, customer=customer, phone="010-0000-0000")
        services[customer.pk] = [
            Service.objects.create(customer=customer, name=f"Service {j}", code=f"s{j}")
            for j in range(5)
        ]
        for j in range(4):
            Product.objects.create(customer=customer, name=f"Product {j}")
        contracts[customer.pk] = Contract.objects.create(
            customer=customer,
            code=f"BENCH-{i}",
            starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(month=12, day=31),
        )
        customers.append(customer)
    now = clock.now()
    statuses = [
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.MITIGATED,
        Status.RESOLVED,
        Status.CLOSED,
        Status.CANCELLED,
    ]
    incidents = []
    for number in range(1, n_incidents + 1):
        customer = customers[number % n_customers]
        reported = now - timedelta(minutes=n_incidents - number)
        status = rng.choice(statuses)
        acked = (
            reported + timedelta(minutes=rng.randint(5, 180))
            if status not in (Status.NEW, Status.CANCELLED)
            else None
        )
        incidents.append(
            Incident(
                number=number,
                key=f"HOT-{number}",
                summary=f"Bench incident {number}",
                description="Bench",
                severity=rng.randint(1, 4),
                status=status,
                customer=customer,
                contract=contracts[customer.pk],
                service=rng.choice(services[customer.pk]),
                channel="web",
                reporter_name="Bench",
                reported_at=reported,
                response_due_at=reported + timedelta(hours=2),
                acknowledged_at=acked,
                incident_manager=support if acked else None,
            )
        )
    bulk_create_with_history(incidents, Incident, batch_size=2000)
    created = Incident.objects.order_by("number").values_list("pk", "reported_at")
    bulk_create_with_history(
        [
            TimelineEntry(
                incident_id=pk, at=at, kind="created", visibility="customer", text="Reported"
            )
            for pk, at in created
        ],
        TimelineEntry,
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('incidents_incident_number_seq', %s)", [n_incidents + 1])
        cursor.execute("ANALYZE")
    return {"support": support.username, "customers": [c.code for c in customers]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CLK_TCK = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """Return the user+system CPU seconds of a process and its children (gunicorn's workers)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / CLK_TCK
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pending.extend(int(child) for child in children)
    return total


def process_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """Return user+system CPU seconds of each process still alive."""
    found = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(stat[11]) + int(stat[12])) / CLK_TCK
    return found


def database_backend_pids() -> list[int]:
    """Return the PostgreSQL backends serving the bench database (same machine)."""
    import psycopg

    with psycopg.connect(BENCH_DB, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def redis_server_pids() -> list[int]:
    """Return the pids of redis-server processes (the bench's Redis is the local one)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "redis-server":
                    pids.append(int(entry.name))
    return pids


def machine_busy_seconds() -> tuple[float, float]:
    """Return (busy, total) CPU seconds of the whole machine so far (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / CLK_TCK, sum(fields) / CLK_TCK


class Server(str):
    """The base URL of a running server, with the pid of its master process."""

    pid: int


@contextlib.contextmanager
def gunicorn(
    workers: int = 2,
    worker_class: str = "sync",
    threads: int = 1,
    extra: tuple[str, ...] = (),
    app: str = "config.wsgi",
) -> Iterator[Server]:
    """Run gunicorn on the bench database; yield its base URL (``.pid``: the master)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--backlog",
            "256",
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        env=bench_env(),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        server = Server(f"http://127.0.0.1:{port}")
        server.pid = proc.pid
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def percentile(values: list[float], pct: float) -> float:
    """Return the pct-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(values_ms),
        "p50_ms": round(statistics.median(values_ms), 2),
        "p95_ms": round(percentile(values_ms, 95), 2),
        "p99_ms": round(percentile(values_ms, 99), 2),
    }
