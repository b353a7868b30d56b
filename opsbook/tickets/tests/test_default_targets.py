"""Every ticket gets an SLA: the organisation's default targets per ticket type and priority
measure a ticket when the checklist has no standard for it; managers change them and open
tickets follow; a ticket nothing measures is visibly without a clock. Issue 8: the demo's only
open complaint had no clock at all, silently, because no standard matched its channel."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from opsbook.audit.models import AuditEntry
from opsbook.tickets import presenters, services
from opsbook.tickets.choices import SlaState
from opsbook.tickets.models import DefaultTarget, Ticket
from opsbook.tickets.services import Targets
from opsbook.tickets.tests.factories import (
    make_calendar,
    make_service,
    make_ticket,
    no_default_targets,
)
from opsbook.tickets.tests.views_helpers import client_for

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # a Monday, inside business hours
pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(personas):
    """A hotline whose checklist sets a standard for the phone only (30 min / 8 h)."""
    make_calendar()
    return make_service(personas.alice)


def test_every_type_and_priority_is_seeded():
    seeded = {(d.type, d.priority): d for d in DefaultTarget.objects.all()}
    assert len(seeded) == 16
    complaint = seeded["complaint", "normal"]
    assert (complaint.response_minutes, complaint.time_basis) == (60, "business")
    assert all(d.response_minutes for d in seeded.values())


def test_a_complaint_no_standard_covers_is_answered_within_one_business_hour(personas, hotline):
    ticket = make_ticket(personas.mia, hotline, type="complaint", channel="portal", now=NOW)

    assert ticket.sla_standard is None
    assert ticket.sla_default == DefaultTarget.objects.get(type="complaint", priority="normal")
    assert ticket.response_target_seconds == 3600 and ticket.sla_time_basis == "business"
    assert ticket.response_due_at == NOW + timedelta(hours=1)
    assert ticket.sla_next_check_at is not None  # the SLA job will warn
    assert Ticket.objects.in_sla_state(SlaState.OK, NOW).get() == ticket


def test_a_complaint_at_the_end_of_the_day_is_due_the_next_business_morning(personas, hotline):
    evening = datetime(2026, 11, 23, 17, 30, tzinfo=TZ)
    ticket = make_ticket(personas.mia, hotline, type="complaint", channel="email", now=evening)

    assert ticket.response_due_at == datetime(2026, 11, 24, 9, 30, tzinfo=TZ)


def test_the_checklists_standard_comes_before_the_default(personas, hotline):
    ticket = make_ticket(personas.mia, hotline, type="complaint", channel="phone", now=NOW)

    assert ticket.sla_standard is not None and ticket.sla_default is None
    assert ticket.response_target_seconds == 30 * 60


def test_a_manager_changes_the_defaults_and_open_tickets_follow(
    personas, hotline, django_capture_on_commit_callbacks
):
    ticket = make_ticket(personas.mia, hotline, type="complaint", channel="portal", now=NOW)
    measured = make_ticket(personas.mia, hotline, type="complaint", channel="phone", now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        changed = services.do_update_default_targets(
            personas.mia, {("complaint", "normal"): Targets(30, 240)}, now=NOW
        )

    assert [(d.type, d.priority) for d in changed] == [("complaint", "normal")]
    ticket.refresh_from_db()
    assert ticket.response_target_seconds == 30 * 60
    assert ticket.resolution_target_seconds == 4 * 3600
    measured.refresh_from_db()
    assert measured.response_target_seconds == 30 * 60  # its standard's, untouched
    entry = AuditEntry.objects.get(object_type="tickets.defaulttarget")
    assert entry.changes["response_minutes"] == [60, 30]
    assert entry.actor == personas.mia


def test_only_managers_change_the_defaults(personas):
    with pytest.raises(PermissionDenied):
        services.do_update_default_targets(
            personas.alice, {("complaint", "normal"): Targets(5, 10)}
        )
    assert DefaultTarget.objects.get(type="complaint", priority="normal").response_minutes == 60


def test_a_bad_target_names_its_field_and_writes_nothing(personas):
    with pytest.raises(ValidationError) as excinfo:
        services.do_update_default_targets(
            personas.mia,
            {("incident", "high"): Targets(10, 20), ("complaint", "low"): Targets(60, 30)},
        )
    assert list(excinfo.value.message_dict) == ["complaint-low-resolution_minutes"]
    assert DefaultTarget.objects.get(type="incident", priority="high").response_minutes == 30
    assert not AuditEntry.objects.filter(object_type="tickets.defaulttarget").exists()


# --- no clock ---------------------------------------------------------------------------------


def test_a_ticket_nothing_measures_says_so_on_the_list_and_its_page(personas, hotline):
    no_default_targets()
    ticket = make_ticket(personas.mia, hotline, type="complaint", channel="portal", now=NOW)
    assert presenters.sla_badge(ticket, NOW).state == SlaState.NO_CLOCK
    client = client_for(personas.mia)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    listed = client.get("/tickets/?sla=no_clock").content.decode()
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert ticket.title in listed and "sla-no-clock" in listed and "无 SLA 时钟" in listed
    assert 'id="no-clock"' in page and "此工单没有 SLA 时钟" in page


def test_the_no_clock_filter_leaves_out_measured_and_cancelled_tickets(personas, hotline):
    no_default_targets()
    unmeasured = make_ticket(personas.mia, hotline, title="无时钟", channel="portal", now=NOW)
    make_ticket(personas.mia, hotline, title="有标准", channel="phone", now=NOW)
    cancelled = make_ticket(personas.mia, hotline, title="已取消", channel="portal", now=NOW)
    services.cancel(personas.mia, cancelled, now=NOW)

    assert list(Ticket.objects.in_sla_state(SlaState.NO_CLOCK, NOW)) == [unmeasured]
    assert list(Ticket.objects.in_sla_state(SlaState.NONE, NOW)) == [cancelled]


def test_the_ticket_page_names_the_default_that_measures_it(personas, hotline):
    ticket = make_ticket(personas.mia, hotline, type="complaint", channel="portal", now=NOW)

    page = client_for(personas.alice).get(f"/tickets/{ticket.pk}/").content.decode()

    assert 'id="sla-source"' in page and "Complaint · Normal" in page


# --- the page ---------------------------------------------------------------------------------


def test_the_defaults_page_is_linked_from_the_list_and_read_only_for_agents(personas):
    client = client_for(personas.alice)
    assert 'id="default-targets-link"' in client.get("/tickets/").content.decode()

    page = client.get("/tickets/sla-defaults/")
    assert page.status_code == 200
    with translation.override("en"):
        assert "response ≤ 1 hour" in page.content.decode()
    assert "<input" not in page.content.decode().split('id="default-targets"')[1]
    assert client.post("/tickets/sla-defaults/", {}).status_code == 403


def test_a_manager_saves_the_defaults_page(personas, django_capture_on_commit_callbacks):
    client = client_for(personas.mia)
    form = {}
    for d in DefaultTarget.objects.all():
        key = f"{d.type}-{d.priority}"
        form[f"{key}-response_minutes"] = d.response_minutes or ""
        form[f"{key}-resolution_minutes"] = d.resolution_minutes or ""
        form[f"{key}-time_basis"] = d.time_basis
    form["suggestion-low-response_minutes"] = ""

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tickets/sla-defaults/", form)

    assert response.status_code == 302
    low = DefaultTarget.objects.get(type="suggestion", priority="low")
    assert (low.response_minutes, low.resolution_minutes, low.updated_by) == (
        None,
        None,
        personas.mia,
    )
    page = client.get("/tickets/sla-defaults/").content.decode()
    assert "No SLA clock" in page


def test_a_refused_defaults_page_keeps_the_input_and_names_the_row(personas):
    form = {"complaint-low-response_minutes": "0", "complaint-low-time_basis": "business"}
    response = client_for(personas.mia).post("/tickets/sla-defaults/", form)

    assert response.status_code == 400
    assert DefaultTarget.objects.get(type="complaint", priority="low").response_minutes == 60


def test_the_recompute_command_puts_defaults_on_tickets_opened_before_them(personas, hotline):
    no_default_targets()
    ticket = make_ticket(personas.mia, hotline, type="complaint", channel="portal", now=NOW)
    assert ticket.response_target_seconds is None
    DefaultTarget.objects.filter(type="complaint").update(response_minutes=60)
    out = StringIO()

    call_command("tickets", "recompute-sla", stdout=out)

    ticket.refresh_from_db()
    assert ticket.response_target_seconds == 3600 and ticket.sla_default is not None
    assert "1 open tickets recomputed." in out.getvalue()


def test_the_defaults_page_reads_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    client = client_for(personas.mia)
    client.get("/tickets/sla-defaults/")  # sessions and the like, once
    with django_assert_max_num_queries(8):
        assert client.get("/tickets/sla-defaults/").status_code == 200
