"""CPU cost of one hotline intake (GET of the form + its POST), measured in-process.

Run: ``.venv/bin/python -m bench.intake_cpu`` (PostgreSQL and Redis on localhost). Wall-clock
throughput on a shared 2-core machine moves with everyone else's load; the CPU time this process
spends per request does not (much). The harness calls the real WSGI application
(``config.wsgi``: every middleware, the handler's request signals, persistent connections) with
hand-built WSGI environments, production-like settings (``DJANGO_DEBUG=0``, Redis cache and
broker), against its own database ``hotline_bench_cpu`` seeded with 10,000 incidents. It reports:

- CPU ms of this process per GET and per POST (``time.process_time``), wall ms for reference;
- CPU ms the PostgreSQL backend spent per create (``/proc/<backend pid>/stat``);
- SQL statements per GET and per POST (``CaptureQueriesContext``, in a separate pass);
- with ``--profile FILE``, a cProfile of the timed loop (top functions printed).

``--without`` drops middleware (comma-separated dotted paths) to price each one;
``--changelist`` times the admin incident changelist (100 rows) instead, as the support user.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_bench_cpu")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")

from bench import common
from bench.http import CSRF_INPUT

FORM = "/hotline/new/"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class WsgiClient:
    """Call a WSGI application directly, keeping cookies like a browser."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookies: dict[str, str] = {}
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.body = b""

    def _start_response(self, status: str, headers: list[tuple[str, str]], exc_info=None):
        self.status = int(status.split(" ", 1)[0])
        self.headers = headers

    def request(self, method: str, path: str, body: bytes = b"", **extra: str) -> int:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_LANGUAGE": "ko",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
            **extra,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        result = self.app(environ, self._start_response)
        try:
            self.body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return self.status

    def get(self, path: str) -> int:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any]) -> int:
        body = urlencode(data, doseq=True).encode()
        return self.request(
            "POST",
            path,
            body,
            CONTENT_TYPE="application/x-www-form-urlencoded",
            HTTP_REFERER="http://127.0.0.1" + path,
        )

    def csrf(self) -> str:
        match = CSRF_INPUT.search(self.body)
        return match.group(1).decode() if match else self.cookies.get("csrftoken", "")


def _prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Configure Django on the bench database, seeding it unless ``--reuse`` finds it ready."""
    common.setup_django()
    from django.conf import settings

    if args.without:
        dropped = set(args.without.split(","))
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m not in dropped]
    from django.db import connection

    from retainer.models import Customer

    ready = False
    if args.reuse:
        try:
            from incidents.models import Incident

            ready = Incident.objects.count() >= args.incidents
        except Exception:  # no database or no tables yet
            ready = False
        connection.close()
    if not ready:
        common.reset_database()
        common.seed(args.incidents)
    import redis

    redis.Redis.from_url(os.environ["BENCH_REDIS_URL"]).flushdb()
    code = Customer.objects.filter(code__startswith="bench-").order_by("pk").first().code
    return {"code": code, "username": f"bench-customer-{code.split('-')[1]}"}


def _payload(code: str) -> dict[str, Any]:
    from bench.intake import _customer_payloads

    return _customer_payloads([code])[code]


def _backend_cpu(pid: int) -> float | None:
    """Return user+system CPU seconds of a PostgreSQL backend (same machine), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _create(client: WsgiClient, payload: dict[str, Any], backend: int) -> tuple[float, ...]:
    """One create: GET the form, POST it.

    Return CPU s of GET and POST, wall s of GET and POST, and the PostgreSQL backend's CPU s
    during each (10 ms ticks: only their sum over many creates means something).
    """
    d0 = _backend_cpu(backend) or 0.0
    c0, w0 = time.process_time(), time.perf_counter()
    status_get = client.get(FORM)
    c1, w1 = time.process_time(), time.perf_counter()
    d1 = _backend_cpu(backend) or 0.0
    token = client.csrf()
    c2, w2 = time.process_time(), time.perf_counter()
    status_post = client.post(FORM, {**payload, "csrfmiddlewaretoken": token})
    c3, w3 = time.process_time(), time.perf_counter()
    d2 = _backend_cpu(backend) or 0.0
    if status_get != 200 or status_post != 302:
        raise RuntimeError(f"GET {status_get} POST {status_post}: {client.body[:500]!r}")
    return c1 - c0, c3 - c2, w1 - w0, w3 - w2, d1 - d0, d2 - d1


