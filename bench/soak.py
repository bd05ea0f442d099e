"""A soak test with faults: mixed traffic on gunicorn + Celery while processes and services die.

    .venv/bin/python bench/soak.py [--minutes 20] [--scale small] [--no-history]

Everything runs on loopback and on servers of its own, so the faults hurt no one else on
the machine: a private PostgreSQL cluster (initdb in a temporary folder, port 5433) and a
private RabbitMQ node (port 5673). The script seeds the demo there, then starts what
deploy/ describes: gunicorn with deploy/gunicorn.conf.py and 2 sync workers, a Celery
worker and Celery beat; the worker and beat are restarted when they die, as systemd's
Restart=always does. For --minutes it sends mixed traffic:

- filings: POST /api/v1/events (district commander's bearer token);
- commands: POST /api/v1/events/<number>/commands/register on filed events;
- Open311 posts: POST /open311/v2/requests.json with a registered client's key;
- queue reads: GET /api/v1/events?status=… and GET /api/v1/events/<number>/timeline;
- one people import of 100,000 rows (queued at 35 %, as the import page queues it);
- sweeps: beat's periodic job every GRIDGOV_PERIODIC_SECONDS (15 s here).

Faults, at fixed shares of the run: kill -9 of one gunicorn worker (25 %), kill -9 of the
Celery worker (40 %), a restart of PostgreSQL (55 %) and of RabbitMQ (70 %).

Afterwards, once the queues have drained: every filing a client got a 201 for is in the
database; no event escalated twice for one stage; the import finished exactly once with
every row; no task lost (the outbox is empty, every queued task ran or sits in the
dead-letter table). Error rate and latency are printed for the minute before each fault,
the 30 s after it and the minute after that. Bounded in time: the run stops by itself
after --minutes plus the drain (at most 5 minutes). Exit status 0 when every check holds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_PORT = 5433
AMQP_PORT = 5673
FAULTS = (
    (0.25, "kill -9 a gunicorn worker"),
    (0.40, "kill -9 the Celery worker"),
    (0.55, "restart PostgreSQL"),
    (0.70, "restart RabbitMQ"),
)
IMPORT_ROWS = 100_000
# The import is queued just before the Celery worker is killed, so the kill lands mid-import.
IMPORT_AT = 0.35


@dataclass
class Sample:
    at: float
    kind: str
    seconds: float
    ok: bool


@dataclass
class Record:
    samples: list[Sample] = field(default_factory=list)
    filed: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, started: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.samples.append(Sample(started, kind, time.monotonic() - started, ok))
            if not ok:
                self.errors[detail[:80]] = self.errors.get(detail[:80], 0) + 1


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


class Postgres:
    """A throwaway cluster: initdb, start, restart, stop."""

    def __init__(self, folder: Path) -> None:
        versions = sorted(Path("/usr/lib/postgresql").iterdir())
        self.bin = versions[-1] / "bin"
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.socket = folder

    def ctl(self, *args: str) -> None:
        options = f"-p {PG_PORT} -k {self.socket} -c listen_addresses={HOST} -c fsync=on"
        run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                *args,
            ],
            user=_pg_user(),
        )

    def start(self) -> None:
        if not self.data.exists():
            run(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ],
                user=_pg_user(),
            )
        self.ctl("start")

    def restart(self) -> None:
        self.ctl("-m", "fast", "restart")

    def stop(self) -> None:
        self.ctl("-m", "fast", "stop")


def _pg_user() -> str | None:
    """initdb refuses root: the cluster belongs to the postgres account when we are root."""
    return "postgres" if os.geteuid() == 0 else None


class Rabbit:
    """A RabbitMQ node of its own: name, ports and data folder apart from the machine's."""

    def __init__(self, folder: Path) -> None:
        self.node = f"gridgov-soak-{os.getpid()}@localhost"
        plugins = folder / "enabled_plugins"
        plugins.write_text("[].\n")
        plugins.chmod(0o644)
        # The machine's rabbitmq.conf names its own listener; this node reads only this file.
        config = folder / "rabbitmq.conf"
        config.write_text(f"listeners.tcp.local = {HOST}:{AMQP_PORT}\n")
        config.chmod(0o644)
        self.env = {
            **os.environ,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(AMQP_PORT),
            "RABBITMQ_DIST_PORT": str(AMQP_PORT + 20000),
            "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(folder / "rabbit-log"),
            "RABBITMQ_PID_FILE": str(folder / "rabbit.pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_CONFIG_FILE": str(config),
        }

    def start(self) -> None:
        subprocess.run(["rabbitmq-server", "-detached"], env=self.env, check=True)  # noqa: S607
        status = ["rabbitmqctl", "-n", self.node, "status"]
        for _ in range(120):
            answer = subprocess.run(status, env=self.env, capture_output=True, check=False)  # noqa: S603
            if answer.returncode == 0:
                return
            time.sleep(1.0)
        raise RuntimeError(f"RabbitMQ node {self.node} did not start")

    def stop(self) -> None:
        stop = ["rabbitmqctl", "-n", self.node, "stop"]
        subprocess.run(stop, env=self.env, check=False, capture_output=True)  # noqa: S603, S607

    def restart(self) -> None:
        self.stop()
        time.sleep(1.0)
        self.start()


class Supervised:
    """A process restarted whenever it exits, as systemd's Restart=always does."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._spawn()
        self.thread.start()

    def _spawn(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 — our own commands
                self.command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )

    def _watch(self) -> None:
        while not self.stopping:
            if self.process is not None and self.process.poll() is not None and not self.stopping:
                time.sleep(1.0)  # RestartSec
                self.restarts += 1
                self._spawn()
            time.sleep(0.2)

    def stop(self) -> None:
        self.stopping = True
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_http(port: int, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the web server did not answer /healthz")


@contextmanager
def services(folder: Path) -> Iterator[tuple[Postgres, Rabbit]]:
    folder.chmod(0o755)
    pg_folder, rabbit_folder = folder / "postgres", folder / "rabbitmq"
    for path, owner in ((pg_folder, "postgres"), (rabbit_folder, "rabbitmq")):
        path.mkdir()
        if os.geteuid() == 0:  # each server runs as its own account and writes only here
            shutil.chown(path, user=owner)
    pg, rabbit = Postgres(pg_folder), Rabbit(rabbit_folder)
    pg.start()
    try:
        rabbit.start()
    except BaseException:
        pg.stop()
        raise
    try:
        yield pg, rabbit
    finally:
        rabbit.stop()
        pg.stop()


def traffic(
    port: int, setup: dict[str, Any], record: Record, stop_at: float
) -> list[threading.Thread]:
    """Four client threads, one per kind of traffic, each bounded by stop_at."""
    rng = random.Random(7)  # noqa: S311 — load pattern, not security
    bearer = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}
    points: list[tuple[float, float]] = setup["points"]

    def call(
        kind: str,
        method: str,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
        good: Callable[[int], bool],
    ) -> tuple[int, bytes]:
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            record.add(kind, started, False, f"{kind}: {type(error).__name__}")
            return 0, b""
        record.add(kind, started, good(response.status), f"{kind}: HTTP {response.status}")
        return response.status, payload

    def filings() -> None:
        k = 0
        while time.monotonic() < stop_at:
            lon, lat = points[k % len(points)]
            body = {
                "category": "0101",
                "description": f"soak {k}: 路边暴露垃圾",
                "lon": lon,
                "lat": lat,
                "channel": "hotline",
            }
            status, payload = call(
                "filing",
                "POST",
                "/api/v1/events",
                json.dumps(body).encode(),
                bearer,
                lambda s: s == 201,
            )
            if status == 201:
                with record.lock:
                    record.filed.append(json.loads(payload)["number"])
            k += 1

    def commands() -> None:
        while time.monotonic() < stop_at:
            with record.lock:
                number = rng.choice(record.filed) if record.filed else None
            if number is None:
                time.sleep(0.5)
                continue
            status, payload = call(
                "queue", "GET", f"/api/v1/events/{number}", None, bearer, lambda s: s == 200
            )
            if status != 200:
                continue
            body = json.dumps({"expected_version": json.loads(payload)["version"]}).encode()
            # A command the event's state no longer allows is a domain answer (409), not a fault.
            call(
                "command",
                "POST",
                f"/api/v1/events/{number}/commands/register",
                body,
                bearer,
                lambda s: s in (200, 409),
            )

    def open311() -> None:
        k = 0
        while time.monotonic() < stop_at:
            lon, lat = points[(k * 31) % len(points)]
            form = urllib.parse.urlencode(
                {
                    "api_key": setup["open311_key"],
                    "service_code": "0202",
                    "lat": lat,
                    "long": lon,
                    "description": "路灯不亮",
                }
            )
            call(
                "open311",
                "POST",
                "/open311/v2/requests.json",
                form.encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
                lambda s: s in (200, 201, 429),
            )
            k += 1
            time.sleep(0.5)

    def reads() -> None:
        statuses = ("registered", "accepted", "dispatched", "")
        k = 0
        while time.monotonic() < stop_at:
            status = statuses[k % len(statuses)]
            call(
                "queue",
                "GET",
                f"/api/v1/events?status={status}" if status else "/api/v1/events",
                None,
                bearer,
                lambda s: s == 200,
            )
            with record.lock:
                number = record.filed[-1] if record.filed else None
            if number:
                call(
                    "queue",
                    "GET",
                    f"/api/v1/events/{number}/timeline",
                    None,
                    bearer,
                    lambda s: s == 200,
                )
            k += 1

    threads = [threading.Thread(target=f, daemon=True) for f in (filings, commands, open311, reads)]
    for thread in threads:
        thread.start()
    return threads


def prepare(database: str, scale: str, history: bool, folder: Path) -> dict[str, Any]:
    """Seed the private database, and make the token, the Open311 key and the import file."""
    env = {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(ROOT / "src")}
    python = [sys.executable, str(ROOT / "manage.py")]
    run([*python, "migrate", "-v0"], env=env, cwd=ROOT)
    run(
        [
            *python,
            "seed_demo",
            "--no-progress",
            "--scale",
            scale,
            *([] if history else ["--no-history"]),
        ],
        env=env,
        cwd=ROOT,
    )
    os.environ["DATABASE_URL"] = database
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.db import transaction

    from gridgov.accounts.actions import api_token_create
    from gridgov.accounts.models import User
    from gridgov.events.models import Event
    from gridgov.exchange.actions import import_job_start
    from gridgov.open311.actions import client_create
    from gridgov.open311.models import ClientApplication
    from gridgov.registry.models import Home

    commander = User.objects.select_related("node").get(username="dc")
    assert commander.node is not None  # noqa: S101 — the seed placed the account
    points = list(
        Event.objects.filter(node__code__startswith=commander.node.code)
        .order_by("id")
        .values_list("lon", "lat")[:2000]
    )
    if not points:
        raise SystemExit("no demo events to take places from: seed with the history")
    _token, key = api_token_create(actor=commander, name="soak")
    open311_key = client_create(
        actor=None, client=ClientApplication(name="soak", requests_per_hour=100_000)
    )
    path = folder / "people.csv"
    homes = list(Home.objects.values_list("address", flat=True)[:2000])
    _people_file(path, homes, IMPORT_ROWS)
    with transaction.atomic():
        job = import_job_start(actor=commander, kind="people", path=path, file_name="soak.csv")
    return {
        "token": key,
        "open311_key": open311_key,
        "points": points,
        "job": job.pk,
        "commander": commander.pk,
    }


def _people_file(path: Path, addresses: list[str], rows: int) -> None:
    import csv

    from gridgov.demo.registry import resident_id
    from gridgov.exchange.columns import headers

    rng = random.Random(11)  # noqa: S311 — made-up people
    taken: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers("people"))
        for k in range(rows):
            number = resident_id(rng, "320104", taken)
            writer.writerow(
                [
                    f"测试{k}",
                    number,
                    "",
                    "",
                    "",
                    "户籍人口",
                    addresses[rng.randrange(len(addresses))],
                    "",
                ]
            )


def phase(record: Record, start: float, end: float) -> str:
    window = [s for s in record.samples if start <= s.at < end]
    if not window:
        return "no requests"
    failed = sum(1 for s in window if not s.ok)
    times = sorted(s.seconds for s in window)
    p50 = times[len(times) // 2] * 1000
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] * 1000
    rate = len(window) / max(1e-9, end - start)
    return (
        f"{len(window):5d} req, {rate:5.1f}/s, errors {100 * failed / len(window):5.1f} %, "
        f"p50 {p50:7.1f} ms, p95 {p95:7.1f} ms"
    )


def checks(setup: dict[str, Any], record: Record) -> list[tuple[str, bool, str]]:
    from django.db import close_old_connections
    from django.db.models import Count

    from gridgov.events.models import Event, EventTransition
    from gridgov.events.workflow import AUTO_ESCALATE
    from gridgov.exchange.models import ImportJob, ImportStatus
    from gridgov.tasks.models import DeadTask, OutboxMessage

    close_old_connections()
    filed = set(record.filed)
    found = set(Event.objects.filter(number__in=filed).values_list("number", flat=True))
    twice = (
        EventTransition.objects.filter(command=AUTO_ESCALATE)
        .values("event", "stage")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    job = ImportJob.objects.get(pk=setup["job"])
    outbox = OutboxMessage.objects.count()
    dead = list(DeadTask.objects.values_list("task", "error")[:5])
    return [
        (
            "every acknowledged filing is stored",
            found == filed,
            f"{len(found):,} of {len(filed):,} acknowledged filings found",
        ),
        ("no event escalated twice for one stage", twice == 0, f"{twice} duplicates"),
        (
            "the import finished once with every row",
            job.status == ImportStatus.DONE and job.rows_created + job.rows_updated == IMPORT_ROWS,
            f"status {job.status}, {job.rows_created:,} created, {job.rows_updated:,} updated, "
            f"{job.rows_bad:,} refused",
        ),
        (
            "no task lost: the outbox is empty",
            outbox == 0,
            f"{outbox} unpublished; dead-letter: {DeadTask.objects.count()} {dead}",
        ),
    ]


def drained(setup: dict[str, Any]) -> bool:
    from django.db import close_old_connections

    from gridgov.exchange.models import ImportJob, ImportStatus
    from gridgov.tasks.models import OutboxMessage

    close_old_connections()
    try:
        job = ImportJob.objects.get(pk=setup["job"])
        return job.status != ImportStatus.RUNNING and not OutboxMessage.objects.exists()
    except Exception:  # noqa: BLE001 — the database may be restarting
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--scale", default="small", choices=["small", "district"])
    parser.add_argument(
        "--no-history", dest="history", action="store_false", help="skip the year of events"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gridgov-soak-"))
    database = f"postgres://postgres@{HOST}:{PG_PORT}/postgres"
    broker = f"amqp://guest:guest@{HOST}:{AMQP_PORT}//"
    web_port = 8000 + os.getpid() % 1000
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DATABASE_URL": database,
        "GRIDGOV_BROKER_URL": broker,
        "GRIDGOV_DEBUG": "0",
        "GRIDGOV_DB_CONN_MAX_AGE": "60",
        "GRIDGOV_PERIODIC_SECONDS": "15",
        "GRIDGOV_LOG_LEVEL": "WARNING",
        "GRIDGOV_MEDIA_ROOT": str(folder / "media"),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
        "GUNICORN_BIND": f"{HOST}:{web_port}",
        "GUNICORN_WORKERS": "2",
    }
    os.environ.update({k: env[k] for k in ("GRIDGOV_BROKER_URL", "GRIDGOV_MEDIA_ROOT")})
    celery = [sys.executable, "-m", "celery", "-A", "gridgov.tasks.engine"]
    with services(folder) as (pg, rabbit):
        print(f"private PostgreSQL :{PG_PORT}, RabbitMQ :{AMQP_PORT}, web :{web_port}; {folder}")
        started = time.monotonic()
        setup = prepare(database, args.scale, args.history, folder)
        print(f"seeded ({args.scale}) in {time.monotonic() - started:.0f} s")
        web = Supervised(
            "web",
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env,
            folder / "web.log",
        )
        worker = Supervised(
            "worker",
            [*celery, "worker", "--concurrency", "2", "-l", "warning", "--without-mingle"],
            env,
            folder / "worker.log",
        )
        beat = Supervised(
            "beat",
            [*celery, "beat", "-l", "warning", "--schedule", str(folder / "beat-schedule")],
            env,
            folder / "beat.log",
        )
        for process in (web, worker, beat):
            process.start()
        wait_http(web_port)
        from django.db import transaction

        from gridgov.accounts.models import User
        from gridgov.exchange.actions import import_job_queue
        from gridgov.exchange.models import ImportJob

        def queue_import() -> None:
            with transaction.atomic():
                import_job_queue(
                    actor=User.objects.get(pk=setup["commander"]),
                    job=ImportJob.objects.get(pk=setup["job"]),
                )

        duration = args.minutes * 60
        begin = time.monotonic()
        record = Record()
        threads = traffic(web_port, setup, record, begin + duration)
        faults: list[tuple[str, float]] = []
        actions: dict[str, Callable[[], None]] = {
            FAULTS[0][1]: lambda: os.kill(children(web.process.pid)[0], signal.SIGKILL),  # type: ignore[union-attr]
            FAULTS[1][1]: lambda: os.kill(worker.process.pid, signal.SIGKILL),  # type: ignore[union-attr]
            FAULTS[2][1]: pg.restart,
            FAULTS[3][1]: rabbit.restart,
        }
        plan = sorted([*FAULTS, (IMPORT_AT, "queue the import")])
        actions["queue the import"] = queue_import
        for share, name in plan:
            time.sleep(max(0.0, begin + share * duration - time.monotonic()))
            at = time.monotonic()
            actions[name]()
            if name != "queue the import":
                faults.append((name, at))
            print(f"{at - begin:7.1f} s  {name} (took {time.monotonic() - at:.1f} s)", flush=True)
        for thread in threads:
            thread.join()
        end = time.monotonic()
        deadline = end + 300
        while time.monotonic() < deadline and not drained(setup):
            time.sleep(2.0)
        print(f"drained {time.monotonic() - end:.0f} s after the traffic stopped")
        results = checks(setup, record)
        print("server errors in the web log:", _exceptions(folder / "web.log"))
        for process in (web, worker, beat):
            process.stop()
        print(
            f"\n{args.minutes:g} minutes, {len(record.samples):,} requests, "
            f"{len(record.filed):,} filings acknowledged; restarts: worker {worker.restarts}, "
            f"beat {beat.restarts}, web master {web.restarts}"
        )
        print(f"{'whole run':28s} {phase(record, begin, end)}")
        print(f"{'before the first fault':28s} {phase(record, begin, faults[0][1])}")
        for name, at in faults:
            print(f"{name}:")
            print(f"  {'the minute before':26s} {phase(record, at - 60, at)}")
            print(f"  {'the 30 s after':26s} {phase(record, at, at + 30)}")
            print(f"  {'the minute after that':26s} {phase(record, at + 30, at + 90)}")
        for kind in ("filing", "command", "open311", "queue"):
            print(f"{kind:28s} {phase_of(record, kind, begin, end)}")
        if record.errors:
            print(
                "errors:",
                *(f"{n:6d}  {what}" for what, n in sorted(record.errors.items())),
                sep="\n  ",
            )
        ok = True
        for name, passed, detail in results:
            ok &= passed
            print(f"{'PASS' if passed else 'FAIL'}  {name}: {detail}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 2


def _exceptions(log: Path) -> dict[str, int]:
    """The exception classes behind the 500s, counted from the tracebacks' last lines."""
    counted: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        head = line.split(":", 1)[0]
        if head.endswith(("Error", "Exception")) and " " not in head and "." in head:
            counted[head] = counted.get(head, 0) + 1
    return counted


def phase_of(record: Record, kind: str, start: float, end: float) -> str:
    return phase(Record(samples=[s for s in record.samples if s.kind == kind]), start, end)


if __name__ == "__main__":
    sys.exit(main())
