"""Who is e-mailed about what. The services write each e-mail to the outbox (notify's
``Delivery`` rows) in their own transaction; these tests read the outbox rows an action wrote
(the notify worker sends them: see test_ticket_notices_delivery.py)."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse

from opsbook.notify.choices import ChannelKind
from opsbook.notify.models import Delivery, Notification
from opsbook.tickets import notifications, services
from opsbook.tickets.choices import Source, Status
from opsbook.tickets.models import SatisfactionRequest, Ticket
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas):
    for name in ("alice", "bob", "charlie", "mia", "erin", "dana", "carl"):
        user = getattr(personas, name)
        user.email = f"{name}@example.com"
        user.language = "en"  # each message is written in its recipient's language
        user.save()
    personas.support_team.lead = personas.bob
    personas.support_team.save()
    return personas


@pytest.fixture
def item(people):
    make_calendar()
    item = make_service(people.alice)
    give_service(people.customer_a, item)
    return item


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The clock stands at T0 unless a test moves it: the services are given ``now`` and the
    notification tasks they enqueue read the clock, so both must agree."""
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def sent(clock):
    """Run ``action`` (with the clock at ``at`` when given) and return the e-mails it put in
    the outbox, as {address: Delivery}."""

    class Run:
        result: Any = None  # what the last action returned

        def __call__(self, action: Callable[[], Any], at: datetime | None = None) -> dict:
            if at is not None:
                clock.move_to(at, tick=False)
            before = set(Delivery.objects.values_list("pk", flat=True))
            self.result = action()
            by_recipient = {}
            for mail in Delivery.objects.exclude(pk__in=before).order_by("pk"):
                assert mail.kind == ChannelKind.EMAIL
                assert mail.address not in by_recipient, f"{mail.address} got two e-mails"
                by_recipient[mail.address] = mail
            return by_recipient

    return Run()


def dana_ticket(people, item, **fields):
    return make_ticket(
        people.mia, item, customer=people.customer_a, contact=people.dana, now=T0, **fields
    )


# --- new tickets and assignment ----------------------------------------------------------------


def test_a_new_ticket_is_announced_to_its_assignee_and_watchers_not_its_creator(people, item, sent):
    mails = sent(lambda: dana_ticket(people, item, watchers=[people.charlie, people.mia]))

    assert set(mails) == {"alice@example.com", "charlie@example.com"}
    ticket = sent.result
    assert mails["alice@example.com"].subject == f"[{ticket.number}] New ticket: 无法登录"
    assert mails["alice@example.com"].link.endswith(reverse("tickets:detail", args=[ticket.pk]))
    # Staff also find it in their inbox, linked to the ticket page.
    note = Notification.objects.get(user=people.alice)
    assert note.link == reverse("tickets:detail", args=[ticket.pk])
    assert not Notification.objects.filter(user=people.mia).exists()


def test_an_agent_opening_a_ticket_for_themselves_gets_no_e_mail(people, item, sent):
    assert sent(lambda: make_ticket(people.alice, item, now=T0)) == {}


def test_an_unassigned_ticket_is_announced_to_the_team_lead(people, item, sent):
    mails = sent(lambda: make_ticket(people.mia, item, team=people.support_team, now=T0))

    # Staff chose a team but nobody in it: the lead hears of it.
    assert set(mails) == {"bob@example.com"}


def test_a_customers_portal_ticket_is_announced_to_staff_only(people, item, sent):
    mails = sent(lambda: make_ticket(people.dana, item, channel="portal", now=T0))

    assert set(mails) == {"alice@example.com"}


def test_the_new_assignee_is_told_unless_they_took_it_themselves(people, item, sent):
    ticket = dana_ticket(people, item)

    assert sent(lambda: services.do_assign_ticket(people.bob, ticket, assignee=people.bob)) == {}

    mails = sent(lambda: services.do_assign_ticket(people.mia, ticket, assignee=people.charlie))
    assert set(mails) == {"charlie@example.com"}
    assert "Assigned to you" in mails["charlie@example.com"].subject


# --- replies and notes -------------------------------------------------------------------------


def test_a_public_reply_goes_to_the_customer_and_the_other_staff_on_the_ticket(
    people, item, sent, settings
):
    ticket = dana_ticket(people, item, watchers=[people.charlie])

    mails = sent(lambda: services.do_reply(people.alice, ticket, "请重启路由器后再试", now=T0))

    assert set(mails) == {"dana@example.com", "charlie@example.com"}
    to_dana = mails["dana@example.com"]
    assert "请重启路由器后再试" in to_dana.body
    base = settings.OPSBOOK_BASE_URL
    assert to_dana.link == base + reverse("portal:ticket", args=[ticket.pk])
    assert reverse("tickets:detail", args=[ticket.pk]) not in to_dana.body  # staff page
    # The customer has no inbox: the e-mail is all they get.
    assert not Notification.objects.filter(user=people.dana).exists()


def test_an_internal_note_never_reaches_the_customer(people, item, sent):
    ticket = dana_ticket(people, item, watchers=[people.charlie])

    mails = sent(lambda: services.do_add_note(people.alice, ticket, "客户态度较差", now=T0))

    assert set(mails) == {"charlie@example.com"}
    assert all("dana" not in to for to in mails)
    assert not Delivery.objects.filter(recipient=people.dana).exists()
    assert not Notification.objects.filter(user=people.dana).exists()


