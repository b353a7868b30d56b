"""Editing a ticket's fields (services.do_update_ticket): references are checked as they will be
after the change, and the timeline records what changed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.catalog import services as catalog
from opsbook.catalog.testing import make_content
from opsbook.tickets import services
from opsbook.tickets.choices import EventKind
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(personas):
    make_calendar()
    item = make_service(personas.alice)
    return make_ticket(
        personas.alice,
        item,
        customer=personas.customer_a,
        contact=personas.dana,
        now=datetime(2026, 11, 23, 9, tzinfo=TZ),
    )


def update(actor, ticket, **changes):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return services.do_update_ticket(actor, ticket, expected_version=ticket.version, **changes)


def test_changing_the_customer_needs_a_contact_of_the_new_customer(personas, ticket):
    with pytest.raises(ValidationError) as excinfo:
        update(personas.alice, ticket, customer=personas.customer_b)
    assert set(excinfo.value.message_dict) == {"contact"}

    ticket = update(personas.alice, ticket, customer=personas.customer_b, contact=personas.carl)
    assert (ticket.customer, ticket.contact) == (personas.customer_b, personas.carl)


def test_changing_the_item_needs_content_of_the_new_item(personas, ticket):
    content = make_content(ticket.item)
    ticket = update(personas.alice, ticket, content=content)
    other = make_service(personas.alice, name="校园网络运维")

    with pytest.raises(ValidationError) as excinfo:
        update(personas.alice, ticket, item=other)
    assert set(excinfo.value.message_dict) == {"content"}

    ticket = update(personas.alice, ticket, item=other, content=None)
    assert ticket.item == other and ticket.content is None


def test_retired_content_cannot_be_chosen(personas, ticket):
    content = make_content(ticket.item)
    catalog.do_retire_content(None, content, source="test")

    with pytest.raises(ValidationError) as excinfo:
        update(personas.alice, ticket, content=content)

    assert set(excinfo.value.message_dict) == {"content"}


def test_a_ticket_on_a_retired_item_can_still_be_edited(personas, ticket):
    catalog.do_retire_item(None, ticket.item, source="test")

    ticket = update(personas.alice, ticket, title="无法登录（旧服务）")

    assert ticket.title == "无法登录（旧服务）"


def test_the_timeline_records_each_field_before_and_after(personas, ticket):
    update(personas.alice, ticket, priority="high", description="全校无法登录", tags=["紧急"])

    event = Ticket.objects.get(pk=ticket.pk).events.get(kind=EventKind.CHANGED)
    assert event.data["changes"] == {
        "priority": ["normal", "high"],
        "description": ["", "全校无法登录"],
        "tags": ["", "紧急"],
    }
    assert event.actor == personas.alice


def test_fields_outside_the_editable_ones_are_refused(personas, ticket):
    with pytest.raises(ValidationError):
        update(personas.alice, ticket, status="closed")
    with pytest.raises(ValidationError):
        update(personas.alice, ticket, rating=5)


def test_unknown_choices_are_refused(personas, ticket):
    with pytest.raises(ValidationError) as excinfo:
        update(personas.alice, ticket, channel="fax")

    assert set(excinfo.value.message_dict) == {"channel"}


def test_customers_and_outsiders_cannot_edit(personas, ticket):
    for person in (personas.dana, personas.charlie, personas.vera):
        with pytest.raises(PermissionDenied):
            update(person, ticket, title="改了")
    assert Ticket.objects.get(pk=ticket.pk).title == "无法登录"
