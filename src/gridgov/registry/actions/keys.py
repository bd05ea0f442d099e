"""Re-encrypting stored personal data under the current data key, one batch at a time."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from gridgov.audit.actions import audit_record
from gridgov.core import crypto
from gridgov.registry.models import Person


def _reseal(stored: str, field: str, ring: crypto.Keyring) -> str:
    if not stored or crypto.key_id_of(stored) == ring.current:
        return stored
    return crypto.encrypt(crypto.decrypt(stored, field=field, ring=ring), field=field, ring=ring)


@transaction.atomic
def person_keys_rotate(*, after: int, batch_size: int) -> int:
    """Re-encrypt the next batch of people (by pk, after `after`) still under an older key.

    Returns the last pk done, 0 when nothing is left. Each batch commits on its
    own, so a rotation can stop and resume; the blind indexes and masks do not
    depend on the data keys and stay as they are.
    """
    ring = crypto.keyring()
    prefix = f"{ring.current}:"
    stale = (Q(id_number_encrypted__gt="") & ~Q(id_number_encrypted__startswith=prefix)) | (
        Q(phone_encrypted__gt="") & ~Q(phone_encrypted__startswith=prefix)
    )
    batch = list(
        Person.objects.select_for_update()
        .filter(stale, pk__gt=after)
        .order_by("pk")
        .only("pk", "id_number_encrypted", "phone_encrypted")[:batch_size]
    )
    if not batch:
        return 0
    for person in batch:
        person.id_number_encrypted = _reseal(
            person.id_number_encrypted, crypto.PERSON_ID_NUMBER, ring
        )
        person.phone_encrypted = _reseal(person.phone_encrypted, crypto.PERSON_PHONE, ring)
    Person.objects.bulk_update(batch, ["id_number_encrypted", "phone_encrypted"])
    audit_record(
        actor=None,
        action="registry.keys_rotate",
        target_type="registry.person",
        detail={"key": ring.current, "people": len(batch), "last": batch[-1].pk},
    )
    return batch[-1].pk