def test_a_customer_reply_goes_to_the_staff_on_the_ticket(people, item, sent):
    ticket = dana_ticket(people, item)

    mails = sent(lambda: services.do_reply(people.dana, ticket, "还是不行", now=T0))

    assert set(mails) == {"alice@example.com"}
    assert "Customer reply" in mails["alice@example.com"].subject


def test_nothing_is_sent_for_a_change_that_was_rolled_back(people, item, sent):
    ticket = dana_ticket(people, item)

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.do_reply(people.alice, ticket, "这条不会发出", now=T0)
            raise RuntimeError

    assert sent(rolled_back) == {}
    assert (
        not Notification.objects.exists()
        or not Notification.objects.filter(body__contains="这条不会发出").exists()
    )


def test_titles_and_bodies_are_sent_as_plain_text(people, item, sent):
    ticket = dana_ticket(people, item, title="<script>alert(1)</script>")

    mails = sent(lambda: services.do_reply(people.alice, ticket, "<b>你好</b>", now=T0))

    message = mails["dana@example.com"]
    assert message.html == ""  # the sender renders the HTML from the text, escaped
    assert "<script>alert(1)</script>" in message.subject
    assert "\n" not in message.subject


# --- resolution and the rating link ------------------------------------------------------------


def rating_links(mails):
    return [m for m in mails.values() if "/portal/rate/" in m.body]


def test_the_customer_gets_one_rating_link_per_resolution(people, item, sent):
    ticket = dana_ticket(people, item)

    mails = sent(
        lambda: services.resolve(people.alice, ticket, now=T0 + timedelta(hours=1)),
        at=T0 + timedelta(hours=1),
    )

    assert set(mails) == {"dana@example.com"}
    [link_mail] = rating_links(mails)
    link = re.search(r"/portal/rate/([^/\s]+)/", link_mail.body)
    assert link is not None
    request = services.satisfaction_request_for_token(link.group(1))
    assert request is not None and request.ticket == ticket
    # Announcing the same resolution again writes no second link.
    assert (
        sent(lambda: notifications.status_changed(ticket, Status.RESOLVED, people.alice, T0)) == {}
    )
    assert SatisfactionRequest.objects.count() == 1


def test_a_reopened_and_resolved_again_ticket_gets_a_new_link(people, item, sent):
    ticket = dana_ticket(people, item)
    sent(
        lambda: services.resolve(people.alice, ticket, now=T0 + timedelta(hours=1)),
        at=T0 + timedelta(hours=1),
    )
    sent(
        lambda: services.do_reply(people.dana, ticket, "又坏了", now=T0 + timedelta(days=1)),
        at=T0 + timedelta(days=1),
    )

    mails = sent(
        lambda: services.resolve(people.alice, ticket, now=T0 + timedelta(days=2)),
        at=T0 + timedelta(days=2),
    )

    assert len(rating_links(mails)) == 1
    assert SatisfactionRequest.objects.count() == 2


def test_a_rated_ticket_gets_no_further_links(people, item, sent):
    ticket = dana_ticket(people, item)
    sent(
        lambda: services.resolve(people.alice, ticket, now=T0 + timedelta(hours=1)),
        at=T0 + timedelta(hours=1),
    )
    services.do_rate_ticket(Ticket.objects.get(pk=ticket.pk), 5, actor=people.dana)
    sent(
        lambda: services.reopen(people.alice, ticket, now=T0 + timedelta(days=1)),
        at=T0 + timedelta(days=1),
    )

    mails = sent(
        lambda: services.resolve(people.alice, ticket, now=T0 + timedelta(days=2)),
        at=T0 + timedelta(days=2),
    )

    assert rating_links(mails) == []


def test_a_reply_that_resolves_sends_the_reply_and_then_the_link(people, item):
    ticket = dana_ticket(people, item)

    services.do_reply(
        people.alice, ticket, "已修复", then_status=Status.RESOLVED, now=T0 + timedelta(hours=1)
    )

    to_dana = list(Delivery.objects.filter(address="dana@example.com").order_by("pk"))
    assert ["已修复" in m.body for m in to_dana] == [True, False]
    assert "/portal/rate/" in to_dana[1].body
    assert SatisfactionRequest.objects.filter(ticket=ticket).count() == 1


def test_public_form_feedback_gets_its_link_at_the_address_left(people, item, sent):
    ticket = services.do_create_ticket(
        None,
        title="建议开通夜间热线",
        channel="other",
        requester_email="visitor@example.com",
        source=Source.PUBLIC_FORM,
        now=T0,
    )

    mails = sent(
        lambda: services.resolve(people.mia, ticket, now=T0 + timedelta(hours=1)),
        at=T0 + timedelta(hours=1),
    )

    assert set(mails) == {"visitor@example.com"}
    assert rating_links(mails)


def test_no_link_without_an_address(people, item, sent):
    ticket = make_ticket(people.mia, item, customer=people.customer_a, now=T0)

    mails = sent(
        lambda: services.resolve(people.alice, ticket, now=T0 + timedelta(hours=1)),
        at=T0 + timedelta(hours=1),
    )

    assert mails == {}
    assert not SatisfactionRequest.objects.exists()


def test_each_message_is_written_in_its_recipients_language(people, item, sent):
    people.alice.language = "zh-hans"
    people.alice.save()
    mails = sent(lambda: dana_ticket(people, item))
    assert "新建工单" in mails["alice@example.com"].subject
