"""Re-encrypt every stored ID number and phone under the current data key.

Rows already under the current key are skipped, so the command can be
stopped and run again at any time; each batch commits on its own. Once it
reports nothing left, the old key may be removed from GRIDGOV_DATA_KEYS.
The blind index key is separate and is not rotated here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Q

from gridgov.registry import crypto
from gridgov.registry.actions import UNMASK_FIELDS
from gridgov.registry.models import Person


class Command(BaseCommand):
    help = "Re-encrypt personal data under GRIDGOV_DATA_KEY_CURRENT, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        ring = crypto.keyring()
        prefix = f"{ring.current}:"
        stale = (Q(id_number_encrypted__gt="") & ~Q(id_number_encrypted__startswith=prefix)) | (
            Q(phone_encrypted__gt="") & ~Q(phone_encrypted__startswith=prefix)
        )
        done = 0
        last = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Person.objects.select_for_update()
                    .filter(stale, pk__gt=last)
                    .order_by("pk")
                    .only("pk", "id_number_encrypted", "phone_encrypted")[:batch_size]
                )
                if not batch:
                    break
                for person in batch:
                    person.id_number_encrypted = _reseal(
                        person.id_number_encrypted, UNMASK_FIELDS["id_number"], ring
                    )
                    person.phone_encrypted = _reseal(
                        person.phone_encrypted, UNMASK_FIELDS["phone"], ring
                    )
                Person.objects.bulk_update(batch, ["id_number_encrypted", "phone_encrypted"])
            done += len(batch)
            last = batch[-1].pk
            self.stdout.write(f"re-encrypted {done} people")
        self.stdout.write(self.style.SUCCESS(f"done: {done} people now under key {ring.current}"))


def _reseal(stored: str, field: str, ring: crypto.Keyring) -> str:
    if not stored or crypto.key_id_of(stored) == ring.current:
        return stored
    return crypto.encrypt(crypto.decrypt(stored, field=field, ring=ring), field=field, ring=ring)
