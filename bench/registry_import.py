"""Import people rows through the whole pipeline, against a plain COPY + upsert of the same rows.

    .venv/bin/python bench/registry_import.py [--rows 1000000] [--batch-size 5000] [--actor dc]
        [--workers 2]

Uses the PostgreSQL database DATABASE_URL selects, after `manage.py seed_demo`.
Writes bench/out/people-<rows>.csv: --rows people with valid resident ID
numbers (distinct), a third with a mobile phone, at room addresses drawn
from the demo address library inside the actor's jurisdiction. Imports it as
`registry_import` does (validation, address matching, grid, encryption, one
COPY + upsert per batch, checkpoint) and prints rows/s and the process's
peak memory. The matcher's index is built first and timed on its own: a
process builds it once, whatever the file.

With --workers N the batches are prepared (validation, matching, sealing) in N forked
processes while this one commits them in file order with the pipeline's own
`commit_batch` and checkpoint: the shape issue 11 asks of the import task, measured
before the task adopts it (the exchange's code is not changed here).

The limit: the records that import wrote, already clean and encrypted, read
back into bench/out/, then per batch of the same size COPYed into a staging
table and merged with one `INSERT … ON CONFLICT (id_number_index) DO UPDATE`
into a scratch copy of registry_person (same columns and indexes, no foreign
keys), one transaction per batch; rows/s. Prints the ratio (goal ≥ 0.5).
The people of earlier runs are removed first, so each run measures inserts.
Exit status: 0 when met, 1 without PostgreSQL, data or a clean import, 2
below the goal.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
GOAL = 0.5
SCRATCH = "bench_registry_person"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def people(count: int, places: list[str], seed: int) -> Iterator[list[str]]:
    """Distinct valid ID numbers: one a birth day and serial from 1990-01-01 on."""
    from stdnum.cn import ric

    rng = random.Random(seed)  # noqa: S311 - benchmark data
    kinds = ("户籍人口", "流动人口", "寄住人口")
    for i in range(count):
        birth = date(1990, 1, 1) + timedelta(days=i // 1000)
        base = f"320104{birth:%Y%m%d}{i % 1000:03d}"
        phone = f"13{rng.randrange(10**9):09d}" if i % 3 == 0 else ""
        yield [
            f"居民{i}",
            base + ric.calc_check_digit(base + "0"),  # the check digit is passed and ignored
            "",
            "",
            phone,
            kinds[i % 3],
            places[rng.randrange(len(places))],
            "",
        ]


def write_file(path: Path, rows: Iterator[list[str]]) -> None:
    from gridgov.exchange.columns import headers

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers("people"))
        writer.writerows(rows)


def forget_earlier_runs(actor: Any) -> None:
    """Earlier runs' jobs and the people they created, so this run inserts again.

    Every size draws the same ID numbers from the first row on, so all bench files go.
    """
    from django.db import connection

    from gridgov.exchange.models import ImportJob
    from gridgov.jurisdiction.selectors import scope_root

    jobs = ImportJob.objects.filter(
        file_name__regex=r"^people-[0-9]+\.csv$", scope_code=scope_root(actor).code
    )
    for job in jobs:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM registry_person WHERE source LIKE %s", [f"import:{job.pk}:%"]
            )
            print(f"removed {cursor.rowcount:,} people of an earlier run (job {job.pk})")
        job.delete()


def written_columns() -> str:
    """The columns the import writes for a person, as the limit copies them: the bulk upsert's."""
    from gridgov.registry.actions.bulk import shape
    from gridgov.registry.records import RecordKind

    return ", ".join(shape(RecordKind.PERSON).columns)


def export_clean(job_pk: int, path: Path) -> int:
    """The imported records as the limit's input, in COPY text format."""
    from django.db import connection

    with connection.cursor() as cursor, path.open("wb") as out:
        select = (
            f"SELECT {written_columns()} FROM registry_person "  # noqa: S608 - fixed names
            f"WHERE source LIKE 'import:{int(job_pk)}:%' ORDER BY id"
        )
        with cursor.cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
            for block in copy:
                out.write(block)
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def limit(path: Path, batch_size: int) -> float:
    """Seconds to COPY the clean rows batch by batch and upsert each batch into the scratch."""
    from django.db import connection, transaction

    columns = written_columns()
    updates = [c for c in columns.split(", ") if c != "id_number_index"]
    compared = [c for c in updates if c not in ("phone_encrypted", "source", "source_time")]
    merge = (
        f"INSERT INTO {SCRATCH} ({columns}, service_tags, created_at, updated_at) "  # noqa: S608
        f"SELECT {columns}, '[]'::jsonb, now(), now() FROM bench_staging "
        f"ON CONFLICT (id_number_index) DO UPDATE SET "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in updates)
        + ", updated_at = now() WHERE "
        + f"({', '.join(f'{SCRATCH}.{c}' for c in compared)}) IS DISTINCT FROM "
        + f"({', '.join(f'EXCLUDED.{c}' for c in compared)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} (LIKE registry_person INCLUDING ALL)")
    started = time.perf_counter()
    with path.open("rb") as handle:
        while True:
            lines = [line for _, line in zip(range(batch_size), handle, strict=False)]
            if not lines:
                break
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS bench_staging ON COMMIT DELETE ROWS AS "  # noqa: S608 - fixed names
                    f"SELECT {columns} FROM {SCRATCH} WITH NO DATA"
                )
                with cursor.cursor.copy(f"COPY bench_staging ({columns}) FROM STDIN") as copy:
                    copy.write(b"".join(lines))
                cursor.execute(merge)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    return elapsed


