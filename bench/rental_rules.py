"""The overcrowded-rental rules over a city's homes: one run of every active rule.

    DATABASE_URL=postgres://... .venv/bin/python bench/rental_rules.py [--homes 400000]
        [--people 1000000] [--keep]

PostgreSQL only. Run after `manage.py seed_demo` (any scale: the synthetic homes are spread
over its grids). Writes `--homes` homes, `--people` residents in them, a year of tenancies
for a tenth of the homes and three months of power and water readings for every home,
with SQL `generate_series` (tagged BENCH, removed at the end unless --keep), a few homes of
each kind crowded, turned over or far above their neighbours. Then times what the nightly
task does for the city: the run's start (homes counted, the utility baseline: medians of
similar homes) and its chunks (5,000 homes each: the four aggregate tests, cases opened),
in this process. Prints the homes per second and the hits per rule. Goal: 1,000,000 people
and 400,000 homes in < 60 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every synthetic row carries the word BENCH (source, address, file name) for the cleanup.


def populate(cursor: object, homes: int, people: int, months: list[str]) -> None:
    run = cursor.execute  # type: ignore[attr-defined]
    run(
        "CREATE TEMP TABLE bench_grid AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, "
        "id AS grid_id, parent_id AS community_id FROM jurisdiction_node WHERE level = 5"
    )
    run("SELECT count(*) FROM bench_grid")
    grids = cursor.fetchone()[0]  # type: ignore[attr-defined]
    # Floor areas 30-140 m²; one home in 200 is a 12 m² room.
    run(
        """INSERT INTO registry_home (address_code, source, created_at, updated_at, address,
            floor_area, use, tenure, community_id, grid_id)
        SELECT 'BENCH-' || i, 'BENCH', now(), now(), 'BENCH路' || i || '号',
            CASE WHEN i %% 200 = 0 THEN 12 ELSE 30 + (i * 37) %% 110 END, 'residential',
            'rented', g.community_id, g.grid_id
        FROM generate_series(1, %s) AS i JOIN bench_grid g ON g.k = i %% %s""",
        [homes, grids],
    )
    run("SELECT min(id), max(id) FROM registry_home WHERE source = 'BENCH'")
    first, last = cursor.fetchone()  # type: ignore[attr-defined]
    run(
        """INSERT INTO registry_person (address_code, source, created_at, updated_at, name,
            id_number_encrypted, id_number_index, id_number_masked, birth_date, sex,
            phone_encrypted, phone_index, phone_masked, kind, service_tags, community_id,
            grid_id, home_id)
        SELECT '', 'BENCH', now(), now(), '居民' || i, 'x', 'BENCH-' || i, '3201**********0000',
            DATE '1980-01-01' + (i %% 9000), CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END, '', '',
            '', 'floating', '[]'::jsonb, h.community_id, h.grid_id, h.id
        FROM generate_series(1, %s) AS i
        JOIN registry_home h ON h.id = %s + (i::bigint * 7919) %% (%s - %s + 1)""",
        [people, first, last, first],
    )
    # The 12 m² rooms hold five more people each.
    run(
        """INSERT INTO registry_person (address_code, source, created_at, updated_at, name,
            id_number_encrypted, id_number_index, id_number_masked, birth_date, sex,
            phone_encrypted, phone_index, phone_masked, kind, service_tags, community_id,
            grid_id, home_id)
        SELECT '', 'BENCH', now(), now(), '租客', 'x', 'BENCH-x' || h.id || '-' || t,
            '3201**********0000', DATE '1990-01-01', 'M', '', '', '', 'floating', '[]'::jsonb,
            h.community_id, h.grid_id, h.id
        FROM registry_home h CROSS JOIN generate_series(1, 5) AS t
        WHERE h.source = 'BENCH' AND h.floor_area = 12"""
    )
    # A tenth of the homes let to a new tenant every few months; every 97th home eight times.
    run(
        """INSERT INTO registry_tenancy (start, home_id, person_id)
        SELECT CURRENT_DATE - (t * 40), h.id, m.first + (h.id * 13 + t * 7) % m.n
        FROM registry_home h
        JOIN LATERAL generate_series(1, CASE WHEN h.id % 97 = 0 THEN 8 ELSE 2 END) AS t ON true
        CROSS JOIN (SELECT min(id) AS first, count(*) AS n FROM registry_person
                    WHERE source = 'BENCH') m
        WHERE h.source = 'BENCH' AND h.id % 10 = 0
        ON CONFLICT DO NOTHING"""
    )
    run(
        "INSERT INTO rentals_meterbatch (name, sha256, rows, matched, unknown, imported_at, "
        "imported_by_id, node_id) SELECT %s, '', 0, 0, 0, now(), "
        "(SELECT min(id) FROM accounts_user), (SELECT min(id) FROM jurisdiction_node) "
        "RETURNING id",
        ["BENCH.csv"],
    )
    batch = cursor.fetchone()[0]  # type: ignore[attr-defined]
    for month in months:
        run(
            """INSERT INTO rentals_meterreading (address_code, address, month, utility, amount,
                batch_id, home_id)
            SELECT '', '', %s, u.utility,
                CASE WHEN h.id %% 150 = 0 THEN 6 ELSE 1 END
                    * (CASE WHEN u.utility = 'power' THEN 100 + h.id %% 80 ELSE 6 + h.id %% 5 END),
                %s, h.id
            FROM registry_home h CROSS JOIN (VALUES ('power'), ('water')) AS u(utility)
            WHERE h.source = 'BENCH'""",
            [month, batch],
        )
    run("ANALYZE")


def cleanup(cursor: object) -> None:
    run = cursor.execute  # type: ignore[attr-defined]
    run(
        "DELETE FROM rentals_casehit WHERE case_id IN (SELECT c.id FROM rentals_rentalcase c "
        "JOIN registry_home h ON h.id = c.home_id WHERE h.source = 'BENCH')"
    )
    run(
        "ALTER TABLE rentals_casetransition DISABLE TRIGGER USER;"
        "DELETE FROM rentals_casetransition WHERE case_id IN (SELECT c.id FROM "
        "rentals_rentalcase c JOIN registry_home h ON h.id = c.home_id WHERE h.source = 'BENCH');"
        "ALTER TABLE rentals_casetransition ENABLE TRIGGER USER"
    )
    run(
        "DELETE FROM rentals_rentalcase WHERE home_id IN "
        "(SELECT id FROM registry_home WHERE source = 'BENCH')"
    )
    run(
        "DELETE FROM rentals_meterreading WHERE batch_id IN "
        "(SELECT id FROM rentals_meterbatch WHERE name = 'BENCH.csv')"
    )
    run("DELETE FROM rentals_meterbatch WHERE name = 'BENCH.csv'")
    run(
        "DELETE FROM registry_tenancy WHERE home_id IN "
        "(SELECT id FROM registry_home WHERE source = 'BENCH')"
    )
    run("DELETE FROM registry_person WHERE source = 'BENCH'")
    run("DELETE FROM registry_home WHERE source = 'BENCH'")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--homes", type=int, default=400_000)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic rows")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from gridgov.jurisdiction.models import Level, Node
    from gridgov.registry.models import Home, Person
    from gridgov.rentals import actions, rules
    from gridgov.rentals.models import RentalRule, RuleRun
    from gridgov.tasks.engine import app

    if connection.vendor != "postgresql":
        print("PostgreSQL only: set DATABASE_URL.")
        return 1
    city = Node.objects.unscoped().filter(level=Level.CITY).first()
    if city is None:
        print("No city: run `manage.py seed_demo` first.")
        return 1
    today = timezone.localdate()
    months = []
    for back in (3, 2, 1):
        m = today.year * 12 + today.month - 1 - back
        months.append(f"{m // 12}-{m % 12 + 1:02d}-01")
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cleanup(cursor)  # a run stopped half-way left its rows
        populate(cursor, args.homes, args.people, months)
    print(f"populated in {time.monotonic() - started:.1f} s")
    homes = Home.objects.unscoped().filter(grid__code__startswith=city.code).count()
    people = Person.objects.unscoped().filter(grid__code__startswith=city.code).count()
    print(f"homes {homes:,}; people {people:,}")
    # The run's task queues itself at the commit; here it runs in this process instead.
    app.conf.task_always_eager = True
    try:
        started = time.monotonic()
        rules.run_baseline(city, list(RentalRule.objects.filter(active=True)), today)
        baseline = time.monotonic() - started
        started = time.monotonic()
        run = actions.rules_run_start(actor=None, node=city)
        total = time.monotonic() - started
        finished = RuleRun.objects.unscoped().get(pk=run.pk)
        done = finished.finished_at is not None
        print(f"utility baseline alone: {baseline:.1f} s")
        print(f"run (start and every chunk): {total:.1f} s; finished={done}")
        print(f"{finished.homes_done:,} homes; {finished.homes_done / total:,.0f} homes/s")
        print(f"hits by rule: {finished.hits}; cases opened {finished.cases_opened:,}")
        after = 0
        spent = dict.fromkeys(finished.hits, 0.0)
        active = list(RentalRule.objects.filter(active=True))
        for _ in range(5):
            chunk = rules.chunk_after(city, after, actions.CHUNK_HOMES)
            if not chunk:
                break
            after = chunk[-1].id
            for rule in active:
                tick = time.monotonic()
                rules.evaluate(rule, chunk, finished.baseline, today)
                spent[rule.code] = spent.get(rule.code, 0.0) + time.monotonic() - tick
        print("ms per chunk of 5,000 homes:", {k: round(v * 200) for k, v in spent.items()})
        print(f"warnings: {finished.warnings}")
    finally:
        if not args.keep:
            with transaction.atomic(), connection.cursor() as cursor:
                cleanup(cursor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
