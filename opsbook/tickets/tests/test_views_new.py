"""Opening a ticket on the staff side, and the autocomplete fragments behind its fields: each
lists only what the asker may use, and customers get 404."""

import pytest
from django.urls import reverse

from opsbook.catalog import services as catalog
from opsbook.tickets.choices import Source, Status
from opsbook.tickets.models import Ticket

from . import views_helpers
from .views_helpers import client_for, pdf

world, media = views_helpers.world, views_helpers.media  # fixtures
NEW = reverse("tickets:new")
ITEMS = reverse("tickets:autocomplete_items")
CUSTOMERS = reverse("tickets:autocomplete_customers")
USERS = reverse("tickets:autocomplete_users")
pytestmark = pytest.mark.django_db


def form_data(personas, world, **values):
    return {
        "item": world["hotline"].pk,
        "customer": personas.customer_a.pk,
        "contact": personas.dana.pk,
        "channel": "phone",
        "type": "incident",
        "priority": "high",
        "title": "课件无法下载",
        "description": "点击下载没有反应",
        "tags": "课件, 下载",
        "assignee": "",
    } | values


def test_an_agent_opens_a_ticket_with_a_file(personas, world, media):
    response = client_for(personas.bob).post(
        NEW, form_data(personas, world, files=[pdf("截图.pdf")])
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    assert (ticket.title, ticket.status, ticket.source) == ("课件无法下载", Status.NEW, Source.WEB)
    assert ticket.customer == personas.customer_a and ticket.contact == personas.dana
    assert ticket.assignee == personas.alice  # the service's primary owner by default
    assert ticket.response_due_at is not None
    assert sorted(t.name for t in ticket.tags.all()) == ["下载", "课件"]
    assert [a.name for a in ticket.attachments.all()] == ["截图.pdf"]


def test_an_assignee_can_be_chosen(personas, world):
    client_for(personas.alice).post(NEW, form_data(personas, world, assignee=personas.bob.pk))

    assert Ticket.objects.get().assignee == personas.bob


def test_a_retired_service_cannot_be_chosen(personas, world):
    catalog.do_retire_item(None, world["visits"])

    response = client_for(personas.alice).post(
        NEW, form_data(personas, world, item=world["visits"].pk)
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Ticket.objects.exists()


def test_a_contact_of_another_customer_is_refused(personas, world):
    response = client_for(personas.alice).post(
        NEW, form_data(personas, world, contact=personas.carl.pk)
    )

    assert response.status_code == 400
    assert "must be a contact of the chosen customer" in response.text
    assert 'value="课件无法下载"' in response.text  # what was typed stays


def test_a_title_is_required(personas, world):
    response = client_for(personas.alice).post(NEW, form_data(personas, world, title=""))

    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_viewers_may_not_open_tickets_and_customers_do_not_see_the_page(personas, world):
    assert client_for(personas.vera).get(NEW).status_code == 403
    assert client_for(personas.dana).get(NEW).status_code == 404
    assert client_for().get(NEW).status_code == 302


# --- autocomplete -----------------------------------------------------------------------------


def test_services_autocomplete_by_code_or_name(personas, world):
    client = client_for(personas.alice)

    by_name = client.get(ITEMS, {"q": "热线", "purpose": "new"}).text
    by_code = client.get(ITEMS, {"q": "visit"}).text

    assert "SVC-HOT 热线电话服务" in by_name and "上门巡检" not in by_name
    assert f'data-ac-value="{world["visits"].pk}"' in by_code


def test_retired_services_are_offered_for_filters_but_not_for_new_tickets(personas, world):
    catalog.do_retire_item(None, world["visits"])
    client = client_for(personas.alice)

    assert "上门巡检" not in client.get(ITEMS, {"purpose": "new"}).text
    assert "上门巡检" in client.get(ITEMS).text


def test_viewers_get_no_services_to_open_tickets_on(personas, world):
    html = client_for(personas.vera).get(ITEMS, {"purpose": "new"}).text

    assert "热线电话服务" not in html and "Nothing matches" in html


def test_customers_autocomplete_lists_active_customers_for_new_tickets(personas, world):
    personas.customer_b.is_active = False
    personas.customer_b.save()
    client = client_for(personas.alice)

    assert "明远学校" not in client.get(CUSTOMERS, {"purpose": "new"}).text
    assert "星火教育" in client.get(CUSTOMERS, {"q": "星火", "purpose": "new"}).text
    assert "明远学校" in client.get(CUSTOMERS).text  # filters may name an inactive one


def test_contacts_are_listed_only_for_the_customer_named(personas, world):
    personas.dana, personas.carl  # noqa: B018 (created on first use)
    client = client_for(personas.alice)

    without = client.get(USERS, {"purpose": "contact"}).text
    for_a = client.get(USERS, {"purpose": "contact", "customer": personas.customer_a.pk}).text

    assert "dana" not in without and "Choose the customer first" in without
    assert f'data-ac-value="{personas.dana.pk}"' in for_a
    assert f'data-ac-value="{personas.carl.pk}"' not in for_a


def test_people_autocomplete_offers_staff_who_may_be_assigned(personas, world):
    personas.vera, personas.dana, personas.bob  # noqa: B018 (created on first use)
    client = client_for(personas.alice)

    everyone = client.get(USERS, {"purpose": "assign"}).text
    for_filters = client.get(USERS, {"purpose": "filter"}).text
    searched = client.get(USERS, {"q": "李", "purpose": "assign"}).text

    assert "张三" in everyone and "Unassigned" in everyone
    assert "Vera" not in everyone  # viewers are not assigned
    assert f'data-ac-value="{personas.dana.pk}"' not in everyone  # customers never
    assert 'data-ac-value="me"' in for_filters
    assert "李四" in searched and "张三" not in searched


def test_autocomplete_is_staff_only(personas, world):
    for user in (personas.dana, personas.carl):
        client = client_for(user)
        for address in (ITEMS, CUSTOMERS, USERS):
            assert client.get(address, {"q": "a"}).status_code == 404
    assert client_for().get(ITEMS).status_code == 302
