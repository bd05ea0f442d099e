"""gunicorn for GridGov: sync workers behind nginx (`gunicorn -c deploy/gunicorn.conf.py`).

Sync workers because every request is short: imports and sweeps run on Celery workers.
Prometheus counters from several worker processes add up through PROMETHEUS_MULTIPROC_DIR.
"""

import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Any

wsgi_app = "gridgov.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so a slow leak never grows unbounded.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# One JSON object per access line; nginx passes its $request_id as X-Request-ID.
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
    '"bytes":"%(B)s","seconds":%(L)s,"request_id":"%({x-request-id}i)s"}'
)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: Any) -> None:
    """Counters of an earlier run must not add to this one's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
