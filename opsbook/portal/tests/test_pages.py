"""A customer's portal: their list, submitting a request, the public timeline, replying,
downloading files and rating."""

import pytest
from django.urls import reverse

from opsbook.catalog.choices import Channel
from opsbook.catalog.models import CustomerService
from opsbook.tickets import services
from opsbook.tickets.choices import Source, Status
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import make_service

from .conftest import png, resolved, text_file

HOME = reverse("portal:home")
NEW = reverse("portal:new")


def page(ticket):
    return reverse("portal:ticket", args=[ticket.pk])


@pytest.fixture
def dana(client, personas):
    client.force_login(personas.dana)
    return client


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_open_requests_by_default_and_closed_ones_on_their_tab(
    dana, personas, world
):
    done = services.do_create_ticket(
        personas.dana, title="发票抬头修改", channel="portal", item=world.service
    )
    resolved(done, personas.alice)

    open_html = dana.get(HOME).text
    closed_html = dana.get(HOME, {"state": "closed"}).text

    assert "无法登录管理后台" in open_html and "发票抬头修改" not in open_html
    assert "发票抬头修改" in closed_html and "无法登录管理后台" not in closed_html


def test_the_list_shows_each_requests_status(dana, world):
    html = dana.get(HOME).text

    assert f'data-ticket="{world.dana_ticket.pk}"' in html
    assert 'data-status="new"' in html


def test_an_unknown_tab_falls_back_to_open_requests(dana, world):
    assert "无法登录管理后台" in dana.get(HOME, {"state": "<script>"}).text


# --- submitting ----------------------------------------------------------------------------------


def test_a_customer_submits_a_request_with_files(dana, personas, world):
    response = dana.post(
        NEW,
        {
            "item": world.service.pk,
            "type": "incident",
            "title": "  课程视频无法播放 ",
            "description": "所有班级都打不开。",
            "files": [png(), text_file()],
        },
    )

    ticket = Ticket.objects.get(title="课程视频无法播放")
    assert response.status_code == 302 and response.url == page(ticket)
    assert ticket.customer == personas.customer_a and ticket.contact == personas.dana
    assert ticket.channel == Channel.PORTAL and ticket.source == Source.PORTAL
    assert ticket.assignee == personas.alice  # the service's primary owner
    assert {a.name for a in ticket.attachments.all()} == {"日志.txt", "截图.png"}
    assert "截图.png" in dana.get(page(ticket)).text


def test_only_the_services_the_organisation_receives_are_offered(dana, personas, world):
    other = make_service(None, name="校车服务", code="BUS-1")

    form_html = dana.get(NEW).text
    response = dana.post(
        NEW, {"item": other.pk, "type": "incident", "title": "校车", "description": "晚点"}
    )

    assert world.service.name in form_html and "校车服务" not in form_html
    assert response.status_code == 400
    assert not Ticket.objects.filter(title="校车").exists()


def test_a_service_whose_period_ended_is_no_longer_offered(dana, personas, world):
    CustomerService.objects.filter(customer=personas.customer_a).update(ends_on="2000-01-01")

    html = dana.get(NEW).text

    assert 'id="no-services"' in html and 'id="new-ticket-form"' not in html


def test_a_disguised_file_is_refused_and_nothing_is_written(dana, world):
    fake = text_file("报告.pdf", "not a pdf")

    response = dana.post(
        NEW,
        {
            "item": world.service.pk,
            "type": "incident",
            "title": "附件",
            "description": "x",
            "files": [fake],
        },
    )

    assert response.status_code == 400
    assert "报告.pdf" in response.text
    assert not Ticket.objects.filter(title="附件").exists()


# --- the timeline --------------------------------------------------------------------------------


def test_internal_notes_and_internal_files_never_reach_the_customer(dana, personas, world):
    ticket = world.dana_ticket
    services.do_add_note(personas.alice, ticket, "内部：客户账号疑似被盗", files=[png("内部.png")])
    services.do_reply(personas.alice, ticket, "请清除浏览器缓存后重试。")
    services.do_assign_ticket(personas.alice, ticket, assignee=personas.bob)

    html = dana.get(page(ticket)).text

    assert "请清除浏览器缓存后重试。" in html
    assert "内部：客户账号疑似被盗" not in html
    assert "内部.png" not in html
    assert personas.bob.label not in html  # assignments are staff-only


