"""The SLA job (jobs.check_sla): one warning at the warning share, one breach notice with
escalation, never twice, whatever the number of workers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.notify.models import Delivery
from opsbook.tickets import jobs, services, sla_policy, sla_store
from opsbook.tickets.choices import EventKind
from opsbook.tickets.models import Ticket, TicketEvent
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # Monday; response (30 min) due 09:30
RESPONSE_WARN = datetime(2026, 11, 23, 9, 22, 30, tzinfo=TZ)  # 75 % of 30 minutes
RESPONSE_DUE = datetime(2026, 11, 23, 9, 30, tzinfo=TZ)
SECOND = timedelta(seconds=1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas):
    for name in ("alice", "bob", "mia", "erin"):
        user = getattr(personas, name)
        user.email = f"{name}@example.com"
        user.language = "en"  # messages are written in each recipient's language
        user.save()
    personas.support_team.lead = personas.bob
    personas.support_team.save()
    return personas


@pytest.fixture
def ticket(people):
    make_calendar()
    item = make_service(people.alice)
    give_service(people.customer_a, item)
    return make_ticket(people.alice, item, customer=people.customer_a, now=T0)


@pytest.fixture
def run_job():
    """check_sla at ``now``; returns (tickets handled, {recipient: subject}) of the e-mails it
    wrote to the outbox."""

    def run(now):
        before = set(Delivery.objects.values_list("pk", flat=True))
        handled = jobs.check_sla(now)
        mails = Delivery.objects.exclude(pk__in=before)
        return handled, {m.address: m.subject for m in mails}

    return run


def sla_events(ticket):
    return list(
        TicketEvent.objects.filter(
            ticket=ticket, kind__in=[EventKind.SLA_WARNING, EventKind.SLA_BREACH]
        ).values_list("kind", "data__clock")
    )


def test_a_new_ticket_is_queued_for_its_first_warning(ticket):
    assert ticket.sla_next_check_at == RESPONSE_WARN
    assert ticket.response_warn_at == RESPONSE_WARN
    assert ticket.response_due_at == RESPONSE_DUE


def test_nothing_happens_before_the_warning_share_is_used(ticket, run_job):
    assert run_job(RESPONSE_WARN - SECOND) == (0, {})
    assert sla_events(ticket) == []


def test_the_assignee_is_warned_once_at_75_percent(ticket, run_job):
    handled, mails = run_job(RESPONSE_WARN)

    assert handled == 1
    assert mails == {"alice@example.com": f"[{ticket.number}] Response target at risk: 无法登录"}
    assert sla_events(ticket) == [(EventKind.SLA_WARNING, "response")]
    ticket.refresh_from_db()
    assert ticket.response_warned_at == RESPONSE_WARN
    assert ticket.sla_next_check_at == RESPONSE_DUE + SECOND

    assert run_job(RESPONSE_WARN + timedelta(minutes=5)) == (0, {})
    assert len(sla_events(ticket)) == 1


def test_the_warning_share_follows_the_setting(people, settings):
    settings.OPSBOOK_SLA_WARNING_PERCENT = 50
    make_calendar()
    item = make_service(people.alice)

    ticket = make_ticket(people.alice, item, now=T0)

    assert ticket.response_warn_at == T0 + timedelta(minutes=15)


def test_exactly_at_the_due_time_the_ticket_is_not_yet_breached(ticket, run_job):
    run_job(RESPONSE_WARN)

    assert run_job(RESPONSE_DUE) == (0, {})  # on time until 09:30:00 has passed
    ticket.refresh_from_db()
    assert not ticket.response_breached


def test_at_breach_the_assignee_and_the_team_lead_are_told_once(ticket, run_job):
    run_job(RESPONSE_WARN)

    handled, mails = run_job(RESPONSE_DUE + SECOND)

    assert handled == 1
    assert set(mails) == {"alice@example.com", "bob@example.com"}
    assert "Response target breached" in mails["bob@example.com"]
    ticket.refresh_from_db()
    assert ticket.response_breached
    assert ticket.response_breach_notified_at == RESPONSE_DUE + SECOND
    assert ticket.sla_next_check_at == ticket.resolution_warn_at
    assert run_job(RESPONSE_DUE + timedelta(minutes=10)) == (0, {})
    assert sla_events(ticket) == [
        (EventKind.SLA_WARNING, "response"),
        (EventKind.SLA_BREACH, "response"),
    ]


def test_without_a_team_lead_the_managers_are_told(people, ticket, run_job):
    people.support_team.lead = None
    people.support_team.save()
    retired_manager = User.objects.create(
        username="old", role=Role.MANAGER, email="old@example.com", is_active=False
    )

    _, mails = run_job(RESPONSE_DUE + SECOND)

    assert set(mails) == {"alice@example.com", "mia@example.com"}
    assert retired_manager.email not in mails


def test_a_breach_found_late_is_announced_without_a_late_warning(ticket, run_job):
    handled, mails = run_job(RESPONSE_DUE + timedelta(minutes=45))  # the job was down

    assert handled == 1
    assert "breached" in mails["alice@example.com"]
    assert sla_events(ticket) == [(EventKind.SLA_BREACH, "response")]
    ticket.refresh_from_db()
    assert ticket.response_warned_at is not None  # marked so that no warning follows


def test_a_reply_before_the_due_time_stops_the_response_checks(people, ticket, run_job):
    run_job(RESPONSE_WARN)
    services.do_reply(people.alice, ticket, "您好", now=RESPONSE_DUE - SECOND)

    ticket.refresh_from_db()
    assert ticket.sla_next_check_at == ticket.resolution_warn_at
    assert run_job(RESPONSE_DUE + timedelta(minutes=5)) == (0, {})
    assert not Ticket.objects.get(pk=ticket.pk).response_breached


def test_a_ticket_waiting_on_the_customer_is_not_checked(people, ticket, run_job):
    services.do_reply(people.alice, ticket, "请补充信息", then_status="waiting", now=T0)

    ticket.refresh_from_db()
    assert ticket.sla_next_check_at is None
    assert run_job(T0 + timedelta(days=3)) == (0, {})


def test_two_workers_reading_the_same_due_ticket_warn_once(ticket, run_job):
    due = list(
        Ticket.objects.sla_due_for_check(RESPONSE_WARN).values_list("pk", "sla_next_check_at")
    )
    assert len(due) == 1
    pk, moment = due[0]

    first = jobs.check_one(pk, moment, RESPONSE_WARN)
    second = jobs.check_one(pk, moment, RESPONSE_WARN)  # read the same row before the claim

    assert (first, second) == (True, False)
    assert sla_events(ticket) == [(EventKind.SLA_WARNING, "response")]


def test_running_the_job_twice_at_once_warns_once(ticket, run_job):
    first = run_job(RESPONSE_WARN)
    second = run_job(RESPONSE_WARN)

    assert first[0] == 1 and second == (0, {})
    assert len(sla_events(ticket)) == 1


def test_a_warning_is_given_again_when_a_recomputation_moves_it_into_the_future(
    people, ticket, run_job
):
    run_job(RESPONSE_WARN)
    ticket.refresh_from_db()
    assert ticket.response_warned_at is not None

    # A new standard (60 minutes to respond) moves the warning to 09:45.
    later = sla_policy.PolicyResolver()
    standard = ticket.sla_standard
    standard.response_minutes = 60
    standard.save()
    sla_store.recompute_sla(ticket, RESPONSE_WARN + timedelta(minutes=1), later)

    ticket.refresh_from_db()
    assert ticket.response_warn_at == T0 + timedelta(minutes=45)
    assert ticket.response_warned_at is None
    assert ticket.sla_next_check_at == T0 + timedelta(minutes=45)
    _, mails = run_job(T0 + timedelta(minutes=45))
    assert "at risk" in mails["alice@example.com"]
