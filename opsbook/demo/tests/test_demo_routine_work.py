"""The demo's routine work and notifications: occurrences generated from the checklist with a
past (done, skipped, missed), work due today and overdue in alice's "my work", hours on the
workload page, SOP runs, inbox entries, and a chat group whose deliveries fail, visibly."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from opsbook.accounts.models import User
from opsbook.notify.choices import DeliveryStatus, Event
from opsbook.notify.delivery import run_outbox
from opsbook.notify.models import Channel, Delivery, Notification
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.models import Occurrence
from opsbook.sops.models import Run

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 18)  # a Wednesday within the demo calendar's year
NOW = datetime.combine(TODAY, time(10), tzinfo=SHANGHAI)


@pytest.fixture
def loaded(time_machine, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    time_machine.move_to(NOW, tick=False)
    call_command("demo", "--no-snapshots", stdout=StringIO())


def test_the_demo_generates_occurrences_over_the_horizon_with_a_past(loaded, settings):
    occurrences = Occurrence.objects.all()
    assert occurrences.filter(due_on__lt=TODAY - timedelta(days=7)).exists()
    assert occurrences.filter(due_on__gt=TODAY + timedelta(days=30)).exists()
    statuses = set(occurrences.values_list("status", flat=True))
    assert {
        OccurrenceStatus.OPEN,
        OccurrenceStatus.DONE,
        OccurrenceStatus.SKIPPED,
        OccurrenceStatus.MISSED,
    } <= statuses
    assert occurrences.done_late().exists()
    skipped = occurrences.filter(status=OccurrenceStatus.SKIPPED).first()
    assert skipped is not None and skipped.skip_reason
    assert not occurrences.filter(status=OccurrenceStatus.DONE, completed_at__gt=NOW).exists()
    assert Run.objects.filter(occurrence__isnull=False).exists()


def test_alice_finds_work_due_today_and_overdue_in_my_work(loaded, client):
    alice = User.objects.get(username="alice")
    due_today = Occurrence.objects.filter(
        assignee=alice, status=OccurrenceStatus.OPEN, due_on=TODAY
    )
    overdue = Occurrence.objects.late(NOW).filter(assignee=alice)
    assert due_today.exists() and overdue.exists()
    client.force_login(alice)

    page = client.get(reverse("work:mine")).content.decode()

    first_due, first_late = due_today.first(), overdue.first()
    assert first_due is not None and first_due.content.name in page
    assert first_late is not None and first_late.content.name in page


def test_the_workload_page_shows_planned_hours_from_the_effort_estimates(loaded, client):
    client.force_login(User.objects.get(username="manager"))

    response = client.get(reverse("work:workload"))

    loads = {load.person.username: load for load in response.context["loads"]}
    assert loads["alice"].routine_hours > 0
    assert loads["carol"].routine_hours > 0


def test_the_inboxes_hear_about_overdue_routine_work(loaded):
    alice_inbox = Notification.objects.filter(user__username="alice")
    assert alice_inbox.filter(event=Event.OCCURRENCE_OVERDUE).exists()
    assert alice_inbox.filter(event=Event.TICKET_ASSIGNED).exists()


def test_the_demo_chat_group_fails_honestly_after_its_retries(loaded, client, time_machine):
    channel = Channel.objects.get(name="值班群 (demo)")
    assert Delivery.objects.filter(channel=channel).exists()
    moment = NOW
    for _ in range(8):  # the worker's passes, each after the backoff has passed
        run_outbox(moment)
        moment += timedelta(hours=2)
        time_machine.move_to(moment, tick=False)

    failed = Delivery.objects.filter(channel=channel, status=DeliveryStatus.FAILED)
    assert failed.count() == Delivery.objects.filter(channel=channel).count()
    first = failed.first()
    assert first is not None
    error = first.last_error
    assert "qyapi-demo.invalid" in error and "5" in error
    client.force_login(User.objects.get(username="manager"))
    page = client.get(reverse("notify:deliveries")).content.decode()
    assert "qyapi-demo.invalid" in page


def test_loading_again_adds_no_routine_work_and_no_notifications(loaded):
    before = (Occurrence.objects.count(), Notification.objects.count(), Delivery.objects.count())

    output = StringIO()
    call_command("demo", "--no-snapshots", stdout=output)

    assert output.getvalue() == ""
    after = (Occurrence.objects.count(), Notification.objects.count(), Delivery.objects.count())
    assert after == before
