"""The HTTP side of the event benchmarks: a real WSGI server in a child process, a load loop.

    .venv/bin/python bench/events_server.py PORT [THREADS]

serves GridGov on 127.0.0.1:PORT with the standard library's wsgiref and a
fixed pool of THREADS worker threads; several such processes may share the
port. `served(server="gunicorn")` runs the production server instead:
gunicorn with deploy/gunicorn.conf.py and one sync worker per process.
DEBUG is off and
each worker keeps its database connection (GRIDGOV_DB_CONN_MAX_AGE=600);
the app's INFO log lines are off.
The benchmark scripts import `served` and `hammer` from here.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the base's name
        return


class PooledWSGIServer(WSGIServer):
    """Hands each connection to one of a fixed set of threads, which keep their DB connection.

    Several such processes may listen on one port (SO_REUSEPORT), as gunicorn's workers do.
    """

    allow_reuse_port = True

    def __init__(self, address: tuple[str, int], threads: int) -> None:
        super().__init__(address, QuietHandler)
        self.pool = ThreadPoolExecutor(max_workers=threads)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self._serve_one, request, client_address)

    def _serve_one(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 — report and keep serving, as socketserver does
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


def serve(port: int, threads: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    # One INFO line per event on the console would be part of the measurement.
    logging.getLogger("gridgov").setLevel(logging.WARNING)
    server = PooledWSGIServer((HOST, port), threads)
    server.request_queue_size = 64
    server.set_app(application)
    server.serve_forever()


def machine() -> str:
    """The CPUs and their load: the benchmarks share the machine, so figures need this beside."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} {five:.2f} {fifteen:.2f}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {
        **env,
        "PYTHONPATH": str(ROOT / "src"),
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GRIDGOV_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(  # noqa: S603 — the installed gunicorn, our config
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def served(threads: int = 8, processes: int = 1, server: str = "wsgiref") -> Iterator[int]:
    """Start `processes` server processes sharing `threads` threads on one port (with
    gunicorn: `processes` sync workers), wait until they answer, stop them afterwards."""
    port = free_port()
    env = {**os.environ, "GRIDGOV_DEBUG": "0", "GRIDGOV_DB_CONN_MAX_AGE": "600"}
    each = str(max(1, threads // processes))
    children = (
        [_gunicorn(port, processes, env)]
        if server == "gunicorn"
        else [
            subprocess.Popen(  # noqa: S603 — our own script
                [sys.executable, __file__, str(port), each], cwd=ROOT, env=env
            )
            for _ in range(processes)
        ]
    )
    try:
        for _ in range(600):
            if any(child.poll() is not None for child in children):
                raise RuntimeError("a server process exited")
            try:
                with socket.create_connection((HOST, port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start within a minute")
        time.sleep(2.0)  # the other processes may still be loading Django
        yield port
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=30)


@dataclass
class Load:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def summary(self, label: str) -> str:
        done = len(self.latencies)
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"{label}: {done} requests in {self.seconds:.1f} s = {done / self.seconds:.1f} req/s; "
            f"p50 {self.percentile(0.50):.1f} ms, p95 {self.percentile(0.95):.1f} ms, "
            f"p99 {self.percentile(0.99):.1f} ms, max {max(self.latencies) * 1000:.1f} ms "
            f"(status {statuses})"
        )


Request = tuple[str, str, bytes | None, dict[str, str]]  # method, path, body, headers


def hammer(
    port: int,
    make: Callable[[int, int], Request],
    *,
    clients: int = 8,
    seconds: float = 20.0,
    limit: int = 100_000,
) -> Load:
    """`clients` threads send requests made by make(client, k) until time or the limit is up."""
    load = Load()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    sent = iter(range(limit))

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.perf_counter() < stop_at:
            with lock:
                k = next(sent, None)
            if k is None:
                return
            method, path, body, headers = make(number, k)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    load.failures.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                load.latencies.append(elapsed)
                load.statuses[response.status] = load.statuses.get(response.status, 0) + 1
                if response.status >= 400 and len(load.failures) < 5:
                    load.failures.append(payload[:300].decode(errors="replace"))
            if response.getheader("Connection", "").lower() == "close" or response.version == 10:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    return load


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8)


def hammer_get(
    port: int, path: str, headers: dict[str, str], *, clients: int, seconds: float
) -> bool:
    """Warm one page, then load it with `clients` GETs for `seconds` and print the figures;
    True when a request failed or none was answered."""

    def get(_client: int, _k: int) -> Request:
        return "GET", path, None, headers

    hammer(port, get, clients=1, seconds=1.0, limit=2)
    load = hammer(port, get, clients=clients, seconds=seconds)
    print("  " + load.summary(f"GET {path}"))
    if load.failures:
        print("    first failure:", load.failures[0][:200])
    return bool(load.failures) or not load.latencies
