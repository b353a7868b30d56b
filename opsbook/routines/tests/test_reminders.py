"""Reminders before due, then escalation when overdue: each sent once, however many workers."""

from datetime import date, timedelta

import pytest

from opsbook.accounts.choices import Role
from opsbook.accounts.testing import make_user
from opsbook.catalog import services as catalog
from opsbook.catalog.models import ServiceStandard
from opsbook.notify.choices import Event
from opsbook.notify.models import Notification
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.jobs import escalate_overdue, remind_due
from opsbook.routines.testing import at, make_occurrence, make_office_calendar, make_routine

pytestmark = [pytest.mark.django_db, pytest.mark.urls("opsbook.routines.tests.notice_urls")]

MONDAY = date(2026, 9, 14)


@pytest.fixture
def content(personas):
    make_office_calendar()
    return make_routine(personas.alice, name="机房巡检")


def inbox(event):
    return list(
        Notification.objects.filter(event=event)
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )


def test_owners_are_reminded_on_the_morning_of_the_due_day(content, personas):
    occurrence = make_occurrence(
        content, MONDAY, assignee=personas.alice, owners=[personas.alice, personas.bob]
    )

    assert remind_due(at(MONDAY, 8, 59)) == 0
    assert remind_due(at(MONDAY, 9)) == 1

    assert inbox(Event.OCCURRENCE_DUE) == ["alice", "bob"]
    note = Notification.objects.filter(user=personas.alice).get()
    assert note.link == f"/routines/occurrences/{occurrence.pk}/"
    assert "机房巡检" in note.title
    assert "2026-09-14 18:00" in note.body
    occurrence.refresh_from_db()
    assert occurrence.reminded_at == at(MONDAY, 9)


def test_a_reminder_is_sent_once_however_often_the_job_runs(content, personas):
    make_occurrence(content, MONDAY, assignee=personas.alice)

    assert remind_due(at(MONDAY, 9)) == 1
    assert remind_due(at(MONDAY, 9, 5)) == 0
    assert remind_due(at(MONDAY, 12)) == 0

    assert inbox(Event.OCCURRENCE_DUE) == ["alice"]


def test_the_reminder_setting_gives_hours_before_the_due_time(content, personas, settings):
    settings.ROUTINES_REMIND_HOURS_BEFORE = 24
    make_occurrence(content, MONDAY, assignee=personas.alice)

    assert remind_due(at(MONDAY - timedelta(days=1), 17, 59)) == 0
    assert remind_due(at(MONDAY - timedelta(days=1), 18)) == 1


def test_a_standard_that_asks_days_ahead_reminds_that_many_days_before(content, personas):
    catalog.do_update_content(
        None,
        content,
        parts=catalog.Parts(standards=[ServiceStandard(text="材料提前3天发布", lead_days=3)]),
    )
    make_occurrence(content, MONDAY, assignee=personas.alice)

    assert remind_due(at(date(2026, 9, 11), 8)) == 0
    assert remind_due(at(date(2026, 9, 11), 9)) == 1


def test_no_reminder_is_sent_for_work_already_overdue_or_done(content, personas):
    make_occurrence(content, MONDAY, assignee=personas.alice)
    make_occurrence(
        content, MONDAY + timedelta(days=1), assignee=personas.alice, status=OccurrenceStatus.DONE
    )

    assert remind_due(at(MONDAY, 19)) == 0
    assert remind_due(at(MONDAY + timedelta(days=1), 10)) == 0


def test_overdue_work_is_escalated_to_the_owners_and_the_team_lead(content, personas):
    team = personas.support_team
    lead = make_user("lena", team=team)
    team.lead = lead
    team.save()
    personas.alice.team = team
    personas.alice.save()
    occurrence = make_occurrence(content, MONDAY, assignee=personas.alice)

    assert escalate_overdue(at(MONDAY, 17)) == 0
    assert escalate_overdue(at(MONDAY, 18, 1)) == 1
    assert escalate_overdue(at(MONDAY, 19)) == 0

    assert inbox(Event.OCCURRENCE_OVERDUE) == ["alice", "lena"]
    occurrence.refresh_from_db()
    assert occurrence.escalated_at == at(MONDAY, 18, 1)
    body = Notification.objects.get(user=lead).body
    assert "alice" in body or personas.alice.label in body


def test_without_a_team_lead_the_managers_are_told(content, personas):
    make_user("mona", role=Role.MANAGER)
    make_occurrence(content, MONDAY, assignee=personas.alice)

    escalate_overdue(at(MONDAY, 19))

    assert inbox(Event.OCCURRENCE_OVERDUE) == ["alice", "mona"]  # in place of a team lead


def test_work_done_in_time_is_never_escalated(content, personas):
    make_occurrence(content, MONDAY, assignee=personas.alice, status=OccurrenceStatus.DONE)
    make_occurrence(
        content, MONDAY, assignee=personas.alice, status=OccurrenceStatus.SKIPPED, index=2
    )

    assert escalate_overdue(at(MONDAY, 19)) == 0


def test_a_message_is_written_in_each_readers_language(content, personas):
    personas.alice.language = "zh-hans"
    personas.alice.save()
    personas.bob.language = "en"
    personas.bob.save()
    make_occurrence(content, MONDAY, assignee=personas.alice, owners=[personas.alice, personas.bob])

    remind_due(at(MONDAY, 9))

    chinese = Notification.objects.get(user=personas.alice).title
    english = Notification.objects.get(user=personas.bob).title
    assert english == "Due 2026-09-14 18:00: 机房巡检"
    assert chinese != english and "机房巡检" in chinese


def test_a_second_worker_that_read_the_same_occurrence_sends_nothing(
    content, personas, monkeypatch
):
    from opsbook.routines import jobs

    make_occurrence(content, MONDAY, assignee=personas.alice)
    calls = []
    real = jobs.do_notify

    def notify_and_race(*args, **kwargs):
        calls.append(kwargs["key"])
        real(*args, **kwargs)
        # Another worker read the occurrence before this one claimed it: its run finds the
        # claim taken and sends nothing.
        assert jobs.escalate_overdue(kwargs["now"]) == 0

    monkeypatch.setattr(jobs, "do_notify", notify_and_race)
    assert escalate_overdue(at(MONDAY, 19)) == 1
    assert len(calls) == 1


def test_the_lead_assigned_work_of_a_team_owned_content_is_reminded(personas):
    make_office_calendar()
    team = personas.support_team
    team.lead = personas.bob
    team.save()
    content = make_routine(team, name="团队周检")
    make_occurrence(content, MONDAY, assignee=personas.bob, owners=[], team=team)

    assert remind_due(at(MONDAY, 9)) == 1

    assert inbox(Event.OCCURRENCE_DUE) == ["bob"]
