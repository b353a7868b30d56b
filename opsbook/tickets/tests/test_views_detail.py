"""One ticket's page: header, SLA panel, timeline, reply and note, status buttons, assignment,
watchers, editing with optimistic locking, complaint root cause and follow-up visits."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbook.tickets import services
from opsbook.tickets.choices import Status
from opsbook.tickets.models import Comment, FollowUp, Ticket

from . import views_helpers
from .views_helpers import client_for, other_team_ticket, pdf, ticket_for

world, media = views_helpers.world, views_helpers.media  # fixtures
pytestmark = pytest.mark.django_db


def url(name, ticket):
    return reverse(f"tickets:{name}", args=[ticket.pk])


# --- reading ----------------------------------------------------------------------------------


def test_the_page_shows_the_header_sla_and_timeline(personas, world, media):
    ticket = ticket_for(personas, world, title="无法登录", description="第一行\n第二行")
    services.do_reply(personas.alice, ticket, "请重启浏览器", files=[pdf("截图.pdf")])
    services.do_add_note(personas.alice, ticket, "疑似缓存问题")

    response = client_for(personas.mia).get(url("detail", ticket))

    assert response.status_code == 200
    html = response.text
    assert f"{ticket.number}</span> 无法登录" in html
    assert "第一行<br>第二行" in html
    assert "热线电话服务" in html and "星火教育" in html and "张三" in html
    assert 'id="sla-panel"' in html and "Response due" in html and "Asia/Shanghai" in html
    assert "请重启浏览器" in html and "Public reply" in html
    assert "疑似缓存问题" in html and "Internal note — not shown to the customer" in html
    assert "截图.pdf" in html
    assert "opened the ticket" in html and "assigned the ticket to 张三" in html


def test_an_incomplete_calendar_is_flagged_on_the_sla_panel(personas, world):
    ticket = ticket_for(personas, world)
    Ticket.objects.filter(pk=ticket.pk).update(calendar_incomplete=True)

    html = client_for(personas.mia).get(url("detail", ticket)).text

    assert 'id="calendar-incomplete"' in html


def test_a_rating_is_shown_when_the_customer_gave_one(personas, world):
    ticket = ticket_for(personas, world)
    services.do_change_status(personas.alice, ticket, Status.RESOLVED)
    services.do_rate_ticket(ticket, 4, "很快就解决了", actor=personas.dana)

    html = client_for(personas.alice).get(url("detail", ticket)).text

    assert 'id="satisfaction"' in html and "4/5" in html and "很快就解决了" in html


def test_an_unrated_ticket_shows_no_rating(personas, world):
    ticket = ticket_for(personas, world)

    assert 'id="satisfaction"' not in client_for(personas.alice).get(url("detail", ticket)).text


def test_another_teams_agent_gets_not_found(personas, world):
    ticket = other_team_ticket(personas, world)

    assert client_for(personas.alice).get(url("detail", ticket)).status_code == 404
    assert client_for(personas.alice).post(url("reply", ticket), {}).status_code == 404


def test_viewers_read_the_page_without_any_form_and_may_not_post(personas, world):
    ticket = ticket_for(personas, world)
    client = client_for(personas.vera)

    html = client.get(url("detail", ticket)).text

    assert ticket.title in html
    assert 'id="reply-form"' not in html and 'id="status-form"' not in html
    response = client.post(url("status", ticket), {"to_status": "resolved", "version": 1})
    assert response.status_code == 403


# --- replies and notes ------------------------------------------------------------------------


def test_a_public_reply_with_a_file_and_a_following_status(personas, world, media):
    ticket = ticket_for(personas, world)

    response = client_for(personas.alice).post(
        url("reply", ticket),
        {
            "kind": "reply",
            "body": "请提供截图",
            "then_status": Status.WAITING,
            "version": ticket.version,
            "files": [pdf("日志.pdf")],
        },
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert ticket.first_response_at is not None
    html = client_for(personas.alice).get(url("detail", ticket)).text
    timeline = html[html.index('id="timeline"') :]
    # at one instant: the reply, its file, then the status change it made
    assert timeline.index("请提供截图") < timeline.index("日志.pdf")
    assert timeline.index("日志.pdf") < timeline.index("changed the status")
    comment = Comment.objects.get(ticket=ticket)
    assert comment.is_public and comment.body == "请提供截图"
    assert [a.name for a in comment.attachments.all()] == ["日志.pdf"]


def test_an_internal_note_stays_internal_and_does_not_count_as_a_response(personas, world):
    ticket = ticket_for(personas, world)

    client_for(personas.alice).post(
        url("reply", ticket), {"kind": "note", "body": "内部讨论", "version": ticket.version}
    )

    ticket.refresh_from_db()
    assert Comment.objects.get(ticket=ticket).is_public is False
    assert ticket.first_response_at is None


def test_an_empty_reply_or_a_bad_file_is_refused_with_the_text_kept(personas, world, media):
    ticket = ticket_for(personas, world)
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client = client_for(personas.alice)

    empty = client.post(url("reply", ticket), {"kind": "reply", "body": "", "version": 1})
    bad_file = client.post(
        url("reply", ticket),
        {"kind": "reply", "body": "我写了很多字", "version": 1, "files": [fake]},
    )

    assert empty.status_code == 400
    assert bad_file.status_code == 400
    assert "does not contain what its name says" in bad_file.text
    assert "我写了很多字" in bad_file.text
    assert not Comment.objects.exists()


def test_a_reply_is_added_even_if_the_ticket_changed_meanwhile(personas, world):
    ticket = ticket_for(personas, world)
    stale = ticket.version
    services.do_update_ticket(personas.bob, ticket, expected_version=stale, priority="high")

    response = client_for(personas.alice).post(
        url("reply", ticket), {"kind": "reply", "body": "收到", "version": stale}
    )

    assert response.status_code == 302
    assert Comment.objects.filter(ticket=ticket, body="收到").exists()


def test_a_reply_with_a_status_from_a_stale_page_conflicts_and_keeps_the_text(personas, world):
    ticket = ticket_for(personas, world)
    stale = ticket.version
    services.do_change_status(personas.bob, ticket, Status.IN_PROGRESS)

    response = client_for(personas.alice).post(
        url("reply", ticket),
        {"kind": "reply", "body": "这是我写的长回复", "then_status": "resolved", "version": stale},
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.text
    assert "这是我写的长回复" in response.text
    assert not Comment.objects.exists()
    ticket.refresh_from_db()
    assert f'name="version" value="{ticket.version}"' in response.text


# --- status -----------------------------------------------------------------------------------


def test_status_buttons_offer_only_the_allowed_transitions(personas, world):
    ticket = ticket_for(personas, world)

    html = client_for(personas.alice).get(url("detail", ticket)).text

    for status in ticket.allowed_transitions():
        assert f'name="to_status" value="{status}"' in html
    assert 'name="to_status" value="closed"' not in html


def test_changing_the_status(personas, world):
    ticket = ticket_for(personas, world)

    response = client_for(personas.alice).post(
        url("status", ticket),
        {"to_status": "in_progress", "note": "开始处理", "version": ticket.version},
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert "is now In progress" in response.text
    assert "开始处理" in response.text  # the note shows in the timeline


def test_a_complaint_cannot_close_before_its_root_cause_and_follow_up(personas, world):
    ticket = ticket_for(personas, world, type="complaint")
    services.do_change_status(personas.alice, ticket, Status.RESOLVED)
    ticket.refresh_from_db()
    client = client_for(personas.alice)

    page = client.get(url("detail", ticket)).text
    refused = client.post(url("status", ticket), {"to_status": "closed", "version": ticket.version})

    assert "needs a root-cause note" in page and 'id="complaint-panel"' in page
    assert refused.status_code == 400
    assert "needs a follow-up visit" in refused.text

    client.post(
        url("root_cause", ticket), {"root_cause": "新人未按流程回复", "version": ticket.version}
    )
    client.post(
        url("follow_up", ticket),
        {"method": "phone", "outcome": "客户表示满意", "customer_satisfied": "true"},
    )
    ticket.refresh_from_db()
    closed = client.post(url("status", ticket), {"to_status": "closed", "version": ticket.version})

    assert closed.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.root_cause == "新人未按流程回复"
    visit = FollowUp.objects.get(ticket=ticket)
    assert visit.customer_satisfied is True and visit.by == personas.alice


def test_a_follow_up_in_the_future_is_refused(personas, world):
    ticket = ticket_for(personas, world, type="complaint")
    later = (Ticket.objects.get(pk=ticket.pk).created_at + timedelta(days=400)).strftime(
        "%Y-%m-%dT%H:%M"
    )

    response = client_for(personas.alice).post(
        url("follow_up", ticket), {"method": "visit", "outcome": "上门", "at": later}
    )

    assert response.status_code == 400
    assert "cannot be in the future" in response.text


# --- assignment and watchers ------------------------------------------------------------------


def test_an_agent_hands_a_ticket_to_a_teammate(personas, world):
    ticket = ticket_for(personas, world)

    response = client_for(personas.alice).post(
        url("assign", ticket), {"assignee": personas.bob.pk, "version": ticket.version}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == personas.bob and ticket.team == personas.support_team


def test_an_agent_is_offered_only_people_of_their_team(personas, world):
    personas.bob  # noqa: B018 (created on first use)
    ticket = ticket_for(personas, world)
    client = client_for(personas.alice)

    html = client.get(url("detail", ticket)).text
    refused = client.post(
        url("assign", ticket), {"assignee": personas.charlie.pk, "version": ticket.version}
    )

    assert "李四" in html  # bob
    assert "王五" not in html.split('id="assign-form"')[1].split("</form>")[0]  # charlie
    assert refused.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee == personas.alice


def test_a_manager_moves_a_ticket_to_another_team(personas, world):
    ticket = ticket_for(personas, world)

    client_for(personas.mia).post(
        url("assign", ticket),
        {"assignee": personas.charlie.pk, "team": "", "version": ticket.version},
    )

    ticket.refresh_from_db()
    assert ticket.assignee == personas.charlie and ticket.team == personas.tech_team


def test_watching_and_choosing_watchers(personas, world):
    ticket = ticket_for(personas, world)
    client = client_for(personas.alice)

    client.post(url("watchers", ticket), {"me": "watch"})
    assert list(ticket.watchers.all()) == [personas.alice]

    client.post(url("watchers", ticket), {"watchers": [personas.bob.pk, personas.mia.pk]})
    assert set(ticket.watchers.all()) == {personas.bob, personas.mia}
    assert "Stop watching" not in client.get(url("detail", ticket)).text


# --- editing with optimistic locking ----------------------------------------------------------


def edit_data(ticket, **changes):
    data = {
        "title": ticket.title,
        "type": ticket.type,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "item": ticket.item_id or "",
        "customer": ticket.customer_id or "",
        "contact": ticket.contact_id or "",
        "requester_name": ticket.requester_name,
        "requester_phone": ticket.requester_phone,
        "requester_email": ticket.requester_email,
        "description": ticket.description,
        "tags": "",
        "version": ticket.version,
    }
    return data | changes


def test_editing_saves_only_what_changed(personas, world):
    ticket = ticket_for(personas, world, title="旧标题")

    response = client_for(personas.alice).post(
        url("edit", ticket), edit_data(ticket, title="新标题", tags="VIP，回访")
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.title == "新标题"
    assert sorted(t.name for t in ticket.tags.all()) == ["VIP", "回访"]
    event = ticket.events.filter(kind="changed").get()
    assert set(event.data["changes"]) == {"title", "tags"}


def test_a_second_save_of_the_same_version_is_a_conflict_and_keeps_the_input(personas, world):
    ticket = ticket_for(personas, world, title="原标题")
    opened = edit_data(ticket)
    client_for(personas.bob).post(url("edit", ticket), opened | {"title": "鲍勃的标题"})

    response = client_for(personas.alice).post(
        url("edit", ticket), opened | {"title": "爱丽丝的标题", "priority": "urgent"}
    )

    assert response.status_code == 409
    html = response.text
    assert "changed by someone else" in html
    assert 'value="爱丽丝的标题"' in html  # the user's input is kept in the form
    assert "鲍勃的标题" in html  # and the saved value is shown next to it
    assert 'id="edit-section"' in html and "collapse show" in html
    ticket.refresh_from_db()
    assert ticket.title == "鲍勃的标题" and ticket.priority == "normal"

    # Saving again, having seen the difference, applies the user's version.
    again = client_for(personas.alice).post(
        url("edit", ticket),
        opened | {"title": "爱丽丝的标题", "priority": "urgent", "version": ticket.version},
    )
    assert again.status_code == 302
    ticket.refresh_from_db()
    assert ticket.title == "爱丽丝的标题" and ticket.priority == "urgent"


def test_an_edit_to_a_contact_of_another_customer_is_refused(personas, world):
    ticket = ticket_for(personas, world)

    response = client_for(personas.alice).post(
        url("edit", ticket), edit_data(ticket, contact=personas.carl.pk)
    )

    assert response.status_code == 400
    assert "must be a contact of the chosen customer" in response.text


def test_a_status_change_from_a_stale_page_is_a_conflict(personas, world):
    ticket = ticket_for(personas, world)
    stale = ticket.version
    services.do_change_status(personas.bob, ticket, Status.WAITING)

    response = client_for(personas.alice).post(
        url("status", ticket), {"to_status": "resolved", "note": "已修复", "version": stale}
    )

    assert response.status_code == 409
    assert 'value="已修复"' in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING


# --- files ------------------------------------------------------------------------------------


def test_files_are_added_as_internal_or_public(personas, world, media):
    ticket = ticket_for(personas, world)
    client = client_for(personas.alice)

    client.post(url("attachments", ticket), {"files": [pdf("内部.pdf")]})
    client.post(url("attachments", ticket), {"files": [pdf("公开.pdf")], "public": "on"})

    files = {a.name: a.is_public for a in ticket.attachments.all()}
    assert files == {"内部.pdf": False, "公开.pdf": True}
    html = client.get(url("detail", ticket)).text
    assert "内部.pdf" in html and "Internal" in html


def test_a_form_posted_without_the_pages_version_is_refused_visibly(personas, world):
    ticket = ticket_for(personas, world)

    response = client_for(personas.alice).post(url("status", ticket), {"to_status": "resolved"})

    assert response.status_code == 400
    assert "version: This field is required." in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_the_page_reads_the_timeline_in_a_fixed_number_of_queries(personas, world, media):
    ticket = ticket_for(personas, world, type="complaint")
    client = client_for(personas.alice)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("detail", ticket)).status_code == 200
        return len(captured)

    services.do_reply(personas.alice, ticket, "一", files=[pdf("a.pdf")])
    few = queries()
    for n in range(8):
        services.do_reply(personas.bob, ticket, f"回复{n}", files=[pdf(f"{n}.pdf")])
        services.do_add_note(personas.alice, ticket, f"备注{n}")
        services.do_add_follow_up(personas.alice, ticket, method="phone", outcome=f"回访{n}")
    assert queries() == few
