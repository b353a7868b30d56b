"""The status machine through services.do_change_status: every pair of statuses, the reopen
window, and complaints that need a root cause and a follow-up visit (回访) to close."""

from datetime import datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.tickets import services
from opsbook.tickets.choices import EventKind, Status, TicketType
from opsbook.tickets.models import TRANSITIONS
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db

# How to bring a new ticket into each status.
PATHS = {
    Status.NEW: [],
    Status.ACKNOWLEDGED: [Status.ACKNOWLEDGED],
    Status.IN_PROGRESS: [Status.IN_PROGRESS],
    Status.WAITING: [Status.WAITING],
    Status.RESOLVED: [Status.RESOLVED],
    Status.CLOSED: [Status.RESOLVED, Status.CLOSED],
    Status.CANCELLED: [Status.CANCELLED],
}
PAIRS = [(a, b) for a, b in product(Status, Status) if a != b]


@pytest.fixture
def item(personas):
    make_calendar()
    item = make_service(personas.alice)
    give_service(personas.customer_a, item)
    return item


def ticket_in(status, actor, item, **fields):
    ticket = make_ticket(actor, item, now=T0, **fields)
    for step, to_status in enumerate(PATHS[status], start=1):
        ticket = services.do_change_status(
            actor, ticket, to_status, now=T0 + timedelta(minutes=step)
        )
    assert ticket.status == status
    return ticket


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_every_status_change_is_allowed_exactly_when_the_machine_declares_it(
    personas, item, from_status, to_status
):
    ticket = ticket_in(from_status, personas.alice, item)
    events_before = ticket.events.count()
    when = T0 + timedelta(hours=1)

    if to_status in TRANSITIONS[from_status]:
        ticket = services.do_change_status(personas.alice, ticket, to_status, now=when)
        ticket.refresh_from_db()
        assert ticket.status == to_status
        last = ticket.events.last()
        assert last is not None
        assert (last.kind, last.from_status, last.to_status) == (
            EventKind.STATUS,
            from_status,
            to_status,
        )
        assert last.is_public
    else:
        with pytest.raises(ValidationError) as excinfo:
            services.do_change_status(personas.alice, ticket, to_status, now=when)
        assert set(excinfo.value.message_dict) == {"status"}
        ticket.refresh_from_db()
        assert ticket.status == from_status
        assert ticket.events.count() == events_before


def test_moving_to_the_current_status_changes_nothing(personas, item):
    ticket = ticket_in(Status.IN_PROGRESS, personas.alice, item)
    version = ticket.version

    same = services.do_change_status(personas.alice, ticket, Status.IN_PROGRESS)

    assert same.version == version
    assert ticket.events.filter(kind=EventKind.STATUS).count() == 1


def test_an_unknown_status_is_refused(personas, item):
    ticket = ticket_in(Status.NEW, personas.alice, item)

    with pytest.raises(ValidationError):
        services.do_change_status(personas.alice, ticket, "done")


def test_timestamps_follow_the_status(personas, item):
    ticket = ticket_in(Status.NEW, personas.alice, item)
    t1, t2, t3 = (T0 + timedelta(minutes=m) for m in (5, 10, 20))

    services.acknowledge(personas.alice, ticket, now=t1)
    services.start(personas.alice, ticket, now=t2)
    ticket = services.resolve(personas.alice, ticket, now=t3)

    assert (ticket.acknowledged_at, ticket.resolved_at) == (t1, t3)
    ticket = services.close(personas.alice, ticket, now=t3 + timedelta(days=1))
    assert ticket.closed_at == t3 + timedelta(days=1)


# --- reopening ---------------------------------------------------------------------------------


def test_a_resolved_ticket_reopens_inside_the_window_and_its_resolution_is_cleared(
    personas, item, settings
):
    settings.OPSBOOK_TICKET_REOPEN_DAYS = 7
    ticket = ticket_in(Status.RESOLVED, personas.alice, item)
    resolved_at = ticket.resolved_at

    ticket = services.reopen(personas.alice, ticket, now=resolved_at + timedelta(days=7))

    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None and ticket.reopened_count == 1


