"""The claim helpers: of two workers after the same piece of work, exactly one gets it."""

from datetime import UTC, datetime

from django.db import transaction

from opsbook.jobs.claims import claim_insert, claim_update
from opsbook.jobs.models import ScheduleClaim

SLOT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_conditional_update_claims_the_row_for_the_first_worker_only(db):
    row = ScheduleClaim.objects.create(schedule="report", slot=SLOT, claimed_by="")
    unclaimed = ScheduleClaim.objects.filter(pk=row.pk, claimed_by="")

    first = claim_update(unclaimed, claimed_by="worker-1")
    second = claim_update(unclaimed, claimed_by="worker-2")

    assert (first, second) == (1, 0)
    row.refresh_from_db()
    assert row.claimed_by == "worker-1"


def test_a_unique_insert_claims_the_key_for_the_first_worker_only(db):
    first = claim_insert(ScheduleClaim, schedule="report", slot=SLOT, claimed_by="worker-1")
    second = claim_insert(ScheduleClaim, schedule="report", slot=SLOT, claimed_by="worker-2")

    assert first is not None and first.claimed_by == "worker-1"
    assert second is None
    assert ScheduleClaim.objects.get().claimed_by == "worker-1"


def test_losing_a_claim_leaves_the_surrounding_transaction_usable(db):
    claim_insert(ScheduleClaim, schedule="report", slot=SLOT, claimed_by="worker-1")

    with transaction.atomic():
        lost = claim_insert(ScheduleClaim, schedule="report", slot=SLOT, claimed_by="worker-2")
        other = claim_insert(ScheduleClaim, schedule="digest", slot=SLOT, claimed_by="worker-2")

    assert lost is None
    assert other is not None
    assert ScheduleClaim.objects.count() == 2


def test_a_claim_made_in_a_transaction_that_fails_is_released(db):
    try:
        with transaction.atomic():
            claim_insert(ScheduleClaim, schedule="report", slot=SLOT, claimed_by="worker-1")
            raise RuntimeError("the work failed")
    except RuntimeError:
        pass

    retried = claim_insert(ScheduleClaim, schedule="report", slot=SLOT, claimed_by="worker-2")

    assert retried is not None
