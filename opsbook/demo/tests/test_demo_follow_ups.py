"""The demo shows follow-up visits (回访) as work: one owed, one overdue, one after a low
rating, and one done."""

import pytest
from django.core.management import call_command

from opsbook.core import clock
from opsbook.tickets.choices import FollowUpReason
from opsbook.tickets.models import FollowUpTask

pytestmark = pytest.mark.django_db


def test_the_demo_has_follow_ups_owed_overdue_done_and_after_a_low_rating():
    call_command("demo", "--no-snapshots", verbosity=0)
    now = clock.now()

    tasks = FollowUpTask.objects.all()
    assert tasks.filter(done_at__isnull=False).exists()
    assert tasks.overdue(now).filter(reason=FollowUpReason.RESOLVED).exists()
    assert tasks.open().filter(reason=FollowUpReason.RESOLVED, due_at__gt=now).exists()
    low = tasks.get(reason=FollowUpReason.LOW_RATING)
    team = low.ticket.team
    assert team is not None and low.rating == 2 and low.owner == team.lead
