"""Resolving a complaint owes a follow-up visit (回访); recording it completes it; reopening
cancels it; resolving again owes a new round; nothing runs twice."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from opsbook.notify.models import Delivery, Notification
from opsbook.tickets import followups, services
from opsbook.tickets.choices import FollowUpReason, Status, TicketType
from opsbook.tickets.models import FollowUpTask, Ticket
from opsbook.tickets.tests.factories import make_ticket

from .followup_helpers import DUE, OPENED, RESOLVED, SH, complaint, scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(personas):
    return scene(personas)


def resolve(people, ticket, at=RESOLVED):
    return services.resolve(people.alice, ticket, now=at)


def visit(people, ticket, at):
    return services.do_add_follow_up(
        people.alice, Ticket.objects.get(pk=ticket.pk), method="phone", outcome="客户满意", now=at
    )


def test_resolving_a_complaint_owes_its_assignee_a_visit_due_three_business_days_later(
    personas, item
):
    ticket = complaint(personas, item)

    resolve(personas, ticket)

    task = FollowUpTask.objects.get(ticket=ticket)
    assert task.reason == FollowUpReason.RESOLVED and task.round == 1
    assert task.owner == personas.alice  # the assignee
    assert task.due_at == DUE  # across National Day, with the 调休 Saturday counted
    assert list(FollowUpTask.objects.open_for(personas.alice)) == [task]


def test_an_unassigned_complaint_goes_to_the_team_lead(personas, item):
    ticket = complaint(personas, item, assignee=None, team=personas.support_team)

    resolve(personas, ticket)

    assert FollowUpTask.objects.get(ticket=ticket).owner == personas.bob


def test_without_assignee_or_lead_the_visit_waits_in_the_managers_queue(personas, item):
    personas.support_team.lead = None
    personas.support_team.save()
    ticket = complaint(personas, item, assignee=None, team=personas.support_team)

    resolve(personas, ticket)

    task = FollowUpTask.objects.get(ticket=ticket)
    assert task.owner is None
    assert list(FollowUpTask.objects.open().unowned()) == [task]


def test_other_types_owe_nothing_unless_the_setting_names_them(personas, item, settings):
    ticket = make_ticket(personas.mia, item, type=TicketType.INCIDENT, now=OPENED)
    resolve(personas, ticket)
    assert not FollowUpTask.objects.exists()

    settings.OPSBOOK_FOLLOW_UP_TICKET_TYPES = ["complaint", "incident"]
    other = make_ticket(personas.mia, item, type=TicketType.INCIDENT, now=OPENED)
    resolve(personas, other)
    assert FollowUpTask.objects.filter(ticket=other).count() == 1


def test_the_number_of_business_days_is_a_setting(personas, item, settings):
    settings.OPSBOOK_FOLLOW_UP_BUSINESS_DAYS = 1
    ticket = complaint(personas, item)

    resolve(personas, ticket)

    assert FollowUpTask.objects.get(ticket=ticket).due_at == DUE - timedelta(days=2)  # 10-08


def test_recording_the_visit_completes_the_task(personas, item):
    ticket = complaint(personas, item)
    resolve(personas, ticket)
    at = RESOLVED + timedelta(days=8)

    follow_up = visit(personas, ticket, at)

    task = FollowUpTask.objects.get(ticket=ticket)
    assert task.done_at == at and task.follow_up == follow_up
    assert not FollowUpTask.objects.open().exists()


def test_reopening_cancels_the_visit_and_resolving_again_owes_a_new_round(personas, item):
    ticket = complaint(personas, item)
    resolve(personas, ticket)
    reopened = RESOLVED + timedelta(hours=1)

    services.reopen(personas.alice, ticket, now=reopened)

    first = FollowUpTask.objects.get(ticket=ticket)
    assert first.cancelled_at == reopened and first.done_at is None

    resolve(personas, ticket, at=RESOLVED + timedelta(days=8))  # Thursday 10-08 15:00

    second = FollowUpTask.objects.open().get(ticket=ticket)
    assert second.round == 2
    assert second.due_at == datetime(2026, 10, 12, 18, 0, tzinfo=SH)  # 10-09, 10-10, 10-12


def test_a_customers_reply_that_reopens_cancels_the_visit(personas, item):
    ticket = complaint(personas, item)
    resolve(personas, ticket)

    services.do_reply(personas.dana, ticket, "还是不行", now=RESOLVED + timedelta(hours=2))

    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    assert not FollowUpTask.objects.open().exists()


def test_running_the_resolution_hook_again_creates_no_second_task(personas, item):
    ticket = complaint(personas, item)
    resolve(personas, ticket)
    ticket = Ticket.objects.get(pk=ticket.pk)

    followups.after_status_change(ticket, Status.IN_PROGRESS, Status.RESOLVED, RESOLVED)
    followups.after_status_change(ticket, Status.IN_PROGRESS, Status.RESOLVED, RESOLVED)

    assert FollowUpTask.objects.filter(ticket=ticket).count() == 1


def test_closing_a_complaint_still_needs_the_visit(personas, item):
    ticket = complaint(personas, item)
    services.do_update_ticket(
        personas.alice, ticket, expected_version=None, root_cause="线路故障", now=OPENED
    )
    resolve(personas, ticket)

    with pytest.raises(ValidationError):
        services.close(personas.alice, ticket, now=RESOLVED + timedelta(hours=1))

    visit(personas, ticket, RESOLVED + timedelta(hours=2))
    services.close(personas.alice, ticket, now=RESOLVED + timedelta(hours=3))
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_a_rolled_back_resolution_owes_nothing_and_tells_nobody(personas, item):
    ticket = complaint(personas, item)
    notes, mails = Notification.objects.count(), Delivery.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        resolve(personas, ticket)
        assert FollowUpTask.objects.exists()
        raise RuntimeError

    assert not FollowUpTask.objects.exists()
    assert (Notification.objects.count(), Delivery.objects.count()) == (notes, mails)


def test_an_unknown_type_in_the_setting_is_refused_at_start(settings):
    settings.OPSBOOK_FOLLOW_UP_TICKET_TYPES = ["complaint", "complaints"]

    [error] = followups.check_follow_up_types()

    assert error.id == "tickets.E001" and "complaints" in error.msg


def test_reassigning_the_ticket_moves_the_visit_owed_by_the_previous_assignee(personas, item):
    ticket = complaint(personas, item)
    resolve(personas, ticket)

    services.do_assign_ticket(personas.mia, ticket, assignee=personas.bob, now=RESOLVED)

    assert FollowUpTask.objects.get(ticket=ticket).owner == personas.bob


def test_the_querysets_my_work_reads(personas, item):
    ticket = complaint(personas, item)
    resolve(personas, ticket)
    task = FollowUpTask.objects.get()

    assert list(FollowUpTask.objects.open_for(personas.alice)) == [task]
    assert list(FollowUpTask.objects.open_for(personas.bob)) == []
    assert list(FollowUpTask.objects.of_team(personas.support_team.pk).open()) == [task]
    assert list(FollowUpTask.objects.overdue(DUE)) == []
    assert list(FollowUpTask.objects.overdue(DUE + timedelta(seconds=1))) == [task]
