"""Opening tickets (services.do_create_ticket): who it goes to, and which references are refused."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from opsbook.accounts.testing import make_user
from opsbook.catalog import services as catalog
from opsbook.catalog.models import Ownership
from opsbook.catalog.testing import make_content, make_item
from opsbook.tickets import services
from opsbook.tickets.choices import EventKind, Source, Status
from opsbook.tickets.models import Tag, Ticket
from opsbook.tickets.services.tickets import _tags
from opsbook.tickets.tests.factories import (
    give_service,
    make_calendar,
    make_service,
    make_ticket,
    no_default_targets,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
pytestmark = pytest.mark.django_db


@pytest.fixture
def item(personas):
    make_calendar()
    item = make_service(personas.alice)
    give_service(personas.customer_a, item)
    return item


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- default assignment ------------------------------------------------------------------------


def test_a_ticket_goes_to_the_items_primary_owner_and_their_team(personas, item):
    ticket = make_ticket(personas.mia, item, now=NOW)

    assert ticket.assignee == personas.alice
    assert ticket.team == personas.support_team
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ASSIGNED]


def test_a_portal_ticket_is_routed_the_same_way(personas, item):
    ticket = make_ticket(personas.dana, item, channel="portal", now=NOW)

    assert (ticket.assignee, ticket.team) == (personas.alice, personas.support_team)


def test_a_team_owner_routes_the_ticket_to_the_team_unassigned(personas):
    item = make_item(None, name="网络巡检")
    owners = [Ownership(team=personas.tech_team, is_primary=True)]
    catalog.do_update_item(None, item, parts=catalog.Parts(owners=owners), source="test")

    ticket = make_ticket(personas.mia, item, now=NOW)

    assert ticket.assignee is None
    assert ticket.team == personas.tech_team


def test_the_contents_own_primary_owner_comes_before_the_items(personas, item):
    content = make_content(item, personas.charlie)

    ticket = make_ticket(personas.mia, item, content=content, now=NOW)

    assert (ticket.assignee, ticket.team) == (personas.charlie, personas.tech_team)


def test_an_inactive_primary_owner_is_passed_over(personas, item):
    personas.alice.is_active = False
    personas.alice.save()

    ticket = make_ticket(personas.mia, item, now=NOW)

    assert ticket.assignee is None and ticket.team is None


def test_staff_may_choose_the_assignee_and_the_team_follows(personas, item):
    ticket = make_ticket(personas.mia, item, assignee=personas.charlie, now=NOW)

    assert (ticket.assignee, ticket.team) == (personas.charlie, personas.tech_team)


def test_a_ticket_without_a_service_item_has_no_assignee_and_the_default_clock(personas):
    make_calendar()
    ticket = make_ticket(personas.alice, None, now=NOW)

    assert ticket.assignee is None
    # No checklist standard: the organisation's default for a normal request measures it.
    assert ticket.sla_standard is None and ticket.sla_default is not None
    assert ticket.response_target_seconds == 4 * 3600 and ticket.response_due_at is not None


def test_a_ticket_nothing_measures_has_no_clock(personas):
    no_default_targets()
    ticket = make_ticket(personas.alice, None, now=NOW)

    assert ticket.response_target_seconds is None and ticket.response_due_at is None
    assert ticket.sla_default is None


# --- customers ---------------------------------------------------------------------------------


def test_a_customer_opens_tickets_for_their_own_organisation_in_the_portal(personas, item):
    ticket = services.do_create_ticket(
        personas.dana,
        title="登录不了",
        channel="phone",
        item=item,
        customer=personas.customer_b,  # ignored: customers speak for their own organisation
        priority="urgent",
        now=NOW,
    )

    assert ticket.customer == personas.customer_a
    assert ticket.contact == personas.dana
    assert (ticket.channel, ticket.source) == ("portal", Source.PORTAL)
    assert ticket.priority == "high"  # customers cannot mark their own ticket urgent
    assert ticket.assignee == personas.alice


@pytest.mark.parametrize(
    "staff_only",
    [
        {"assignee": "bob"},
        {"team": "team"},
        {"tags": ["加急"]},
        {"watchers": ["bob"]},
        {"assignee": "bob", "tags": ["加急"], "watchers": ["bob"], "team": "team"},
    ],
    ids=["assignee", "team", "tags", "watchers", "all"],
)
def test_a_customer_cannot_route_tag_or_watch_their_own_ticket(personas, item, staff_only):
    # Defence in depth: the API and the portal refuse these first; the service refuses them
    # for any caller, with every field named, and writes nothing (not even a new tag).
    values = {
        "assignee": personas.bob,
        "team": personas.bob.team,
        "tags": ["加急"],
        "watchers": [personas.bob],
    }
    kwargs = {name: values[name] for name in staff_only}

    with pytest.raises(ValidationError) as excinfo:
        services.do_create_ticket(
            personas.dana, title="登录不了", channel="portal", item=item, now=NOW, **kwargs
        )

    assert error_fields(excinfo) == set(staff_only)
    assert excinfo.value.message_dict[next(iter(staff_only))] == ["Only staff can set this field."]
    assert (Ticket.objects.count(), Tag.objects.count()) == (0, 0)


def test_the_public_form_cannot_tag_or_route_a_ticket_either(personas, item):
    with pytest.raises(ValidationError) as excinfo:
        services.do_create_ticket(
            None,
            title="建议",
            channel="other",
            requester_email="a@example.com",
            source=Source.PUBLIC_FORM,
            tags=["垃圾"],
            assignee=personas.bob,
            now=NOW,
        )

    assert error_fields(excinfo) == {"assignee", "tags"}
    assert (Ticket.objects.count(), Tag.objects.count()) == (0, 0)


def test_a_customer_never_creates_a_tag_whatever_path_reaches_the_tag_setter(personas, item):
    ticket = make_ticket(
        personas.alice, item=item, customer=personas.customer_a, contact=personas.dana
    )

    with pytest.raises(PermissionDenied):
        services.do_update_ticket(personas.dana, ticket, expected_version=None, tags=["新标签"])
    with pytest.raises(PermissionDenied):
        _tags(personas.dana, ["新标签"])
    with pytest.raises(PermissionDenied):
        _tags(None, ["新标签"])

    assert not Tag.objects.exists()
    assert [t.name for t in _tags(personas.alice, ["新标签"])] == ["新标签"]  # staff may


def test_a_customer_cannot_assign_or_watch_an_existing_ticket(personas, item):
    ticket = make_ticket(
        personas.alice, item=item, customer=personas.customer_a, contact=personas.dana
    )

    with pytest.raises(PermissionDenied):
        services.do_assign_ticket(personas.dana, ticket, assignee=personas.bob)
    with pytest.raises(PermissionDenied):
        services.do_set_watchers(personas.dana, ticket, add=[personas.dana])

    ticket.refresh_from_db()
    assert ticket.assignee != personas.bob
    assert not ticket.watchers.exists()


def test_a_customer_cannot_open_a_ticket_on_a_service_their_organisation_does_not_receive(
    personas, item
):
    other = make_service(personas.alice, name="校园网络运维")

    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.dana, other, channel="portal", now=NOW)

    assert error_fields(excinfo) == {"item"}


def test_a_customer_cannot_use_another_organisations_service(personas, item):
    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.carl, item, channel="portal", now=NOW)

    assert error_fields(excinfo) == {"item"}


def test_a_service_that_has_ended_for_the_customer_is_refused(personas, item):
    item.customer_services.update(ends_on=timezone.localdate() - timedelta(days=1))

    with pytest.raises(ValidationError):
        make_ticket(personas.dana, item, channel="portal", now=NOW)


def test_a_customer_must_name_the_service(personas, item):
    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.dana, None, channel="portal", now=NOW)

    assert error_fields(excinfo) == {"item"}


# --- references the caller may not use ---------------------------------------------------------


def test_content_of_another_item_is_refused(personas, item):
    other = make_service(personas.alice, name="校园网络运维")
    foreign = make_content(other)

    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.mia, item, content=foreign, now=NOW)

    assert error_fields(excinfo) == {"content"}


def test_a_contact_of_another_customer_is_refused(personas, item):
    with pytest.raises(ValidationError) as excinfo:
        make_ticket(
            personas.mia, item, customer=personas.customer_a, contact=personas.carl, now=NOW
        )

    assert error_fields(excinfo) == {"contact"}


def test_staff_cannot_be_named_as_the_contact(personas, item):
    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.mia, item, customer=personas.customer_a, contact=personas.bob, now=NOW)

    assert error_fields(excinfo) == {"contact"}


@pytest.mark.parametrize("who", ["inactive", "viewer", "customer"])
def test_only_active_working_staff_can_be_assigned(personas, item, who):
    if who == "inactive":
        assignee = make_user("gone", is_active=False, team=personas.support_team)
    elif who == "viewer":
        assignee = personas.vera
    else:
        assignee = personas.dana

    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.mia, item, assignee=assignee, now=NOW)

    assert error_fields(excinfo) == {"assignee"}


def test_a_retired_item_is_refused(personas, item):
    catalog.do_retire_item(None, item, source="test")

    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.mia, item, now=NOW)

    assert error_fields(excinfo) == {"item"}


def test_an_inactive_customer_is_refused(personas, item):
    personas.customer_b.is_active = False
    personas.customer_b.save()

    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.mia, item, customer=personas.customer_b, now=NOW)

    assert error_fields(excinfo) == {"customer"}


def test_a_read_only_viewer_cannot_open_tickets(personas, item):
    with pytest.raises(PermissionDenied):
        make_ticket(personas.vera, item, now=NOW)


def test_nothing_is_written_when_a_reference_is_refused(personas, item):
    with pytest.raises(ValidationError):
        make_ticket(
            personas.mia, item, customer=personas.customer_a, contact=personas.carl, now=NOW
        )

    assert not Ticket.objects.exists()


def test_a_blank_title_is_refused_and_whitespace_is_collapsed(personas, item):
    with pytest.raises(ValidationError) as excinfo:
        make_ticket(personas.mia, item, title="   \n ", now=NOW)
    assert error_fields(excinfo) == {"title"}

    ticket = make_ticket(personas.mia, item, title="  无法\n登录  ", now=NOW)
    assert ticket.title == "无法 登录"


# --- the public feedback form ------------------------------------------------------------------


def test_the_public_form_needs_a_way_to_answer_and_names_no_service(personas, item):
    with pytest.raises(ValidationError):
        services.do_create_ticket(
            None, title="建议", channel="other", source=Source.PUBLIC_FORM, now=NOW
        )
    with pytest.raises(PermissionDenied):
        services.do_create_ticket(
            None,
            title="建议",
            channel="other",
            item=item,
            requester_email="a@example.com",
            source=Source.PUBLIC_FORM,
            now=NOW,
        )
    with pytest.raises(PermissionDenied):
        services.do_create_ticket(None, title="建议", channel="other", now=NOW)

    ticket = services.do_create_ticket(
        None,
        title="建议增加夜间客服",
        channel="other",
        requester_email="a@example.com",
        source=Source.PUBLIC_FORM,
        now=NOW,
    )
    assert ticket.status == Status.NEW and ticket.created_by is None