def test_a_ticket_cannot_be_reopened_after_the_window(personas, item, settings):
    settings.OPSBOOK_TICKET_REOPEN_DAYS = 7
    ticket = ticket_in(Status.RESOLVED, personas.alice, item)
    too_late = ticket.resolved_at + timedelta(days=7, seconds=1)

    with pytest.raises(ValidationError) as excinfo:
        services.reopen(personas.alice, ticket, now=too_late)

    assert "7-day window" in excinfo.value.message_dict["status"][0]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_the_reopen_window_follows_the_setting(personas, item, settings):
    settings.OPSBOOK_TICKET_REOPEN_DAYS = 2
    ticket = ticket_in(Status.CLOSED, personas.alice, item)

    with pytest.raises(ValidationError):
        services.reopen(personas.alice, ticket, now=ticket.resolved_at + timedelta(days=3))
    ticket = services.reopen(personas.alice, ticket, now=ticket.resolved_at + timedelta(days=1))
    assert ticket.status == Status.IN_PROGRESS and ticket.closed_at is None


def test_a_cancelled_ticket_stays_cancelled(personas, item):
    ticket = ticket_in(Status.CANCELLED, personas.alice, item)

    assert ticket.allowed_transitions() == []
    for status in Status:
        if status != Status.CANCELLED:
            with pytest.raises(ValidationError):
                services.do_change_status(personas.alice, ticket, status)


# --- complaints --------------------------------------------------------------------------------


def test_a_complaint_closes_only_with_a_root_cause_and_a_follow_up_visit(personas, item):
    ticket = ticket_in(Status.RESOLVED, personas.alice, item, type=TicketType.COMPLAINT)
    when = ticket.resolved_at + timedelta(hours=1)

    with pytest.raises(ValidationError) as excinfo:
        services.close(personas.alice, ticket, now=when)
    assert len(excinfo.value.message_dict["status"]) == 2  # root cause and 回访 both missing

    ticket = services.do_update_ticket(
        personas.alice, ticket, expected_version=ticket.version, root_cause="话术培训不到位"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.close(personas.alice, ticket, now=when)
    assert excinfo.value.message_dict["status"] == [
        "A complaint needs a follow-up visit (回访) record before it can close."
    ]

    services.do_add_follow_up(
        personas.alice, ticket, method="phone", outcome="客户表示满意", customer_satisfied=True
    )
    ticket = services.close(personas.alice, ticket, now=when)
    assert ticket.status == Status.CLOSED


def test_a_complaint_with_a_follow_up_but_no_root_cause_cannot_close(personas, item):
    ticket = ticket_in(Status.RESOLVED, personas.alice, item, type=TicketType.COMPLAINT)
    services.do_add_follow_up(personas.alice, ticket, method="visit", outcome="已上门致歉")

    with pytest.raises(ValidationError) as excinfo:
        services.close(personas.alice, ticket, now=ticket.resolved_at + timedelta(hours=1))

    assert excinfo.value.message_dict["status"] == [
        "A complaint needs a root-cause note before it can close."
    ]


def test_a_follow_up_visit_needs_a_known_method_an_outcome_and_a_past_date(personas, item):
    ticket = ticket_in(Status.RESOLVED, personas.alice, item, type=TicketType.COMPLAINT)

    with pytest.raises(ValidationError):
        services.do_add_follow_up(personas.alice, ticket, method="pigeon", outcome="ok")
    with pytest.raises(ValidationError):
        services.do_add_follow_up(personas.alice, ticket, method="phone", outcome="  ")
    with pytest.raises(ValidationError):
        services.do_add_follow_up(
            personas.alice,
            ticket,
            method="phone",
            outcome="ok",
            at=datetime.now(tz=TZ) + timedelta(days=1),
        )
    assert not ticket.follow_ups.exists()


# --- who may change the status -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["vera", "charlie", "dana"])
def test_only_staff_working_on_the_ticket_change_its_status(personas, item, who):
    ticket = ticket_in(Status.NEW, personas.alice, item)

    with pytest.raises(PermissionDenied):
        services.do_change_status(getattr(personas, who), ticket, Status.IN_PROGRESS)

    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_managers_change_any_ticket(personas, item):
    ticket = ticket_in(Status.NEW, personas.alice, item)

    ticket = services.start(personas.mia, ticket, now=T0 + timedelta(minutes=5))

    assert ticket.status == Status.IN_PROGRESS
