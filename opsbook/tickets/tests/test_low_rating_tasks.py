"""A rating of 1 or 2 owes the team lead a follow-up visit, with the rating and comment, and
tells them; without a lead it waits in the managers' queue and the managers are told."""

from datetime import timedelta

import pytest
from django.urls import reverse

from opsbook.notify.choices import Event
from opsbook.notify.models import Notification
from opsbook.tickets import satisfaction, services
from opsbook.tickets.choices import FollowUpReason
from opsbook.tickets.models import FollowUpTask, Ticket
from opsbook.tickets.tests.factories import make_ticket

from .followup_helpers import OPENED, RESOLVED, SH, scene

pytestmark = pytest.mark.django_db
RATED = RESOLVED + timedelta(hours=1)


@pytest.fixture
def item(personas):
    return scene(personas)


@pytest.fixture
def resolved(personas, item):
    ticket = make_ticket(
        personas.mia, item, customer=personas.customer_a, contact=personas.dana, now=OPENED
    )
    return services.resolve(personas.alice, ticket, now=RESOLVED)


def test_a_rating_of_two_in_the_portal_owes_the_team_lead_a_visit(personas, resolved):
    services.do_rate_ticket(resolved, 2, "  等了太久  ", actor=personas.dana, now=RATED)

    task = FollowUpTask.objects.get(ticket=resolved)
    assert task.reason == FollowUpReason.LOW_RATING
    assert task.owner == personas.bob  # the lead of the ticket's team
    assert (task.rating, task.rating_comment) == (2, "等了太久")
    assert task.due_at.astimezone(SH).isoformat() == "2026-10-10T18:00:00+08:00"
    [note] = Notification.objects.filter(event=Event.LOW_RATING)
    assert note.user == personas.bob
    assert "等了太久" in note.body and "2" in note.title


def test_a_rating_of_one_through_the_emailed_link_does_the_same(personas, resolved):
    token = satisfaction.create_request(resolved, sent_to="dana@example.com", now=RESOLVED)

    services.do_rate_ticket(resolved, 1, "", token=token, now=RATED)

    assert FollowUpTask.objects.get(ticket=resolved).rating == 1


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_a_rating_of_three_or_more_owes_nothing(personas, resolved, rating):
    services.do_rate_ticket(resolved, rating, actor=personas.dana, now=RATED)

    assert not FollowUpTask.objects.exists()
    assert not Notification.objects.filter(event=Event.LOW_RATING).exists()


def test_without_a_team_lead_the_managers_are_told_and_nobody_owns_it(personas, resolved):
    personas.support_team.lead = None
    personas.support_team.save()

    services.do_rate_ticket(resolved, 1, actor=personas.dana, now=RATED)

    assert FollowUpTask.objects.get(ticket=resolved).owner is None
    assert [n.user for n in Notification.objects.filter(event=Event.LOW_RATING)] == [personas.mia]


def test_recording_the_visit_completes_the_low_rating_follow_up(personas, resolved):
    services.do_rate_ticket(resolved, 2, actor=personas.dana, now=RATED)

    services.do_add_follow_up(
        personas.bob,
        Ticket.objects.get(pk=resolved.pk),
        method="phone",
        outcome="已致歉并说明原因",
        now=RATED + timedelta(hours=1),
    )

    assert not FollowUpTask.objects.open().exists()


def test_the_customer_never_sees_the_follow_up_or_its_notice(personas, resolved, client):
    services.do_rate_ticket(resolved, 1, "很差", actor=personas.dana, now=RATED)

    assert not Notification.objects.filter(user=personas.dana).exists()
    client.force_login(personas.dana)
    page = client.get(reverse("portal:ticket", args=[resolved.pk]))
    assert page.status_code == 200
    assert "Follow-up visit" not in page.text and "回访" not in page.text
