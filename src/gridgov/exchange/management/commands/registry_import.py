"""Import a department-scale file; re-running it after a crash resumes at the checkpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gridgov.core.errors import DomainError
from gridgov.exchange.actions import import_job_run, import_job_start
from gridgov.exchange.models import ImportJob, ImportKind, ImportStatus
from gridgov.exchange.pipeline import BATCH_SIZE


class Command(BaseCommand):
    help = "Import people, homes or organisations from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--actor", required=True, help="Username of the importing account.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"No account {options['actor']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}")
        try:
            job = import_job_start(
                actor=actor, kind=options["kind"], path=path, file_name=path.name
            )
            bar = tqdm(
                total=job.rows_total,
                initial=job.checkpoint and job.checkpoint - 1,
                unit="row",
                disable=None,
            )

            def advance(current: ImportJob) -> None:
                bar.update(current.checkpoint - 1 - bar.n)

            job = import_job_run(
                actor=actor, job=job, batch_size=options["batch_size"], progress=advance
            )
            bar.close()
        except DomainError as exc:
            details = "; ".join(str(p.message) for p in exc.problems)
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        self.stdout.write(
            f"job {job.pk} {job.status}: {job.rows_ok} imported ({job.rows_created} created, "
            f"{job.rows_updated} updated, {job.rows_held} held for verification), "
            f"{job.rows_bad} refused, {job.rows_merged} merged"
        )
        if job.status != ImportStatus.DONE:
            raise CommandError(job.message)
