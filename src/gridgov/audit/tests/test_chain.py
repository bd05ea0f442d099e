"""The hash chain: the chainer links every entry after it commits, and audit_verify finds the
first break (ADRs 0013, 0034)."""

import threading
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from gridgov.audit.actions import audit_chain, audit_record
from gridgov.audit.chain import CONTENT_COLUMNS, GENESIS, entry_digest
from gridgov.audit.models import AuditEntry, AuditLink
from gridgov.audit.selectors import chain_pending, chain_state

TABLE = AuditEntry._meta.db_table
LINKS = AuditLink._meta.db_table


def raw_as_owner(sql: str, params: list[str | int]) -> None:
    """What someone holding the owner's password can do: on PostgreSQL, switch the triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; ALTER TABLE wants none pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_entry_append_only")
            cursor.execute(f"ALTER TABLE {LINKS} DISABLE TRIGGER {LINKS}_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_entry_append_only")
            cursor.execute(f"ALTER TABLE {LINKS} ENABLE TRIGGER {LINKS}_append_only")


@pytest.fixture
def trail(users):
    entries = [
        audit_record(
            actor=users["dispatcher"],
            action=f"test.step{i}",
            target=users["grid_worker"],
            detail={"n": i, "name": "张三", "nested": {"b": [1, 2.5], "a": None}},
        )
        for i in range(4)
    ]
    assert audit_chain() == 4
    return entries


def test_entries_are_linked_in_order_once(trail):
    links = list(AuditLink.objects.order_by("id"))
    assert [link.entry_id for link in links] == [e.pk for e in trail]
    assert links[0].prev_hash == GENESIS
    for before, after in zip(links, links[1:], strict=False):
        assert after.prev_hash == before.hash
    assert audit_chain() == 0
    assert chain_pending() == 0


def test_entry_records_its_actors_jurisdiction(trail, users):
    assert trail[0].scope == users["dispatcher"].node.code


def test_audit_verify_passes_an_intact_trail_and_counts_the_unlinked(trail, capsys):
    audit_record(actor=None, action="test.after")
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "4 audit entries intact" in out
    head = AuditLink.objects.order_by("id").last()
    assert head is not None
    assert head.hash in out
    assert "1 awaiting the chainer" in out


def test_audit_verify_names_an_edited_entry(trail):
    raw_as_owner(
        f"UPDATE {TABLE} SET detail = %s WHERE id = %s",  # noqa: S608
        ['{"n": 99}', trail[2].pk],
    )
    with pytest.raises(CommandError, match=rf"#{trail[2].pk} breaks the chain: its content"):
        call_command("audit_verify")


def test_audit_verify_names_the_entry_after_a_removed_one(trail):
    raw_as_owner(f"DELETE FROM {LINKS} WHERE entry_id = %s", [trail[1].pk])  # noqa: S608
    raw_as_owner(f"DELETE FROM {TABLE} WHERE id = %s", [trail[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=rf"#{trail[2].pk} breaks the chain: does not follow"):
        call_command("audit_verify")


def test_a_failed_batch_leaves_its_entries_for_the_next_run(trail, monkeypatch):
    for i in range(3):
        audit_record(actor=None, action=f"test.late{i}")

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("chainer killed")

    with monkeypatch.context() as patch:
        patch.setattr(AuditLink.objects, "bulk_create", crash)
        with pytest.raises(RuntimeError):
            audit_chain()
    assert chain_pending() == 3
    assert audit_chain() == 3
    state = chain_state()
    assert (state.checked, state.first_break) == (7, None)


def test_an_entry_that_committed_late_is_linked_after_those_before_it(db, monkeypatch):
    """B committed and was linked while A's transaction was still open: A is linked next,
    by a full run when it is older than the recent runs look."""
    late = audit_record(actor=None, action="test.late")
    early = audit_record(actor=None, action="test.early")
    content = AuditEntry.objects.filter(pk=early.pk).values_list(*CONTENT_COLUMNS).get()
    AuditLink.objects.create(entry=early, prev_hash=GENESIS, hash=entry_digest(GENESIS, content))
    monkeypatch.setattr("gridgov.audit.actions.RECENT_IDS", 0)
    assert audit_chain(full=False) == 0
    assert audit_chain() == 1
    assert list(AuditLink.objects.values_list("entry_id", flat=True)) == [early.pk, late.pk]
    state = chain_state()
    assert (state.checked, state.first_break) == (2, None)


def _as_postgres_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid: int = cursor.fetchone()[0]
    return pid


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_then_a_killed_chainer_lose_nothing(monkeypatch):
    """Writers never wait for the chain; a chainer killed inside its batch holds the lock (a
    second chainer stands aside) and, once gone, leaves every entry to the next run."""
    writers, each = 6, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
                    audit_record(actor=None, action=f"test.thread{n}.{i}")
        except (DatabaseError, threading.BrokenBarrierError) as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []

    inserted, release = threading.Event(), threading.Event()
    chainer: dict[str, Any] = {}
    bulk_create = AuditLink.objects.bulk_create

    def stalled(objs: list[AuditLink], **kwargs: Any) -> list[AuditLink]:
        created = bulk_create(objs, **kwargs)
        if threading.current_thread().name == "chainer":
            inserted.set()
            release.wait(10)
        return created

    def run_chainer() -> None:
        chainer["pid"] = _as_postgres_backend_pid()
        try:
            audit_chain()
        except DatabaseError as exc:
            chainer["error"] = exc
        finally:
            connections.close_all()

    monkeypatch.setattr(AuditLink.objects, "bulk_create", stalled)
    killed = threading.Thread(target=run_chainer, name="chainer")
    killed.start()
    assert inserted.wait(10)
    assert audit_chain() == 0, "a second chainer ran beside the first"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [chainer["pid"]])
    release.set()
    killed.join()
    assert "error" in chainer
    assert AuditLink.objects.count() == 0

    assert audit_chain() == writers * each
    assert chain_pending() == 0
    state = chain_state()
    assert (state.checked, state.first_break) == (writers * each, None)
