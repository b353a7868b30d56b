"""A new ticket starts the SOP it follows: its type's procedure first, else its content's, else
its item's (active procedures only), on the ticket's SLA calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from opsbook.catalog.testing import make_content
from opsbook.sops import services as sops
from opsbook.sops.testing import make_procedure, step
from opsbook.tickets.choices import TicketType
from opsbook.tickets.services.tickets import procedure_for_ticket

from . import views_helpers
from .factories import frozen_time, make_ticket

world, media = views_helpers.world, views_helpers.media  # fixtures
pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_ticket_on_an_item_with_a_procedure_starts_a_run_on_its_sla_calendar(personas, world):
    procedure = make_procedure(
        "热线处理",
        items=[world["hotline"]],
        steps=[step("受理", time_limit_minutes=60), step("解决")],
    )
    with frozen_time(datetime(2026, 9, 29, 11, 30, tzinfo=SH)):
        ticket = make_ticket(personas.mia, world["hotline"])

    ticket.refresh_from_db()
    run = ticket.sop_run
    assert run is not None and run.version.procedure == procedure
    assert run.calendar == ticket.sla_calendar == world["calendar"]
    first = run.step_runs.get(step__position=1)
    # 11:30 → 12:00 is 30 min; lunch until 13:30; the other 30 min end at 14:00.
    assert first.due_at == datetime(2026, 9, 29, 14, 0, tzinfo=SH)


def test_the_ticket_type_s_procedure_comes_first(personas, world):
    make_procedure("热线处理", items=[world["hotline"]])
    complaints = make_procedure("投诉处理", ticket_types=[TicketType.COMPLAINT])

    complaint = make_ticket(personas.mia, world["hotline"], type=TicketType.COMPLAINT)
    question = make_ticket(personas.mia, world["hotline"], type=TicketType.CONSULTATION)

    assert complaint.sop_run.version.procedure == complaints
    assert question.sop_run.version.procedure.name == "热线处理"


def test_the_content_s_procedure_comes_before_the_item_s(personas, world):
    content = make_content(world["hotline"], name="夜间热线")
    make_procedure("热线处理", items=[world["hotline"]])
    night = make_procedure("夜间处理", contents=[content])

    ticket = make_ticket(personas.mia, world["hotline"], content=content)

    assert ticket.sop_run.version.procedure == night


def test_a_deactivated_type_procedure_gives_way_to_the_item_s(personas, world):
    item_procedure = make_procedure("热线处理", items=[world["hotline"]])
    complaints = make_procedure("投诉处理", ticket_types=[TicketType.COMPLAINT])
    sops.do_set_procedure_active(None, complaints, False)

    ticket = make_ticket(personas.mia, world["hotline"], type=TicketType.COMPLAINT)

    assert procedure_for_ticket(ticket) == item_procedure
    assert ticket.sop_run.version.procedure == item_procedure


def test_a_ticket_without_any_procedure_has_no_run(personas, world):
    ticket = make_ticket(personas.mia, world["visits"])
    assert ticket.sop_run is None


def test_a_customer_s_portal_ticket_starts_its_run_too(personas, world):
    make_procedure("热线处理", items=[world["hotline"]])
    ticket = make_ticket(personas.dana, world["hotline"])
    assert ticket.sop_run is not None