def test_an_internal_file_cannot_be_downloaded_by_its_id(dana, personas, world):
    [internal] = services.do_add_attachments(
        personas.alice, world.dana_ticket, [png("内部.png")], public=False
    )

    assert dana.get(reverse("portal:attachment", args=[internal.pk])).status_code == 404


def test_a_public_file_downloads_as_an_attachment(dana, personas, world):
    services.do_reply(personas.alice, world.dana_ticket, "见附件", files=[text_file("说明.txt")])
    attachment = world.dana_ticket.attachments.get()

    response = dana.get(reverse("portal:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith("登录失败".encode())


def test_the_timeline_shows_status_changes_and_replies_in_order(dana, personas, world):
    ticket = world.dana_ticket
    services.do_reply(personas.alice, ticket, "需要您提供截图。", then_status=Status.WAITING)

    html = dana.get(page(ticket)).text

    assert html.index('data-kind="created"') < html.index("需要您提供截图。")
    assert 'data-status="waiting"' in html
    assert 'id="waiting-notice"' in html


# --- replying ----------------------------------------------------------------------------------


def test_a_customer_reply_resumes_a_request_that_waits_on_them(dana, personas, world):
    ticket = world.dana_ticket
    services.do_reply(personas.alice, ticket, "请提供截图。", then_status=Status.WAITING)

    response = dana.post(
        reverse("portal:reply", args=[ticket.pk]), {"body": "截图见附件", "files": [png()]}
    )

    ticket.refresh_from_db()
    assert response.status_code == 302
    assert ticket.status == Status.IN_PROGRESS
    comment = ticket.comments.get(by_customer=True)
    assert comment.body == "截图见附件" and comment.attachments.count() == 1


def test_an_empty_reply_is_refused_with_a_message(dana, world):
    response = dana.post(reverse("portal:reply", args=[world.dana_ticket.pk]), {"body": "  "})

    assert response.status_code == 400
    assert not world.dana_ticket.comments.exists()


def test_a_reply_to_a_resolved_request_reopens_it(dana, personas, world):
    ticket = resolved(world.dana_ticket, personas.alice)
    assert 'id="reply-form"' in dana.get(page(ticket)).text

    dana.post(reverse("portal:reply", args=[ticket.pk]), {"body": "还是不行"})

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.reopened_count == 1


def test_a_cancelled_request_takes_no_reply(dana, personas, world):
    services.cancel(personas.alice, world.dana_ticket)

    html = dana.get(page(world.dana_ticket)).text
    response = dana.post(reverse("portal:reply", args=[world.dana_ticket.pk]), {"body": "喂"})

    assert 'id="reply-form"' not in html
    assert response.status_code == 400
    assert "cancelled" in response.text or "取消" in response.text
    assert not world.dana_ticket.comments.filter(by_customer=True).exists()


# --- rating in the portal ------------------------------------------------------------------------


def test_a_resolved_request_can_be_rated_once(dana, personas, world):
    ticket = resolved(world.dana_ticket, personas.alice)
    url = reverse("portal:rate_ticket", args=[ticket.pk])
    assert 'id="rating-form"' in dana.get(page(ticket)).text

    dana.post(url, {"rating": "4", "comment": "响应很快"})
    again = dana.post(url, {"rating": "1"})

    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "响应很快")
    assert again.status_code == 400
    assert 'class="alert alert-danger"' in again.text
    html = dana.get(page(ticket)).text
    assert 'data-rating="4"' in html and 'id="rating-form"' not in html


def test_an_open_request_offers_no_rating_and_refuses_one(dana, world):
    ticket = world.dana_ticket

    html = dana.get(page(ticket)).text
    response = dana.post(reverse("portal:rate_ticket", args=[ticket.pk]), {"rating": "5"})

    ticket.refresh_from_db()
    assert 'id="rating-form"' not in html
    assert response.status_code == 400 and ticket.rating is None


def test_a_rating_outside_1_to_5_is_refused(dana, personas, world):
    ticket = resolved(world.dana_ticket, personas.alice)

    response = dana.post(reverse("portal:rate_ticket", args=[ticket.pk]), {"rating": "6"})

    ticket.refresh_from_db()
    assert response.status_code == 400 and ticket.rating is None


def test_an_unrated_request_stays_unrated(dana, personas, world):
    ticket = resolved(world.dana_ticket, personas.alice)
    services.close(personas.alice, ticket)
    dana.get(page(ticket))

    ticket.refresh_from_db()
    assert ticket.rating is None and ticket.rated_at is None
