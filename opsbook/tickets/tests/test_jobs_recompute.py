"""Open tickets are recomputed when their calendar or their service standards change: the
calendars and checklist services send a signal after commit, the receivers enqueue
jobs.recompute_open_tickets_task (run at once in the suite)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbook.calendars import services as calendars
from opsbook.catalog import services as catalog
from opsbook.catalog.models import ServiceStandard
from opsbook.tickets import services, sla_store
from opsbook.tickets.choices import Status
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import (
    add_holiday,
    add_makeup_day,
    frozen_time,
    make_calendar,
    make_service,
    make_ticket,
)

TZ = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 11, 20, 11, 50, tzinfo=TZ)  # Friday, ten minutes before lunch
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def clock():
    with frozen_time(NOW) as move_to:
        yield move_to


@pytest.fixture
def world(personas, clock):
    calendar = make_calendar()
    item = make_service(personas.alice)
    ticket = make_ticket(personas.alice, item, now=CREATED)
    # 8 business hours: 4 h 40 on Friday, 3 h 20 on Monday.
    assert ticket.resolution_due_at == at(2026, 11, 23, 13, 50)
    return calendar, item, ticket


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and its after-commit reactions (the signal, the recompute job)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def reloaded(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_a_holiday_added_to_the_calendar_moves_the_due_times_of_open_tickets(
    personas, world, committed
):
    calendar, _item, ticket = world

    committed(lambda: add_holiday(calendar, date(2026, 11, 23), "临时停工"))

    ticket = reloaded(ticket)
    assert ticket.resolution_due_at == at(2026, 11, 24, 13, 50)
    assert ticket.resolution_warn_at == at(2026, 11, 24, 10, 20)
    calendar.refresh_from_db()
    assert ticket.sla_calendar_version == calendar.version
    assert ticket.sla_computed_at == NOW


def test_a_make_up_saturday_added_to_the_calendar_brings_due_times_forward(world, committed):
    calendar, _item, ticket = world

    committed(lambda: add_makeup_day(calendar, date(2026, 11, 21)))

    assert reloaded(ticket).resolution_due_at == at(2026, 11, 21, 13, 50)


def test_finished_tickets_keep_the_clocks_they_were_measured_with(personas, world, committed):
    calendar, item, ticket = world
    done = make_ticket(personas.alice, item, now=CREATED)
    done = services.resolve(personas.alice, done, now=at(2026, 11, 20, 15, 0))
    before = reloaded(done).resolution_due_at

    committed(lambda: add_holiday(calendar, date(2026, 11, 23)))

    assert reloaded(done).resolution_due_at == before
    assert reloaded(ticket).resolution_due_at != before


def test_changing_the_calendars_hours_recomputes_its_tickets(world, committed):
    calendar, _item, ticket = world
    longer_days = [(wd, time(9), time(18)) for wd in range(1, 6)]  # no lunch break

    committed(lambda: calendars.do_set_weekly_windows(None, calendar, longer_days))

    # Friday 11:50–18:00 is 6 h 10, so 1 h 50 are left on Monday.
    assert reloaded(ticket).resolution_due_at == at(2026, 11, 23, 10, 50)


def test_a_year_removed_from_the_calendar_flags_open_tickets_that_reach_into_it(
    personas, clock, committed
):
    calendar = make_calendar()
    item = make_service(personas.alice)
    clock(at(2026, 12, 31, 16, 5))
    ticket = make_ticket(personas.alice, item, now=at(2026, 12, 31, 16, 0))
    assert ticket.resolution_due_at.year == 2027 and not ticket.calendar_incomplete

    committed(lambda: calendars.do_delete_year(None, calendar.years.get(year=2027)))

    assert reloaded(ticket).calendar_incomplete


def test_a_new_standard_for_the_item_recomputes_its_open_tickets(world, committed):
    _calendar, item, ticket = world
    faster = [
        ServiceStandard(
            channel="phone", response_minutes=10, resolution_minutes=240, time_basis="business"
        )
    ]

    committed(
        lambda: catalog.do_update_item(
            None, item, parts=catalog.Parts(standards=faster), source="test"
        )
    )

    ticket = reloaded(ticket)
    assert ticket.resolution_target_seconds == 4 * 3600
    assert ticket.resolution_due_at == at(2026, 11, 20, 17, 20)  # 10 min, lunch, 3 h 50
    assert ticket.response_due_at == at(2026, 11, 20, 12, 0)
    assert ticket.response_breached  # nobody answered by noon: late under the new standard
    assert not ticket.resolution_breached


def test_a_standard_counting_calendar_time_replaces_business_time(world, committed):
    _calendar, item, ticket = world
    calendar_time = [
        ServiceStandard(
            channel="phone", response_minutes=30, resolution_minutes=480, time_basis="calendar"
        )
    ]

    committed(
        lambda: catalog.do_update_item(
            None, item, parts=catalog.Parts(standards=calendar_time), source="test"
        )
    )

    ticket = reloaded(ticket)
    assert ticket.sla_time_basis == "calendar"
    assert ticket.resolution_due_at == at(2026, 11, 20, 19, 50)


def test_a_standard_that_names_another_calendar_moves_its_tickets_to_it(world, committed):
    _calendar, item, ticket = world
    weekend_desk = make_calendar("周末值班", default=False)
    calendars.do_set_weekly_windows(
        None, weekend_desk, [(wd, time(8), time(20)) for wd in range(1, 8)]
    )
    standards = [
        ServiceStandard(
            channel="phone",
            response_minutes=30,
            resolution_minutes=480,
            time_basis="business",
            calendar=weekend_desk,
        )
    ]

    committed(
        lambda: catalog.do_update_item(
            None, item, parts=catalog.Parts(standards=standards), source="test"
        )
    )

    ticket = reloaded(ticket)
    assert ticket.sla_calendar == weekend_desk
    # Friday 11:50–20:00 is 8 h 10: due at 19:50 the same day.
    assert ticket.resolution_due_at == at(2026, 11, 20, 19, 50)


def test_a_new_default_calendar_takes_over_tickets_whose_standard_names_none(world, committed):
    _calendar, _item, ticket = world
    evenings = make_calendar("延时服务", default=False)
    calendars.do_set_weekly_windows(None, evenings, [(wd, time(9), time(21)) for wd in range(1, 6)])

    committed(lambda: calendars.do_update_calendar(None, evenings, is_default=True))

    ticket = reloaded(ticket)
    assert ticket.sla_calendar == evenings
    # Friday 11:50–21:00 is 9 h 10: due at 19:50 the same day.
    assert ticket.resolution_due_at == at(2026, 11, 20, 19, 50)


def test_a_change_to_another_calendar_leaves_these_tickets_alone(personas, world, committed):
    _calendar, _item, ticket = world
    other = make_calendar("其他", default=False)
    computed_at = reloaded(ticket).sla_computed_at

    committed(lambda: add_holiday(other, date(2026, 11, 23)))

    assert reloaded(ticket).sla_computed_at == computed_at


def test_recomputing_takes_the_same_number_of_queries_for_3_or_30_tickets(personas, world):
    calendar, item, _ticket = world

    def queries_for(count):
        Ticket.objects.all().delete()
        for _ in range(count):
            make_ticket(personas.alice, item, now=CREATED)
        sla_store.recompute_open_tickets(calendar_id=calendar.pk)  # warm the calendar cache
        with CaptureQueriesContext(connection) as queries:
            assert sla_store.recompute_open_tickets(calendar_id=calendar.pk) == count
        return len(queries)

    assert queries_for(3) == queries_for(30)


def test_recomputing_a_batch_stores_what_recomputing_one_ticket_stores(personas, world):
    _calendar, item, _ticket = world
    waiting = make_ticket(personas.alice, item, now=CREATED)
    services.do_reply(
        personas.alice, waiting, "请提供账号", then_status=Status.WAITING, now=at(2026, 11, 20, 14)
    )
    tickets = list(Ticket.objects.order_by("pk"))

    sla_store.recompute_many(tickets, NOW)
    batch = {t.pk: [getattr(t, f) for f in sla_store.SLA_FIELDS] for t in reloaded_all()}
    for one in Ticket.objects.order_by("pk"):
        sla_store.recompute_sla(one, NOW)
    single = {t.pk: [getattr(t, f) for f in sla_store.SLA_FIELDS] for t in reloaded_all()}

    assert batch == single


def reloaded_all():
    return list(Ticket.objects.order_by("pk"))
