"""A real Redis, Celery worker and beat as subprocesses, pointed at pytest's test database.

Each cluster has its own Redis server on a free port (so a FLUSHDB or a restart touches
nobody else) and compressed timings: a 1-second sweep, 1-second re-enqueue, 3-second stale
deliveries.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float, message: str = "") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s: {message}")
        time.sleep(0.2)


class Cluster:
    """Redis + one worker + N beats; every process can be killed and started again."""

    def __init__(self, workdir: Path, database_name: str, **settings: str) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.redis: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beats: list[subprocess.Popen] = []
        self.started = 0
        url = f"redis://127.0.0.1:{self.port}/0"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database_name}",
            "REDIS_URL": url,
            "CELERY_BROKER_URL": url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "HOTLINE_SWEEP_INTERVAL_SECONDS": "1",
            "HOTLINE_REQUEUE_INTERVAL_SECONDS": "1",
            "HOTLINE_WATCHDOG_INTERVAL_SECONDS": "5",
            "HOTLINE_DELIVERY_STALE_SECONDS": "3",
            "HOTLINE_DELIVERY_BACKOFF_SECONDS": "1",
            "DB_CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            **settings,
        }

    # --- processes ----------------------------------------------------------------------------

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        self.started += 1
        log = (self.workdir / f"{name}-{self.started}.log").open("w")
        return subprocess.Popen(  # noqa: S603 - our own binaries and arguments
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_redis(self) -> None:
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.redis = self._spawn("redis", [REDIS_SERVER, *args])
        wait_for(self._redis_up, 20, "redis did not start")

    def _redis_up(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.5):
            return True
        return False

    def start_worker(self) -> None:
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        options = ["--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO"]
        names = ["--without-mingle", "--without-gossip", "-n", f"w{self.started}@%h"]
        self.worker = self._spawn("worker", [*celery, "worker", *options, *names])

    def start_beat(self) -> None:
        schedule = self.workdir / f"beat-{self.started}.db"
        args = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]
        self.beats.append(self._spawn("beat", [*args, "--schedule", str(schedule)]))

    def start(self, beats: int = 1) -> "Cluster":
        self.start_redis()
        self.start_worker()
        for _ in range(beats):
            self.start_beat()
        return self

    def worker_children(self) -> list[int]:
        """Return the pids of the worker's pool processes."""
        if self.worker is None:
            return []
        path = Path(f"/proc/{self.worker.pid}/task/{self.worker.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in path.read_text().split()]
        return []

    def kill_worker_children(self) -> int:
        """SIGKILL the pool processes (the main process forks new ones); return how many."""
        children = self.worker_children()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(children)

    def kill_worker(self) -> None:
        """SIGKILL the whole worker, main process and pool, as a crash would."""
        assert self.worker is not None
        children = self.worker_children()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.worker.pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.worker.wait(10)

    def flush_redis(self) -> None:
        subprocess.run(  # noqa: S603 - our own binary and arguments
            [REDIS_CLI, "-p", str(self.port), "FLUSHDB"], check=True, capture_output=True
        )

    def restart_redis(self) -> None:
        assert self.redis is not None
        self.redis.kill()
        self.redis.wait(10)
        self.start_redis()

    def stop(self) -> None:
        for process in [self.worker, *self.beats, self.redis]:
            if process is None or process.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-3000:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )
