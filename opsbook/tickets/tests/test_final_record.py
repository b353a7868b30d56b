"""A closed complaint's root cause and follow-up visits are its record: read-only for everyone,
corrected only by a manager's recorded correction (who, when, why, the original kept). Issue 8:
a demo complaint got its root cause four days after it closed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from opsbook.tickets import presenters, services
from opsbook.tickets.choices import Correctable, EventKind, FollowUpMethod, Status
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import make_calendar, make_service, make_ticket
from opsbook.tickets.tests.views_helpers import client_for

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # a Monday
pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(personas):
    """A complaint on alice's hotline, closed with its root cause and one follow-up visit."""
    make_calendar()
    item = make_service(personas.alice)
    ticket = make_ticket(personas.mia, item, type="complaint", now=NOW)
    services.do_update_ticket(
        personas.alice, ticket, expected_version=None, root_cause="排课未同步", now=NOW
    )
    services.resolve(personas.alice, ticket, now=NOW + timedelta(hours=1))
    services.do_add_follow_up(
        personas.alice,
        ticket,
        method=FollowUpMethod.PHONE,
        outcome="家长表示理解",
        customer_satisfied=True,
        now=NOW + timedelta(hours=2),
    )
    services.close(personas.alice, ticket, now=NOW + timedelta(hours=3))
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.record_is_final
    return ticket


LATER = NOW + timedelta(days=4)


def test_the_root_cause_of_a_closed_complaint_cannot_be_edited(personas, closed):
    with pytest.raises(ValidationError) as excinfo:
        services.do_update_ticket(
            personas.mia, closed, expected_version=None, root_cause="改写", now=LATER
        )

    assert "root_cause" in excinfo.value.message_dict
    closed.refresh_from_db()
    assert closed.root_cause == "排课未同步"
    assert not closed.events.filter(kind=EventKind.CHANGED, at=LATER).exists()


def test_a_closed_complaint_stays_a_complaint(personas, closed):
    with pytest.raises(ValidationError) as excinfo:
        services.do_update_ticket(personas.mia, closed, expected_version=None, type="incident")
    assert "type" in excinfo.value.message_dict
    closed.refresh_from_db()
    assert closed.type == "complaint"


def test_other_fields_of_a_closed_complaint_still_save(personas, closed):
    services.do_update_ticket(
        personas.mia, closed, expected_version=None, title="新标题", root_cause="排课未同步"
    )
    closed.refresh_from_db()
    assert closed.title == "新标题"


def test_no_follow_up_visit_is_added_to_a_closed_complaint(personas, closed):
    with pytest.raises(ValidationError) as excinfo:
        services.do_add_follow_up(
            personas.alice, closed, method=FollowUpMethod.PHONE, outcome="补记", now=LATER
        )
    assert "outcome" in excinfo.value.message_dict
    assert closed.follow_ups.count() == 1


def test_a_manager_corrects_the_root_cause_and_the_original_is_kept(personas, closed):
    services.do_correct_root_cause(
        personas.mia, closed, root_cause="老师未收到调课通知", reason="复核录音", now=LATER
    )

    closed.refresh_from_db()
    assert closed.root_cause == "老师未收到调课通知"
    event = closed.events.get(kind=EventKind.CORRECTED)
    assert (event.actor, event.at) == (personas.mia, LATER)
    assert event.data == {
        "field": Correctable.ROOT_CAUSE,
        "before": "排课未同步",
        "after": "老师未收到调课通知",
        "reason": "复核录音",
    }
    with translation.override("zh-hans"):
        text, details = presenters.describe_event(event, TZ)
    assert text == "更正了已关闭工单的根本原因"
    assert details == ["更正前：排课未同步", "更正后：老师未收到调课通知", "原因：复核录音"]


