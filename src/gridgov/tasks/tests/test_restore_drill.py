"""The backup script and the restore drill, end to end on a small PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gridgov.audit.actions import audit_record
from gridgov.audit.models import AuditEntry
from gridgov.tasks.actions import job_run_record
from gridgov.tasks.models import JobRun

ROOT = Path(__file__).resolve().parents[4]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def backup(settings: Any, target: Path) -> Path:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "deploy" / "backup.sh"), str(target)],
        env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return Path(result.stdout.strip())


def scratch(settings: Any) -> str:
    """Named after the test database, so parallel workers (and parallel runs) never share it."""
    return f"{settings.DATABASES['default']['NAME']}_scratch"


def test_a_backup_restores_with_every_table_and_the_audit_trail(
    tree: Any, settings: Any, tmp_path: Path
) -> None:
    audit_record(actor=None, action="drill.before_backup")
    dump = backup(settings, tmp_path)
    assert dump.stat().st_size > 0
    out = StringIO()
    call_command("restore_drill", str(dump), "--scratch", scratch(settings), stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("restore drill passed") for line in lines)
    assert any(line.startswith("audit trail restored up to entry") for line in lines)
    assert any(line.startswith("jurisdiction_node: live") for line in lines)


def test_rows_lost_or_rewritten_since_the_dump_fail_the_drill(
    tree: Any, settings: Any, tmp_path: Path
) -> None:
    entry = audit_record(actor=None, action="drill.before_backup")
    job_run_record(name="periodic")
    dump = backup(settings, tmp_path)
    # Rows written after the dump are expected: the drill passes.
    audit_record(actor=None, action="drill.after_backup")
    call_command("restore_drill", str(dump), "--scratch", scratch(settings), stdout=StringIO())
    # An audit entry rewritten since the dump, by someone who could switch the append-only
    # trigger off: the copy and the live trail disagree.
    assert AuditEntry._meta.db_table == "audit_auditentry"
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER ALL")
        cursor.execute(
            "UPDATE audit_auditentry SET action = 'drill.rewritten' WHERE id = %s", [entry.pk]
        )
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER ALL")
    with pytest.raises(CommandError, match=f"audit entry {entry.pk} differs"):
        call_command("restore_drill", str(dump), "--scratch", scratch(settings), stdout=StringIO())
    # Rows deleted live since the dump: the copy holds more than live.
    JobRun.objects.all().delete()
    with pytest.raises(CommandError, match=r"tasks_jobrun \(1 > 0\)"):
        call_command("restore_drill", str(dump), "--scratch", scratch(settings), stdout=StringIO())
