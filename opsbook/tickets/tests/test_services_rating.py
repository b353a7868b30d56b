"""Satisfaction ratings (services.do_rate_ticket): once, 1–5, resolved or closed tickets only, by
the customer or through a one-time link that expires; never filled in by anyone else."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.tickets import jobs, satisfaction, services
from opsbook.tickets.choices import EventKind, Status
from opsbook.tickets.models import SatisfactionRequest, Ticket
from opsbook.tickets.tests.factories import (
    frozen_time,
    give_service,
    make_calendar,
    make_service,
    make_ticket,
)

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(personas):
    make_calendar()
    item = make_service(personas.alice)
    give_service(personas.customer_a, item)
    ticket = make_ticket(
        personas.alice, item, customer=personas.customer_a, contact=personas.dana, now=T0
    )
    return services.resolve(personas.alice, ticket, now=T0 + timedelta(hours=1))


def test_the_customer_rates_a_resolved_ticket_once(personas, ticket):
    services.do_rate_ticket(ticket, 4, " 很及时 ", actor=personas.dana)

    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "很及时")
    assert ticket.rated_at is not None
    assert ticket.events.filter(kind=EventKind.RATED, is_public=True).count() == 1
    with pytest.raises(ValidationError):
        services.do_rate_ticket(ticket, 5, actor=personas.dana)
    ticket.refresh_from_db()
    assert ticket.rating == 4


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None, 3.5])
def test_a_rating_outside_one_to_five_is_refused(personas, ticket, rating):
    with pytest.raises(ValidationError) as excinfo:
        services.do_rate_ticket(ticket, rating, actor=personas.dana)

    assert set(excinfo.value.message_dict) == {"rating"}
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_a_closed_ticket_can_still_be_rated(personas, ticket):
    ticket = services.close(personas.alice, ticket, now=T0 + timedelta(days=1))

    services.do_rate_ticket(ticket, 5, actor=personas.dana)

    assert Ticket.objects.get(pk=ticket.pk).rating == 5


def test_an_open_ticket_cannot_be_rated(personas, ticket):
    ticket = services.reopen(personas.alice, ticket, now=T0 + timedelta(days=1))

    with pytest.raises(ValidationError):
        services.do_rate_ticket(ticket, 5, actor=personas.dana)


@pytest.mark.parametrize("who", ["alice", "mia", "erin", "carl"])
def test_nobody_but_the_customer_rates(personas, ticket, who):
    with pytest.raises(PermissionDenied):
        services.do_rate_ticket(ticket, 5, actor=getattr(personas, who))

    ticket.refresh_from_db()
    assert ticket.rating is None


# --- one-time links ----------------------------------------------------------------------------


def test_a_rating_link_works_once(ticket):
    token = satisfaction.create_request(ticket, sent_to="dana@example.com")

    services.do_rate_ticket(ticket, 5, "谢谢", token=token)

    assert Ticket.objects.get(pk=ticket.pk).rating == 5
    assert SatisfactionRequest.objects.get().used_at is not None
    with pytest.raises(PermissionDenied):
        services.do_rate_ticket(ticket, 1, token=token)
    assert Ticket.objects.get(pk=ticket.pk).rating == 5


def test_only_a_digest_of_the_link_is_stored(ticket):
    token = satisfaction.create_request(ticket)

    stored = SatisfactionRequest.objects.get()
    assert token not in stored.digest and stored.digest == satisfaction.digest(token)


def test_a_rating_link_expires(ticket, settings):
    settings.OPSBOOK_SATISFACTION_LINK_DAYS = 14
    with frozen_time(T0 + timedelta(hours=2)) as move_to:
        token = satisfaction.create_request(ticket)
        move_to(T0 + timedelta(hours=2, days=14, seconds=1))

        with pytest.raises(PermissionDenied):
            services.do_rate_ticket(ticket, 5, token=token)

    assert Ticket.objects.get(pk=ticket.pk).rating is None


def test_a_link_for_another_ticket_is_refused(personas, ticket):
    other = make_ticket(personas.alice, ticket.item, now=T0)
    other = services.resolve(personas.alice, other, now=T0 + timedelta(hours=1))
    token = satisfaction.create_request(other)

    with pytest.raises(PermissionDenied):
        services.do_rate_ticket(ticket, 5, token=token)

    assert SatisfactionRequest.objects.get().used_at is None


@pytest.mark.parametrize("token", ["", "x" * 101, "not-a-token"])
def test_a_made_up_link_is_refused(ticket, token):
    with pytest.raises(PermissionDenied):
        services.do_rate_ticket(ticket, 5, token=token)


def test_a_refused_rating_does_not_use_up_the_link(ticket):
    token = satisfaction.create_request(ticket)

    with pytest.raises(ValidationError):
        services.do_rate_ticket(ticket, 9, token=token)

    services.do_rate_ticket(ticket, 3, token=token)
    assert Ticket.objects.get(pk=ticket.pk).rating == 3


def test_rating_in_the_portal_retires_the_open_links(personas, ticket):
    token = satisfaction.create_request(ticket)

    services.do_rate_ticket(ticket, 4, actor=personas.dana)

    with pytest.raises(PermissionDenied):
        services.do_rate_ticket(ticket, 4, token=token)


# --- never filled in automatically ---------------------------------------------------------------


def test_closing_after_the_reopen_window_leaves_the_ticket_unrated_and_the_link_valid(
    ticket, settings
):
    settings.OPSBOOK_TICKET_REOPEN_DAYS = 7
    settings.OPSBOOK_SATISFACTION_LINK_DAYS = 14
    resolved = ticket.resolved_at
    with frozen_time(resolved) as move_to:
        token = satisfaction.create_request(ticket)
        move_to(resolved + timedelta(days=8))

        assert jobs.close_resolved_tickets() == 1
        closed = Ticket.objects.get(pk=ticket.pk)
        assert closed.status == Status.CLOSED
        assert closed.rating is None and closed.rated_at is None

        move_to(resolved + timedelta(days=13))
        services.do_rate_ticket(closed, 2, "等太久", token=token)

    assert Ticket.objects.get(pk=ticket.pk).rating == 2


def test_a_rating_sent_as_text_from_a_form_is_read(personas, ticket):
    services.do_rate_ticket(ticket, " 5 ", actor=personas.dana)

    assert Ticket.objects.get(pk=ticket.pk).rating == 5
