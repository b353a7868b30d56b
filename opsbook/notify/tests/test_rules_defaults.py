"""A fresh install notifies sensibly: the default rules seeded by 0003_default_rules, and the
fallback for an event with no rule."""

from datetime import UTC, datetime

import pytest

from opsbook.accounts.choices import Role
from opsbook.accounts.testing import make_user
from opsbook.notify.choices import Audience, Event
from opsbook.notify.models import Delivery, Notification, Rule
from opsbook.notify.services import do_notify

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)

EXPECTED = {
    (Event.TICKET_ASSIGNED, Audience.ASSIGNEE),
    (Event.SLA_WARNING, Audience.ASSIGNEE),
    (Event.SLA_BREACH, Audience.ASSIGNEE),
    (Event.SLA_BREACH, Audience.TEAM_LEAD),
    (Event.COMPLAINT_RECEIVED, Audience.TEAM_LEAD),
    (Event.COMPLAINT_RECEIVED, Audience.MANAGERS),
    (Event.OCCURRENCE_DUE, Audience.OWNERS),
    (Event.OCCURRENCE_OVERDUE, Audience.OWNERS),
    (Event.OCCURRENCE_OVERDUE, Audience.TEAM_LEAD),
    (Event.FOLLOWUP_DUE, Audience.ASSIGNEE),
    (Event.FOLLOWUP_OVERDUE, Audience.TEAM_LEAD),
    (Event.LOW_RATING, Audience.TEAM_LEAD),
    (Event.SOP_STEP_OVERDUE, Audience.ASSIGNEE),
    (Event.SOP_STEP_OVERDUE, Audience.TEAM_LEAD),
}


def test_the_default_rules_are_seeded_with_inbox_and_email():
    rules = list(Rule.objects.all())
    assert {(r.event, r.audience) for r in rules} == EXPECTED
    assert all(r.in_app and r.email and r.is_active and r.channel_id is None for r in rules)


def test_an_sla_breach_reaches_the_assignee_and_the_team_lead_but_not_the_managers(personas):
    lead = make_user("lead", Role.AGENT)
    do_notify(
        Event.SLA_BREACH,
        key="ticket:1:breach",
        message=lambda: ("超时", ""),
        link="/tickets/1/",
        audiences={
            Audience.ASSIGNEE: [personas.alice],
            Audience.TEAM_LEAD: [lead],
            Audience.MANAGERS: [personas.mia],
        },
        now=NOW,
    )
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"alice", "lead"}


def test_an_event_without_a_rule_falls_back_to_the_named_people(personas):
    personas.alice.email = "a@example.com"
    personas.alice.save()
    do_notify(
        Event.TICKET_CREATED,
        key="ticket:1:created",
        message=lambda: ("新工单", ""),
        link="/tickets/1/",
        audiences={Audience.OWNERS: [personas.alice]},
        now=NOW,
    )
    assert Notification.objects.filter(user=personas.alice).exists()
    assert Delivery.objects.filter(recipient=personas.alice).exists()


def test_an_event_whose_rules_are_all_off_tells_nobody(personas, client):
    Rule.objects.filter(event=Event.TICKET_ASSIGNED).update(is_active=False)
    do_notify(
        Event.TICKET_ASSIGNED,
        key="ticket:1:assigned",
        message=lambda: ("t", ""),
        link="/tickets/1/",
        audiences={Audience.ASSIGNEE: [personas.alice]},
        now=NOW,
    )
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    client.force_login(personas.mia)
    assert "rules-silenced" in client.get("/notifications/rules/").text
