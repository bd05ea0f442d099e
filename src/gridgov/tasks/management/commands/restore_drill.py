"""Prove a backup restores: load a pg_dump file into a scratch database and compare it.

Every table of the live database must exist in the restored copy with no more rows than
live (the live one may have grown since the dump), the restored audit trail must end with
an entry the live trail still holds unchanged, and if an `audit_verify` command exists
(the audit hash chain) it is run on the restored copy.
The scratch database is dropped afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from gridgov.audit.models import AuditEntry


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (PostgreSQL client tools)")
    return path


def _counts(conn: Any) -> dict[str, int]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def _last_audit(conn: Any) -> tuple[int, str, Any] | None:
    table = sql.Identifier(AuditEntry._meta.db_table)
    with conn.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT id, action, at FROM {} ORDER BY id DESC LIMIT 1").format(table)
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], row[2])


class Command(BaseCommand):
    help = "Restore a pg_dump file into a scratch database and check its tables and audit trail."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dump", type=Path)
        parser.add_argument("--scratch", default="", help="scratch database name")

    def handle(self, *args: Any, **options: Any) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("the restore drill needs PostgreSQL")
        dump: Path = options["dump"]
        if not dump.is_file():
            raise CommandError(f"no dump file at {dump}")
        scratch = options["scratch"] or f"{db['NAME']}_drill"
        server: dict[str, Any] = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
        if db.get("PASSWORD"):
            server["password"] = db["PASSWORD"]
        admin = psycopg.connect(dbname="postgres", autocommit=True, **server)
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch))
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
        admin.execute(drop)
        admin.execute(create)
        try:
            env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
            subprocess.run(  # noqa: S603
                [_tool("pg_restore"), "--no-owner", "--exit-on-error", "-h", str(db["HOST"]),
                 "-p", str(db["PORT"]), "-U", str(db["USER"]), "-d", scratch, str(dump)],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
            with psycopg.connect(dbname=scratch, **server) as restored:
                copy = _counts(restored)
                last_audit = _last_audit(restored)
            live = _counts(connection.connection)
            self._compare(live, copy)
            self._audit_prefix(last_audit)
            self._audit_verify(scratch, db)
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"pg_restore failed: {exc.stderr.decode()[-2000:]}") from exc
        finally:
            admin.execute(drop)
            admin.close()

    def _compare(self, live: dict[str, int], copy: dict[str, int]) -> None:
        problems = [t for t in live if t not in copy]
        problems += [f"{t} ({copy[t]} > {live[t]})" for t in live if copy.get(t, 0) > live[t]]
        for table in sorted(live):
            self.stdout.write(f"{table}: live {live[table]}, restored {copy.get(table, '—')}")
        if problems:
            raise CommandError(f"restore drill failed: {', '.join(problems)}")
        self.stdout.write(f"restore drill passed: {len(copy)} tables")

    def _audit_prefix(self, last: tuple[int, str, Any] | None) -> None:
        """The restored audit trail must be the live one up to the dump: its last entry is
        still there, unchanged."""
        if last is None:
            return
        pk, action, at = last
        # The console compares the whole trail.
        if not AuditEntry.objects.unscoped().filter(pk=pk, action=action, at=at).exists():
            raise CommandError(f"restore drill failed: audit entry {pk} differs from the live one")
        self.stdout.write(f"audit trail restored up to entry {pk}")

    def _audit_verify(self, scratch: str, db: Any) -> None:
        """The audit hash chain's own check, where that command exists, on the restored copy."""
        if "audit_verify" not in get_commands():
            return
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{scratch}"
        env = {**os.environ, "DATABASE_URL": url, "PGPASSWORD": str(db.get("PASSWORD") or "")}
        manage = Path(settings.PROJECT_DIR) / "manage.py"
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(manage), "audit_verify"], env=env, capture_output=True, text=True
        )
        if result.returncode:
            raise CommandError(f"audit_verify failed on the restored copy: {result.stderr[-2000:]}")
        self.stdout.write("audit_verify passed on the restored copy")
