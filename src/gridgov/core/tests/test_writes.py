"""Every write to the database is an action: a module named actions.py or inside an actions/
package (rules.md), atomic and audited. What still writes elsewhere is named here with why;
the list only shrinks (an entry that matches no write fails, so that it is dropped)."""

from __future__ import annotations

from pathlib import Path

from gridgov.testing.writes import in_actions, writes_of, writes_outside_actions

NOT_ROWS = "DDL, grants or a file: no row of the application's"

# (module, call as written): why it is not an action.
ALLOWED: dict[tuple[str, str], str] = {
    ("gridgov.accounts.models", "ApiToken.objects.filter(stale, pk=self.pk).update"): (
        "a token's last use, stamped as it authenticates: a counter, not audited"
    ),
    ("gridgov.audit.database", "cursor.execute"): f"db_grant_app_role's roles, {NOT_ROWS}",
    ("gridgov.core.append_only", "schema_editor.execute"): f"the triggers, {NOT_ROWS}",
    ("gridgov.core.append_only", "cursor.execute"): f"lifting the triggers, {NOT_ROWS}",
    ("gridgov.core.downloads", "book.save"): f"a workbook, {NOT_ROWS}",
    ("gridgov.events.photos", "upright.save"): f"an image, {NOT_ROWS}",
    ("gridgov.tasks.management.commands.restore_drill", "cursor.execute"): (
        f"a scratch database the drill restores and drops, {NOT_ROWS}"
    ),
    ("gridgov.tasks.management.commands.restore_drill", "admin.execute"): (
        f"a scratch database the drill restores and drops, {NOT_ROWS}"
    ),
    # The demo's year of history goes in by bulk SQL, as a seeder; its reset is an action.
    ("gridgov.demo.history", "cursor.execute"): "the demo seeder's bulk history",
    ("gridgov.demo.history", "cursor.executemany"): "the demo seeder's bulk history",
    ("gridgov.demo.history", "EventCounter.objects.bulk_create"): "the demo seeder's counters",
    ("gridgov.demo.history", "EventCounter.objects.filter(day=day).update"): (
        "the demo seeder's counters"
    ),
    # The admin saves a staffing form with its inlines, audited in the admin's transaction.
    ("gridgov.staffing.admin", "super().save_related"): "staffing's admin form and inlines",
    ("gridgov.staffing.admin", "super().delete_model"): "staffing's admin, audited first",
    ("gridgov.events.admin", "super().save_model"): "the catalogue's admin: still to move",
    # The import job's own bookkeeping (progress, refused rows) as its batches commit; the
    # records themselves go through registry.actions.bulk.
    ("gridgov.exchange.pipeline", "ImportRowError.objects.bulk_create"): "an import's refusals",
    ("gridgov.exchange.pipeline", "job.save"): "an import job's progress",
    # The demo's campaigns are answered through the actions, then dated back as a seeder.
    ("gridgov.demo.campaigns", "Campaign.objects.unscoped().filter(pk=campaign.pk).update"): (
        "the demo seeder dates a campaign back"
    ),
    ("gridgov.demo.campaigns", "Answer.objects.unscoped().filter(pk=answer.pk).update"): (
        "the demo seeder dates an answer back"
    ),
    ("gridgov.demo.campaigns", "Target.objects.unscoped().filter(pk=answer.target_id).update"): (
        "the demo seeder dates an answer back"
    ),
    # The demo's registry seed puts a city's compounds and tenancies in by bulk, as a seeder.
    ("gridgov.demo.registry", "Compound.objects.bulk_create"): "the demo seeder's compounds",
    ("gridgov.demo.registry", "Home.objects.filter(compound__isnull=True).update"): (
        "the demo seeder: homes into compounds"
    ),
    ("gridgov.demo.registry", "Person.objects.filter(home__isnull=True).update"): (
        "the demo seeder: people into homes"
    ),
    ("gridgov.demo.registry", "Tenancy.objects.bulk_create"): "the demo seeder's tenancies",
    # The demo's year of inspections goes in by bulk, back-dated, as a seeder.
    **{
        (
            "gridgov.demo.inspections",
            f"{model}.objects.bulk_create",
        ): "the demo's year of inspections"
        for model in (
            "Venue",
            "Inspection",
            "ItemResult",
            "Rectification",
            "RectificationTransition",
        )
    },
    ("gridgov.demo.fieldwork", "model._default_manager.bulk_create"): (
        "the demo seeder's year of field work"
    ),
    ("gridgov.demo.fieldwork", "model._default_manager.bulk_update"): (
        "the demo seeder puts its grid workers' accounts back on their grids"
    ),
    ("gridgov.demo.insight", "MonthlyFigure.objects.bulk_create"): (
        "the demo seeder's year of department figures"
    ),
}


def test_every_write_outside_actions_is_named() -> None:
    unnamed = [str(w) for w in writes_outside_actions() if (w.module, w.call) not in ALLOWED]
    assert unnamed == []


def test_every_named_write_still_exists() -> None:
    found = {(w.module, w.call) for w in writes_outside_actions()}
    assert set(ALLOWED) - found == set()


def test_actions_are_found_by_path() -> None:
    assert in_actions("gridgov.departments.actions")
    assert in_actions("gridgov.jurisdiction.actions.boundaries")
    assert not in_actions("gridgov.jurisdiction.geojson_io")


def test_the_finder_tells_writes_from_lookalikes(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "node.save()\n"
        "Node.objects.filter(code=c).update(name=n)\n"
        "Node.objects.create(code=c)\n"
        "Node.objects.bulk_create(rows)\n"
        "cursor.execute('DELETE FROM t')\n"
        "cursor.execute(statement)\n"
        "super().save_model(request, obj, form, change)\n"
        "cursor.execute('SELECT 1')\n"
        "context.update(extra)\n"
        "cache.delete(key)\n"
        "Node.objects.filter(code=c).first()\n"
    )
    found = [w.call for w in writes_of("sample", source)]
    assert sorted(found) == sorted(
        [
            "node.save",
            "Node.objects.filter(code=c).update",
            "Node.objects.create",
            "Node.objects.bulk_create",
            "cursor.execute",
            "cursor.execute",
            "super().save_model",
        ]
    )