def test_a_correction_needs_a_manager_and_a_reason(personas, closed):
    with pytest.raises(PermissionDenied):
        services.do_correct_root_cause(personas.alice, closed, root_cause="x", reason="y")
    with pytest.raises(ValidationError) as excinfo:
        services.do_correct_root_cause(personas.mia, closed, root_cause="新原因", reason="  ")
    assert "reason" in excinfo.value.message_dict
    assert not closed.events.filter(kind=EventKind.CORRECTED).exists()


def test_an_open_ticket_is_edited_not_corrected(personas):
    make_calendar()
    ticket = make_ticket(personas.mia, make_service(personas.alice), type="complaint", now=NOW)
    with pytest.raises(ValidationError):
        services.do_correct_root_cause(personas.mia, ticket, root_cause="x", reason="y")


def test_a_manager_corrects_a_follow_up_visit(personas, closed):
    visit = closed.follow_ups.get()

    services.do_correct_follow_up(
        personas.mia,
        visit,
        outcome="家长不满意补课安排",
        customer_satisfied=False,
        reason="回访记录录错了客户",
        now=LATER,
    )

    visit.refresh_from_db()
    assert (visit.outcome, visit.customer_satisfied) == ("家长不满意补课安排", False)
    event = closed.events.get(kind=EventKind.CORRECTED)
    assert event.data["field"] == Correctable.FOLLOW_UP
    assert event.data["before"] == "家长表示理解 (satisfied)"
    assert event.data["reason"] == "回访记录录错了客户"


def test_a_reopened_complaint_is_editable_again(personas, closed):
    services.reopen(personas.alice, closed, now=NOW + timedelta(hours=4))
    closed.refresh_from_db()

    services.do_update_ticket(personas.alice, closed, expected_version=None, root_cause="新发现")
    closed.refresh_from_db()
    assert closed.root_cause == "新发现"


# --- the page ---------------------------------------------------------------------------------


def test_the_page_hides_the_editing_forms_of_a_closed_complaint(personas, closed):
    page = client_for(personas.alice).get(f"/tickets/{closed.pk}/").content.decode()

    assert 'id="record-final"' in page
    assert 'id="root-cause-form"' not in page and 'id="follow-up-form"' not in page
    assert 'id="corrections"' not in page  # agents do not correct
    assert "排课未同步" in page


def test_a_manager_records_a_correction_from_the_page(personas, closed):
    client = client_for(personas.mia)
    page = client.get(f"/tickets/{closed.pk}/").content.decode()
    assert 'id="corrections"' in page

    response = client.post(
        f"/tickets/{closed.pk}/corrections/root-cause/",
        {"root_cause": "老师未收到通知", "reason": "复核", "version": closed.version},
    )

    assert response.status_code == 302
    assert Ticket.objects.get(pk=closed.pk).root_cause == "老师未收到通知"
    page = client.get(f"/tickets/{closed.pk}/").content.decode()
    assert "Before: 排课未同步" in page and "Why: 复核" in page


def test_a_correction_without_a_reason_comes_back_with_the_field_named(personas, closed):
    response = client_for(personas.mia).post(
        f"/tickets/{closed.pk}/corrections/root-cause/",
        {"root_cause": "老师未收到通知", "reason": "", "version": closed.version},
    )
    assert response.status_code == 400
    assert Ticket.objects.get(pk=closed.pk).root_cause == "排课未同步"


def test_agents_may_not_post_corrections(personas, closed):
    response = client_for(personas.alice).post(
        f"/tickets/{closed.pk}/corrections/root-cause/",
        {"root_cause": "x", "reason": "y", "version": closed.version},
    )
    assert response.status_code == 403


def test_the_root_cause_form_is_refused_on_a_closed_complaint(personas, closed):
    response = client_for(personas.mia).post(
        f"/tickets/{closed.pk}/root-cause/", {"root_cause": "改写", "version": closed.version}
    )
    assert response.status_code == 400
    assert Ticket.objects.get(pk=closed.pk).root_cause == "排课未同步"