_PREPARER: Any = None


def _prepare_in_worker(batch: list[tuple[int, list[str]]]) -> tuple[Any, int]:
    columns, preparer = _PREPARER
    return preparer.prepare(columns, batch), batch[-1][0]


def _start_worker(actor_pk: int, kind: str, source: str, header: list[str]) -> None:
    """Each worker makes its own Preparer (its own database connection); the matcher's index
    was built before the fork and is shared copy-on-write."""
    global _PREPARER  # noqa: PLW0603 — one per worker process
    from django.contrib.auth import get_user_model

    from gridgov.exchange.pipeline import Preparer, column_map

    actor = get_user_model().objects.get(pk=actor_pk)
    _PREPARER = (column_map(kind, header), Preparer(kind, actor, source=source))


def parallel_run(actor: Any, job: Any, batch_size: int, workers: int) -> Any:
    """import_job_run's loop with the preparation fanned out and the commits kept in order."""
    import multiprocessing

    from django.db import connections

    from gridgov.exchange.pipeline import batches, commit_batch
    from gridgov.exchange.readers import read_rows
    from gridgov.registry.selectors import IMPORT_PREFIX

    rows = read_rows(Path(job.file_path))
    _number, header = next(rows)
    source = f"{IMPORT_PREFIX}{job.pk}:{job.file_name}"
    connections.close_all()  # no connection may be shared across the fork
    context = multiprocessing.get_context("fork")
    with context.Pool(
        workers, initializer=_start_worker, initargs=(actor.pk, job.kind, source, header)
    ) as pool:
        for result, last_row in pool.imap(_prepare_in_worker, batches(rows, batch_size)):
            commit_batch(job, result, last_row=last_row, actor=actor)
    job.refresh_from_db()
    return job


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--actor", default="dc", help="a registry writer; addresses in its area")
    parser.add_argument("--addresses", type=int, default=200_000, help="distinct addresses used")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=0, help="prepare batches in this many processes"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from gridgov.addresses.matcher import matcher_index
    from gridgov.addresses.models import Address
    from gridgov.exchange.actions import import_job_run, import_job_start
    from gridgov.jurisdiction.selectors import scope_root

    if connection.vendor != "postgresql":
        print("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
        return 1
    actor = get_user_model().objects.filter(username=args.actor).first()
    if actor is None:
        print(f"No account {args.actor!r}: run `manage.py seed_demo` first.")
        return 1
    root = scope_root(actor).code
    rooms = (
        Address.objects.filter(grid_code__startswith=root, room__isnull=False)
        .select_related("road")
        .order_by("code")[: args.addresses]
    )
    places = [a.label for a in rooms]
    if not places:
        print(f"No room addresses under {root}: run `manage.py seed_demo` first.")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"people-{args.rows}.csv"
    started = time.perf_counter()
    write_file(path, people(args.rows, places, args.seed))
    print(
        f"{path.relative_to(ROOT)}: {args.rows:,} people at {len(places):,} addresses under "
        f"{root} ({path.stat().st_size / 2**20:,.0f} MB, written in "
        f"{time.perf_counter() - started:.1f} s)"
    )
    forget_earlier_runs(actor)

    started = time.perf_counter()
    index = matcher_index()
    built = time.perf_counter() - started
    print(f"matcher index: {len(index):,} standard addresses, built in {built:.1f} s (once)")

    started = time.perf_counter()
    job = import_job_start(actor=actor, kind="people", path=path, file_name=path.name)
    if args.workers:
        job = parallel_run(actor, job, args.batch_size, args.workers)
    else:
        job = import_job_run(actor=actor, job=job, batch_size=args.batch_size)
    pipeline_s = time.perf_counter() - started
    peak = peak_mb()
    rate = args.rows / pipeline_s
    shape = f"{args.workers} preparing processes" if args.workers else "one process"
    print(
        f"pipeline ({shape}): {job.status}, {job.rows_ok:,} imported "
        f"({job.rows_created:,} created), "
        f"{job.rows_bad:,} refused, {job.batches_committed:,} batches of {args.batch_size:,}"
    )
    print(
        f"pipeline: {rate:,.0f} rows/s ({pipeline_s:.1f} s; {args.rows / (pipeline_s + built):,.0f}"
        f" rows/s counting the index build); peak memory {peak:,.0f} MB"
    )
    if job.rows_ok != args.rows:
        print(f"not a clean import: {job.rows_bad:,} rows refused ({job.message})")
        return 1

    clean = OUT / f"people-{args.rows}-clean.copy"
    exported = export_clean(job.pk, clean)
    limit_s = limit(clean, args.batch_size)
    limit_rate = exported / limit_s
    print(
        f"limit (COPY to staging + INSERT … ON CONFLICT, batches of {args.batch_size:,}): "
        f"{limit_rate:,.0f} rows/s ({limit_s:.1f} s)"
    )
    ratio = rate / limit_rate
    print(f"ratio: {ratio:.2f} (goal ≥ {GOAL})")
    met = ratio >= GOAL
    print("goal met" if met else "goal NOT met")
    return 0 if met else 2


if __name__ == "__main__":
    sys.exit(main())
