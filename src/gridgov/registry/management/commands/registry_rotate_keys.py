"""Re-encrypt every stored ID number and phone under the current data key.

Rows already under the current key are skipped, so the command can be
stopped and run again at any time; each batch commits on its own. Once it
reports nothing left, the old key may be removed from GRIDGOV_DATA_KEYS.
The blind index key is separate and is not rotated here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gridgov.core import crypto
from gridgov.registry.actions.keys import person_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt personal data under GRIDGOV_DATA_KEY_CURRENT, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        current = crypto.keyring().current
        last = 0
        while last := person_keys_rotate(after=last, batch_size=batch_size):
            self.stdout.write(f"re-encrypted the people up to no. {last}")
        self.stdout.write(self.style.SUCCESS(f"done: every person now under key {current}"))
