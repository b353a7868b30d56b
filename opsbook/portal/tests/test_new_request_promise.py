"""The new-request form speaks the customer's language: services by their plain name (never an
internal code), and what is promised for the service and type chosen, in business-time words,
before anything is submitted (the same policy that will measure the ticket)."""

import pytest
from django.urls import reverse

from opsbook.tickets.tests.factories import give_service, make_calendar, make_service

NEW = reverse("portal:new")
PROMISE = reverse("portal:promise")
pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(client, personas):
    client.force_login(personas.dana)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


@pytest.fixture
def hotline(personas):
    """A service 星火教育 receives whose checklist promises nothing for the portal."""
    make_calendar()
    item = make_service(personas.alice, code="CS-002", name="课程咨询热线")
    give_service(personas.customer_a, item)
    return item


def test_services_are_offered_by_name_without_their_codes(dana, hotline):
    page = dana.get(NEW).content.decode()

    assert "课程咨询热线" in page
    assert "CS-002" not in page


def test_choosing_a_service_shows_the_expected_response_before_submitting(dana, hotline):
    page = dana.get(NEW).content.decode()
    assert 'id="promise"' in page and f'hx-get="{PROMISE}"' in page

    complaint = dana.get(PROMISE, {"item": hotline.pk, "type": "complaint"}).content.decode()
    request = dana.get(PROMISE, {"item": hotline.pk, "type": "consultation"}).content.decode()

    assert "预计响应：" in complaint
    assert "我们将在工作时间1小时内首次答复。" in complaint
    assert "下班时间、周末和法定节假日不计时。" in complaint
    assert "我们将在工作时间4小时内首次答复。" in request


def test_a_checklist_standard_for_the_portal_is_what_is_promised(dana, personas):
    make_calendar()
    item = make_service(
        personas.alice, name="校车服务", standards=(("portal", "", 30, 1440, "calendar"),)
    )
    give_service(personas.customer_a, item)

    text = dana.get(PROMISE, {"item": item.pk, "type": "incident"}).content.decode()

    assert "我们将在30分钟内首次答复（全天候计时）。" in text
    assert "力争在1天内解决。" in text


def test_no_promise_is_shown_for_a_service_the_customer_does_not_receive(dana, personas):
    other = make_service(personas.alice, code="BUS-9", name="别家的服务")

    text = dana.get(PROMISE, {"item": other.pk, "type": "complaint"}).content.decode()

    assert "首次答复" not in text and "别家的服务" not in text


def test_nonsense_choices_show_no_promise(dana, hotline):
    for query in ({"item": "abc", "type": "complaint"}, {"item": hotline.pk, "type": "x"}):
        response = dana.get(PROMISE, query)
        assert response.status_code == 200 and "首次答复" not in response.content.decode()


def test_staff_and_strangers_do_not_get_the_promise_route(client, personas, hotline):
    client.force_login(personas.alice)
    assert client.get(PROMISE, {"item": hotline.pk, "type": "complaint"}).status_code != 200
