"""Which service standard measures a ticket, and the SLA columns the services store."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbook.calendars.models import Calendar
from opsbook.catalog import services as catalog
from opsbook.catalog.models import ServiceStandard
from opsbook.catalog.testing import make_content
from opsbook.tickets import services, sla_policy
from opsbook.tickets.choices import SlaState, Status
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import (
    make_calendar,
    make_service,
    make_ticket,
    no_default_targets,
)

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday
pytestmark = pytest.mark.django_db

STANDARDS = (
    ("phone", "", 30, 480, "business"),
    ("phone", "urgent", 5, 120, "calendar"),
    ("email", "", 240, 1440, "business"),
)


@pytest.fixture
def item(personas):
    make_calendar()
    return make_service(personas.alice, standards=STANDARDS)


def test_the_standard_for_the_channel_and_priority_sets_the_targets(personas, item):
    phone = make_ticket(personas.alice, item, channel="phone", now=T0)
    urgent = make_ticket(personas.alice, item, channel="phone", priority="urgent", now=T0)
    email = make_ticket(personas.alice, item, channel="email", now=T0)

    assert (phone.response_target_seconds, phone.resolution_target_seconds) == (1800, 28800)
    assert (urgent.response_target_seconds, urgent.sla_time_basis) == (300, "calendar")
    assert urgent.resolution_due_at == T0 + timedelta(hours=2)
    assert email.response_due_at == T0 + timedelta(hours=4, minutes=90)  # across lunch


def test_a_channel_without_a_standard_has_no_clock_when_no_default_applies(personas, item):
    no_default_targets()
    ticket = make_ticket(personas.alice, item, channel="wecom", now=T0)

    assert ticket.sla_standard is None and ticket.response_target_seconds is None
    assert ticket.response_due_at is None and ticket.sla_next_check_at is None
    assert Ticket.objects.in_sla_state(SlaState.NO_CLOCK, T0).get() == ticket
    assert not Ticket.objects.in_sla_state(SlaState.NONE, T0).exists()


def test_a_standard_for_the_content_comes_before_the_items(personas, item):
    content = make_content(item)
    rows = [ServiceStandard(channel="phone", response_minutes=10, resolution_minutes=60)]
    catalog.do_update_content(None, content, parts=catalog.Parts(standards=rows), source="test")

    ticket = make_ticket(personas.alice, item, content=content, now=T0)

    assert ticket.response_target_seconds == 600
    assert ticket.sla_standard.content == content


def test_changing_the_channel_changes_the_standard_and_the_clocks(personas, item):
    ticket = make_ticket(personas.alice, item, channel="phone", now=T0)

    ticket = services.do_update_ticket(
        personas.alice, ticket, expected_version=ticket.version, channel="email"
    )

    assert ticket.response_target_seconds == 4 * 3600
    assert ticket.sla_standard is not None
    assert ticket.sla_standard.channel == "email"


def test_a_business_time_standard_without_any_calendar_guesses_nothing(personas):
    item = make_service(personas.alice)
    assert not Calendar.objects.exists()

    ticket = make_ticket(personas.alice, item, now=T0)

    assert ticket.response_target_seconds == 1800
    assert ticket.response_due_at is None and ticket.response_business_seconds is None
    assert ticket.calendar_incomplete


def test_a_ticket_in_a_year_without_calendar_data_is_flagged(personas):
    make_calendar(years=(2026,))
    item = make_service(personas.alice)

    ticket = make_ticket(personas.alice, item, now=datetime(2027, 3, 1, 9, tzinfo=TZ))

    assert ticket.calendar_incomplete
    assert ticket.response_due_at == datetime(2027, 3, 1, 9, 30, tzinfo=TZ)  # weekly hours


def test_the_stored_columns_follow_the_ticket_through_its_life(personas, item):
    ticket = make_ticket(personas.alice, item, customer=personas.customer_a, now=T0)
    assert (ticket.response_business_seconds, ticket.resolution_business_seconds) == (0, 0)
    assert ticket.sla_next_check_at == ticket.response_warn_at

    services.do_reply(
        personas.alice,
        ticket,
        "请提供截图",
        then_status=Status.WAITING,
        now=T0 + timedelta(minutes=20),
    )
    services.resume(personas.alice, ticket, now=T0 + timedelta(hours=2))
    ticket = services.resolve(personas.alice, ticket, now=T0 + timedelta(hours=3))

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.response_business_seconds == 20 * 60
    assert ticket.resolution_business_seconds == 20 * 60 + 3600
    assert ticket.paused_business_seconds == 3600 + 40 * 60
    assert not (ticket.response_breached or ticket.resolution_breached)
    assert ticket.sla_next_check_at is None
    assert Ticket.objects.in_sla_state(SlaState.MET, T0 + timedelta(days=1)).get() == ticket


def test_a_policy_resolver_reads_each_standard_and_calendar_once(personas, item):
    resolver = sla_policy.PolicyResolver()
    resolver.choose(item.pk, None, "phone", "normal")

    with CaptureQueriesContext(connection) as queries:
        for _ in range(50):
            resolver.choose(item.pk, None, "phone", "normal")

    assert len(queries) == 0


def test_compiled_calendars_are_reused_until_the_calendar_changes(personas, item):
    calendar = Calendar.objects.get()
    sla_policy.calendars.get(calendar)

    with CaptureQueriesContext(connection) as queries:
        first = sla_policy.calendars.get(Calendar.objects.get())
    assert len(queries) == 1  # the calendar row only; its windows are not read again

    Calendar.objects.filter(pk=calendar.pk).update(version=calendar.version + 1)
    assert sla_policy.calendars.get(Calendar.objects.get()) is not first


def test_only_a_standard_with_a_channel_and_a_target_sets_a_clock(personas):
    # Issue 8: a standard may be a sentence only (服务态度良好), or state a deadline or a staffing
    # level for a channel; neither measures a ticket (the default target does).
    # 接到报修后2小时内到场 does, on site.
    make_calendar()
    item = make_service(personas.alice, standards=())
    catalog.do_update_item(
        None,
        item,
        parts=catalog.Parts(
            standards=[
                ServiceStandard(text="电话服务态度良好", channel="phone"),
                ServiceStandard(text="节假日值班不少于2人", channel="phone", min_staff=2),
                ServiceStandard(text="接到报修后2小时内到场"),
            ]
        ),
        source="test",
    )
    phone = make_ticket(personas.alice, item, channel="phone", now=T0)
    onsite = make_ticket(personas.alice, item, channel="onsite", now=T0)

    # No standard measures the phone ticket: the organisation's default target for its type and
    # priority does (issue 8, every ticket gets an SLA).
    assert phone.sla_standard is None and phone.sla_default is not None
    assert phone.response_target_seconds == phone.sla_default.response_minutes * 60
    assert onsite.response_target_seconds == 7200
