"""gunicorn's settings, read from the working directory: request metrics from every worker.

prometheus_client keeps each worker's request metrics in files under ``PROMETHEUS_MULTIPROC_DIR``
and ``/metrics`` adds them up (``insights.prometheus``; README "Operations"). Unless the
environment names a folder, each gunicorn master gets its own, ``var/prometheus/<pid>``, so two
servers from one checkout (a benchmark beside another run) never mix or wipe each other's files;
it is removed on exit. The variable is set here, before any worker imports prometheus_client,
which reads it once at import (so don't combine this with ``--preload``).
"""

import os
import shutil
from pathlib import Path
from typing import Any

_VAR = Path(os.environ.get("HOTLINE_VAR_DIR", Path(__file__).resolve().parent / "var"))
_OWN = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _OWN:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_VAR / "prometheus" / str(os.getpid()))
_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
# Files of an earlier run would be added to this run's counts.
shutil.rmtree(_DIR, ignore_errors=True)
_DIR.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges (its counters and histograms keep counting)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    if _OWN:
        shutil.rmtree(_DIR, ignore_errors=True)
