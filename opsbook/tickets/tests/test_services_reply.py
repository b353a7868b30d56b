"""Replies and notes (services.do_reply): what stops the response clock, what a customer's reply
does to a waiting or resolved ticket, and what is refused."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.tickets import services
from opsbook.tickets.choices import EventKind, Status
from opsbook.tickets.models import Attachment, Comment
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday
pytestmark = pytest.mark.django_db


def minutes(n):
    return T0 + timedelta(minutes=n)


@pytest.fixture
def ticket(personas):
    make_calendar()
    item = make_service(personas.alice)
    give_service(personas.customer_a, item)
    return make_ticket(
        personas.mia, item, customer=personas.customer_a, contact=personas.dana, now=T0
    )


def fresh(ticket):
    ticket.refresh_from_db()
    return ticket


def test_the_first_public_reply_by_staff_stops_the_response_clock_once(personas, ticket):
    services.do_reply(personas.alice, ticket, "您好，正在处理", now=minutes(12))
    services.do_reply(personas.bob, ticket, "补充说明", now=minutes(40))

    ticket = fresh(ticket)
    assert ticket.first_response_at == minutes(12)
    assert ticket.response_business_seconds == 12 * 60
    assert not ticket.response_breached
    assert ticket.sla_next_check_at == ticket.resolution_warn_at  # only resolution is left


def test_an_internal_note_does_not_count_as_a_response(personas, ticket):
    services.do_add_note(personas.alice, ticket, "先查日志", now=minutes(5))

    ticket = fresh(ticket)
    assert ticket.first_response_at is None
    assert ticket.response_due_at == minutes(30)
    note = ticket.comments.get()
    assert not note.is_public
    assert ticket.events.filter(kind=EventKind.NOTE, is_public=False).count() == 1


def test_a_customer_reply_does_not_count_as_a_response(personas, ticket):
    services.do_reply(personas.dana, ticket, "还在等", now=minutes(10))

    ticket = fresh(ticket)
    assert ticket.first_response_at is None
    assert ticket.comments.get().by_customer


def test_a_reply_can_set_waiting_on_the_customer_which_pauses_the_clocks(personas, ticket):
    services.do_reply(
        personas.alice, ticket, "请提供截图", then_status=Status.WAITING, now=minutes(10)
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.WAITING
    assert ticket.first_response_at == minutes(10)
    assert ticket.resolution_due_at is None  # paused: due again when the customer answers
    assert ticket.sla_next_check_at is None


def test_a_customer_reply_resumes_a_ticket_waiting_on_them(personas, ticket):
    services.do_reply(
        personas.alice, ticket, "请提供截图", then_status=Status.WAITING, now=minutes(10)
    )

    services.do_reply(personas.dana, ticket, "截图已上传", now=minutes(70))

    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.paused_business_seconds == 60 * 60
    # 8 h target, 10 min used before the pause; 7 h 50 left from 10:10 on Monday:
    # 1 h 50 and 4 h 30 on Monday, 1 h 30 on Tuesday.
    assert ticket.resolution_due_at == datetime(2026, 11, 24, 10, 30, tzinfo=TZ)
    last_status = ticket.events.filter(kind=EventKind.STATUS).last()
    # The customer wrote; the system resumed the ticket (issue 8: never shown as the customer's).
    assert (last_status.from_status, last_status.to_status, last_status.actor) == (
        Status.WAITING,
        Status.IN_PROGRESS,
        None,
    )
    assert last_status.data["rule"] == "customer_reply"


def test_a_customer_reply_reopens_a_resolved_ticket_inside_the_window(personas, ticket):
    services.resolve(personas.alice, ticket, now=minutes(60))

    services.do_reply(personas.dana, ticket, "问题又出现了", now=minutes(60) + timedelta(days=3))

    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopened_count == 1
    assert ticket.resolution_business_seconds == 60 * 60  # the clock continues from 1 h


def test_a_customer_reply_after_the_window_is_refused_and_nothing_is_written(
    personas, ticket, settings
):
    settings.OPSBOOK_TICKET_REOPEN_DAYS = 7
    services.resolve(personas.alice, ticket, now=minutes(60))

    with pytest.raises(ValidationError) as excinfo:
        services.do_reply(
            personas.dana, ticket, "又坏了", now=minutes(60) + timedelta(days=7, seconds=1)
        )

    assert set(excinfo.value.message_dict) == {"body"}
    ticket = fresh(ticket)
    assert ticket.status == Status.RESOLVED
    assert not ticket.comments.exists()


def test_customers_write_public_replies_only(personas, ticket):
    with pytest.raises(PermissionDenied):
        services.do_reply(personas.dana, ticket, "内部", public=False)
    with pytest.raises(PermissionDenied):
        services.do_reply(personas.dana, ticket, "关了吧", then_status=Status.RESOLVED)
    assert not ticket.comments.exists()


def test_a_contact_of_another_customer_cannot_reply(personas, ticket):
    with pytest.raises(PermissionDenied):
        services.do_reply(personas.carl, ticket, "你好")


def test_staff_outside_the_ticket_cannot_reply(personas, ticket):
    with pytest.raises(PermissionDenied):
        services.do_reply(personas.charlie, ticket, "你好")
    with pytest.raises(PermissionDenied):
        services.do_reply(personas.vera, ticket, "你好")


def test_an_empty_reply_is_refused(personas, ticket):
    with pytest.raises(ValidationError) as excinfo:
        services.do_reply(personas.alice, ticket, "  \n ")

    assert set(excinfo.value.message_dict) == {"body"}


def test_a_cancelled_ticket_takes_no_replies(personas, ticket):
    services.cancel(personas.alice, ticket, now=minutes(1))

    with pytest.raises(ValidationError):
        services.do_reply(personas.dana, ticket, "为什么取消", now=minutes(2))
    with pytest.raises(ValidationError):
        services.do_reply(personas.alice, ticket, "重复工单", now=minutes(2))


def test_a_reply_with_a_status_the_ticket_cannot_take_writes_nothing(
    personas, ticket, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("log.txt", b"trace\n", content_type="text/plain")

    with pytest.raises(ValidationError):
        services.do_reply(
            personas.alice, ticket, "已关闭", then_status=Status.CLOSED, files=[upload]
        )

    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.txt"))  # no file left behind on disk


def test_a_reply_with_files_stores_them_with_the_comment(personas, ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("日志.txt", "错误 500\n".encode(), content_type="text/plain")

    comment = services.do_reply(personas.alice, ticket, "日志见附件", files=[upload])

    attachment = comment.attachments.get()
    assert attachment.name == "日志.txt" and attachment.is_public
    assert attachment.ticket == ticket
    assert ticket.events.filter(kind=EventKind.ATTACHMENT).count() == 1