def _statements(client: WsgiClient, payload: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as get_ctx:
        client.get(FORM)
    token = client.csrf()
    with CaptureQueriesContext(connection) as post_ctx:
        client.post(FORM, {**payload, "csrfmiddlewaretoken": token})
    return {
        "get": len(get_ctx.captured_queries),
        "post": len(post_ctx.captured_queries),
        "get_sql": [q["sql"][:160] for q in get_ctx.captured_queries],
        "post_sql": [q["sql"][:160] for q in post_ctx.captured_queries],
    }


def _ms(values: list[float]) -> dict[str, float]:
    """Mean, median, 10th percentile and minimum in ms; under load, trust p10 and min most."""
    return {
        "mean": round(statistics.fmean(values) * 1000, 3),
        "p50": round(statistics.median(values) * 1000, 3),
        "p10": round(common.percentile(values, 10) * 1000, 3),
        "min": round(min(values) * 1000, 3),
    }


CHANGELIST = "/admin/incidents/incident/"


def run_changelist(args: argparse.Namespace) -> dict[str, Any]:
    """CPU per admin changelist request (100 rows) as the bench support engineer."""
    _prepare(args)
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = WsgiClient(get_wsgi_application())
    client.get("/admin/login/")
    client.post(
        "/admin/login/",
        {
            "username": "bench-support",
            "password": common.PASSWORD,
            "csrfmiddlewaretoken": client.csrf(),
        },
    )
    for _ in range(args.warmup):
        client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as ctx:
        client.get(CHANGELIST)
    statements = len(ctx.captured_queries)  # the next request resets the log
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    cpu, wall = [], []
    if profiler:
        profiler.enable()
    for _ in range(args.creates):
        c0, w0 = time.process_time(), time.perf_counter()
        status = client.get(CHANGELIST)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        if status != 200:
            raise RuntimeError(f"changelist answered HTTP {status}")
    if profiler:
        profiler.disable()
        _print_profile(profiler, args)
    return {
        "requests": args.creates,
        "rows": client.body.count(b'class="action-checkbox"'),
        "cpu_ms": _ms(cpu),
        "wall_ms": _ms(wall),
        "statements": statements,
    }


def _print_profile(profiler: cProfile.Profile, args: argparse.Namespace) -> None:
    profiler.dump_stats(args.profile)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


def run(args: argparse.Namespace) -> dict[str, Any]:
    prepared = _prepare(args)
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    client = WsgiClient(app)
    client.get("/hotline/login/")
    client.post(
        "/hotline/login/",
        {
            "username": prepared["username"],
            "password": common.PASSWORD,
            "csrfmiddlewaretoken": client.csrf(),
        },
    )
    if client.status != 302:
        raise RuntimeError(f"login failed: HTTP {client.status}")
    payload = _payload(prepared["code"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    for _ in range(args.warmup):
        _create(client, payload, backend)
    statements = _statements(client, payload)
    # CPU time, not wall time: waits on PostgreSQL and Redis and a busy machine drop out.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    samples = []
    if profiler:
        profiler.enable()
    for _ in range(args.creates):
        samples.append(_create(client, payload, backend))
    if profiler:
        profiler.disable()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        same_backend = cursor.fetchone()[0] == backend
    cpu_get, cpu_post, wall_get, wall_post, db_get, db_post = (
        list(x) for x in zip(*samples, strict=True)
    )
    cpu_create = [g + p for g, p in zip(cpu_get, cpu_post, strict=True)]
    result = {
        "creates": args.creates,
        "without": args.without,
        "cpu_ms_get": _ms(cpu_get),
        "cpu_ms_post": _ms(cpu_post),
        "cpu_ms_create": _ms(cpu_create),
        "wall_ms_get": _ms(wall_get),
        "wall_ms_post": _ms(wall_post),
        # Comparable only when the backend stayed the same (a persistent connection).
        "db_cpu_ms": {
            "get": round(sum(db_get) * 1000 / args.creates, 3),
            "post": round(sum(db_post) * 1000 / args.creates, 3),
            "same_backend": same_backend,
        },
        "statements": {"get": statements["get"], "post": statements["post"]},
    }
    if args.sql:
        result["sql"] = {"get": statements["get_sql"], "post": statements["post_sql"]}
    if profiler:
        _print_profile(profiler, args)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep a seeded bench database")
    parser.add_argument("--without", default="", help="middleware paths to leave out")
    parser.add_argument("--profile", default="", help="write a cProfile of the timed loop here")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sql", action="store_true", help="print the statements of one create")
    parser.add_argument("--changelist", action="store_true", help="time the admin list instead")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = run_changelist(args) if args.changelist else run(args)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
