"""The hash chain: every entry links to the one before, and audit_verify finds the first break."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from gridgov.audit.actions import audit_record
from gridgov.audit.chain import GENESIS
from gridgov.audit.models import AuditEntry
from gridgov.audit.selectors import chain_state

TABLE = AuditEntry._meta.db_table


def raw_as_owner(sql: str, params: list[str | int]) -> None:
    """What someone holding the owner's password can do: on PostgreSQL, switch the trigger off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; ALTER TABLE wants none pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_entry_append_only")


@pytest.fixture
def trail(users):
    return [
        audit_record(
            actor=users["dispatcher"],
            action=f"test.step{i}",
            target=users["grid_worker"],
            detail={"n": i, "name": "张三", "nested": {"b": [1, 2.5], "a": None}},
        )
        for i in range(4)
    ]


def test_entries_link_to_the_one_before(trail):
    assert trail[0].prev_hash == GENESIS
    for before, after in zip(trail, trail[1:], strict=False):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in trail}) == len(trail)


def test_entry_records_its_actors_jurisdiction(trail, users):
    assert trail[0].scope == users["dispatcher"].node.code


def test_audit_verify_passes_an_intact_trail(trail, capsys):
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "4 audit entries intact" in out
    assert trail[-1].hash in out


def test_audit_verify_names_an_edited_entry(trail):
    raw_as_owner(
        f"UPDATE {TABLE} SET detail = %s WHERE id = %s",  # noqa: S608
        ['{"n": 99}', trail[2].pk],
    )
    with pytest.raises(CommandError, match=rf"#{trail[2].pk} breaks the chain: its content"):
        call_command("audit_verify")


def test_audit_verify_names_the_entry_after_a_removed_one(trail):
    raw_as_owner(f"DELETE FROM {TABLE} WHERE id = %s", [trail[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=rf"#{trail[2].pk} breaks the chain: does not follow"):
        call_command("audit_verify")


def test_a_row_inserted_by_sql_breaks_the_chain(trail):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, action, target_type, target_id, detail) "  # noqa: S608
            "VALUES (%s, 'test.forged', '', '', '{}')",
            [trail[-1].at],
        )
    forged = AuditEntry.objects.get(action="test.forged")
    broken = chain_state().first_break
    assert broken is not None
    assert broken.entry_id == forged.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    """Without the advisory lock, writers that read the same head would both link to it."""
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
    assert AuditEntry.objects.count() == writers * each
    links = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(links)) == len(links), "two entries link to the same predecessor"
    state = chain_state()
    assert state.first_break is None
    assert state.checked == writers * each
