"""Benchmark: what the intake bench costs before the portal does any work (its floor).

Run: ``.venv/bin/python -m bench.floor`` (PostgreSQL and Redis on localhost, as ``bench.intake``).
The same load generator as ``bench.intake`` (8 client threads, a new connection per request,
two requests per "create"), against gunicorn with 2 sync workers serving:

1. ``bare``: a WSGI function answering the form (GET, the size of the real page) and a 302 to
   the POST, no Django: gunicorn and the load generator alone;
2. ``django``: the portal itself (``config.wsgi``, every middleware), two GETs of ``/livez``,
   whose view does nothing;
3. ``static``: the portal serving a static file twice (WhiteNoise answers before Django's
   middleware, sessions and views).

For each: pairs per second and machine CPU per pair. ``bench.intake`` reports the machine
CPU per create; the difference is what the intake itself costs. The target of 280 creates/s on
2 cores is ``2000 / 280 = 7.1`` ms of machine CPU per create, for everything.
"""

import argparse
import json
import sys
import threading
import time
from pathlib import Path

from bench import common
from bench.http import Client

PAGE = b"<!doctype html><html><body>" + b"x" * 20_000 + b"</body></html>"


def bare_app(environ: dict, start_response) -> list[bytes]:
    """A WSGI application with no framework: the form page on GET, a redirect on POST."""
    if environ["REQUEST_METHOD"] == "POST":
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("302 Found", [("Location", "/done/"), ("Content-Length", "0")])
        return [b""]
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE)))])
    return [PAGE]


def drive(base: str, requests: list[tuple[str, str]], clients: int, seconds: float) -> dict:
    """Run ``clients`` threads, each repeating ``requests`` (one "pair"); return the rates."""
    sessions = [Client(base) for _ in range(clients)]
    counts: list[int] = []
    lock = threading.Lock()
    gate = threading.Event()
    stop_at = [0.0]

    def worker(client: Client) -> None:
        gate.wait()
        done = 0
        while time.perf_counter() < stop_at[0]:
            for method, path in requests:
                if method == "GET":
                    client.get(path)
                else:
                    client.post(path, {"summary": "x" * 40, "severity": "2"})
            done += 1
        with lock:
            counts.append(done)

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    busy0, total0 = common.machine_busy_seconds()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    gate.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    busy1, total1 = common.machine_busy_seconds()
    pairs = sum(counts)
    return {
        "pairs_per_s": round(pairs / elapsed, 1),
        "machine_cpu_ms_per_pair": round((busy1 - busy0) * 1000 / max(pairs, 1), 2),
        "machine_busy_percent": round(100 * (busy1 - busy0) / (total1 - total0), 1),
        "last_status": sessions[0].last_status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--out", type=Path, default=Path("bench/results/floor.json"))
    args = parser.parse_args()
    common.setup_django()
    results: dict[str, object] = {}
    with common.gunicorn(app="bench.floor:bare_app") as base:
        drive(base, [("GET", "/"), ("POST", "/")], args.clients, 2)  # warm-up
        results["bare"] = drive(base, [("GET", "/"), ("POST", "/")], args.clients, args.seconds)
    with common.gunicorn() as base:
        for name, path in (("django", "/livez"), ("static", _static_path())):
            drive(base, [("GET", path)] * 2, args.clients, 2)
            results[name] = drive(base, [("GET", path)] * 2, args.clients, args.seconds)
    text = json.dumps(results, indent=2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


def _static_path() -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    return staticfiles_storage.url("hotline/hotline.css")


if __name__ == "__main__":
    sys.exit(main())
