"""One staff journey through the core services, end to end."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from opsbook.tickets import services
from opsbook.tickets.choices import Status
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_a_ticket_is_answered_paused_and_resolved_with_its_clocks_stored(personas):
    make_calendar()
    item = make_service(personas.alice)
    give_service(personas.customer_a, item)
    created = datetime(2026, 11, 20, 11, 50, tzinfo=TZ)  # a Friday, ten minutes before lunch
    ticket = make_ticket(personas.mia, item, customer=personas.customer_a, now=created)
    assert ticket.assignee == personas.alice
    assert ticket.response_due_at == datetime(2026, 11, 20, 13, 50, tzinfo=TZ)

    services.do_reply(
        personas.alice,
        ticket,
        "请提供截图",
        then_status=Status.WAITING,
        now=datetime(2026, 11, 20, 13, 40, tzinfo=TZ),
    )
    services.do_reply(
        personas.dana, ticket, "截图见附件", now=datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    services.do_change_status(
        personas.alice, ticket, Status.RESOLVED, now=datetime(2026, 11, 23, 11, 0, tzinfo=TZ)
    )
    ticket.refresh_from_db()
    assert ticket.response_business_seconds == 20 * 60
    assert (
        ticket.paused_business_seconds == (4 * 3600 + 20 * 60) + 3600
    )  # Fri 13:40–18:00, Mon 9–10
    assert ticket.resolution_business_seconds == 10 * 60 + 10 * 60 + 3600
    assert not ticket.response_breached and not ticket.resolution_breached
    assert not ticket.calendar_incomplete
