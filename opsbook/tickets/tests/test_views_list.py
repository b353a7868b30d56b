"""The staff ticket list: who sees what, filters (live by htmx), paging without a count, the SLA
badge, saved filters, bulk actions and a query budget that does not grow with the page."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opsbook.tickets import services
from opsbook.tickets.choices import Status
from opsbook.tickets.models import SavedFilter, Ticket
from opsbook.tickets.tests.factories import make_calendar, make_service, make_ticket

from . import views_helpers
from .views_helpers import client_for, other_team_ticket, ticket_for

world = views_helpers.world  # fixture
LIST = reverse("tickets:list")
pytestmark = pytest.mark.django_db


# --- who sees the list ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page():
    response = client_for().get(LIST)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_customer_contacts_get_not_found_on_staff_pages(personas, world):
    ticket = ticket_for(personas, world)
    client = client_for(personas.dana)

    for url in (
        LIST,
        reverse("tickets:new"),
        reverse("tickets:detail", args=[ticket.pk]),
        reverse("tickets:autocomplete_items"),
        reverse("tickets:autocomplete_customers"),
        reverse("tickets:autocomplete_users"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("tickets:bulk"), {}).status_code == 404


def test_agents_see_their_teams_tickets_and_not_another_teams(personas, world):
    mine = ticket_for(personas, world, title="无法登录")
    theirs = other_team_ticket(personas, world, title="打印机卡纸")

    html = client_for(personas.bob).get(LIST).text

    assert mine.title in html
    assert theirs.title not in html


def test_managers_see_every_ticket_with_its_fields(personas, world):
    ticket = ticket_for(personas, world, title="无法登录", priority="high", tags=["VIP"])
    other_team_ticket(personas, world, title="打印机卡纸")

    html = client_for(personas.mia).get(LIST).text

    assert "无法登录" in html and "打印机卡纸" in html
    assert reverse("tickets:detail", args=[ticket.pk]) in html
    assert "星火教育" in html and "热线电话服务" in html
    assert "张三" in html  # alice, the assignee
    assert "High" in html and "VIP" in html


# --- the SLA badge ----------------------------------------------------------------------------


def test_the_sla_badge_shows_the_due_time_in_the_calendars_time_zone(personas):
    make_calendar("Berlin", tz="Europe/Berlin")
    item = make_service(personas.alice, code="SVC-EU", name="Hotline EU")
    ticket = make_ticket(personas.mia, item, title="Login fails")
    due = ticket.response_due_at.astimezone(ZoneInfo("Europe/Berlin"))

    html = client_for(personas.mia).get(LIST).text

    assert "response due" in html
    assert due.strftime("%Y-%m-%d %H:%M") in html
    assert due.tzname() in html  # CET or CEST: the calendar's zone, not Shanghai's


def test_a_ticket_past_its_due_time_shows_as_breached(personas, world):
    ticket = ticket_for(personas, world)
    Ticket.objects.filter(pk=ticket.pk).update(
        response_due_at=timezone.now() - timedelta(minutes=5)
    )

    html = client_for(personas.mia).get(LIST).text

    assert "sla-breached" in html and "Breached" in html


def test_a_ticket_waiting_on_the_customer_shows_as_paused(personas, world):
    ticket = ticket_for(personas, world)
    services.do_change_status(personas.alice, ticket, Status.WAITING)

    html = client_for(personas.mia).get(LIST).text

    assert "sla-paused" in html and "Paused" in html


# --- filters ----------------------------------------------------------------------------------


def test_filters_narrow_the_list(personas, world):
    ticket_for(personas, world, title="电话咨询")
    ticket_for(personas, world, title="邮件投诉", channel="email", type="complaint")
    client = client_for(personas.mia)

    by_channel = client.get(LIST, {"channel": "email"}).text
    by_type = client.get(LIST, {"type": "consultation"}).text
    by_text = client.get(LIST, {"q": "投诉"}).text

    assert "邮件投诉" in by_channel and "电话咨询" not in by_channel
    assert "电话咨询" in by_type and "邮件投诉" not in by_type
    assert "邮件投诉" in by_text and "电话咨询" not in by_text


def test_several_statuses_can_be_ticked(personas, world):
    new = ticket_for(personas, world, title="新工单")
    waiting = ticket_for(personas, world, title="等待客户")
    done = ticket_for(personas, world, title="已解决")
    services.do_change_status(personas.alice, waiting, Status.WAITING)
    services.do_change_status(personas.alice, done, Status.RESOLVED)

    html = client_for(personas.mia).get(f"{LIST}?status=new&status=waiting").text

    assert new.title in html and waiting.title in html and done.title not in html
    assert 'value="waiting" class="form-check-input" id="id_filter_status_3" checked' in html


def test_a_bad_filter_value_is_explained_and_ignored(personas, world):
    ticket_for(personas, world, title="无法登录")

    response = client_for(personas.mia).get(LIST, {"status": "bogus", "ordering": "title"})

    assert response.status_code == 200
    html = response.text
    assert "Some filters were not understood" in html
    assert "&#x27;bogus&#x27; is not a status" in html
    assert "not a known ordering" in html
    assert "无法登录" in html  # the rest of the list still works


def test_assignee_me_shows_my_tickets(personas, world):
    ticket_for(personas, world, title="我的工单")
    other_team_ticket(personas, world, title="别人的工单")

    html = client_for(personas.mia).get(LIST, {"assignee": "me"}).text
    mine = client_for(personas.alice).get(LIST, {"assignee": "me"}).text

    assert "我的工单" not in html and "Me" in html
    assert "我的工单" in mine and "别人的工单" not in mine


def test_htmx_gets_only_the_results_and_a_clean_address(personas, world):
    ticket_for(personas, world, title="无法登录")

    response = client_for(personas.mia).get(
        LIST, {"q": "", "status": "new", "type": "", "channel": "phone"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert 'id="results"' in response.text
    assert 'id="filters"' not in response.text  # the filter form stays as the user has it
    assert response["HX-Push-Url"] == f"{LIST}?status=new&channel=phone"
    assert "HX-Request" in response["Vary"]


def test_the_list_pages_with_next_and_previous_without_counting(personas, world):
    for n in range(5):
        ticket_for(personas, world, title=f"工单{n}")
    client = client_for(personas.mia)

    first = client.get(LIST, {"per_page": 2}).text
    last = client.get(LIST, {"per_page": 2, "page": 3}).text

    assert "工单4" in first and "工单3" in first and "工单2" not in first
    assert "Tickets 1–2" in first
    assert f"{LIST}?per_page=2&amp;page=2" in first and 'rel="prev"' not in first
    assert "工单0" in last and "Tickets 5–5" in last
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_a_page_size_beyond_the_limit_is_refused_clearly(personas, world):
    response = client_for(personas.mia).get(LIST, {"per_page": 100000})

    assert "Show between 1 and 100 tickets a page" in response.text


# --- the query budget -------------------------------------------------------------------------


def _queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_tickets_shown(personas, world):
    def add(count):
        for n in range(count):
            ticket = ticket_for(personas, world, title=f"工单{n}", tags=["VIP", f"t{n % 3}"])
            Ticket.objects.filter(pk=ticket.pk).update(
                response_due_at=timezone.now() - timedelta(minutes=n)  # some breached
            )

    client = client_for(personas.mia)
    filtered = f"{LIST}?status=new&status=waiting&channel=phone&sla=breached"
    add(5)
    small = _queries(client, f"{LIST}?per_page=50")
    small_filtered = _queries(client, filtered)
    add(45)
    large = _queries(client, f"{LIST}?per_page=50")
    large_filtered = _queries(client, filtered)
    sizes = {n: _queries(client, f"{LIST}?per_page={n}") for n in (5, 50, 100)}
    agent = client_for(personas.alice)

    assert small == large
    assert small_filtered == large_filtered
    assert len(set(sizes.values())) == 1
    assert large <= 10
    assert _queries(agent, LIST) <= 10
    assert _queries(client, f"{LIST}?per_page=100", HX_Request="true") < large


def test_the_list_never_counts_every_ticket(personas, world, settings):
    settings.OPSBOOK_TICKET_COUNT_LIMIT = 10_000
    ticket_for(personas, world)
    client = client_for(personas.mia)

    with CaptureQueriesContext(connection) as captured:
        client.get(LIST)

    # Its total counts at most the limit and one more (a COUNT over a LIMIT-ed subquery).
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT 10001" in counts[0]


# --- saved filters ----------------------------------------------------------------------------


def test_filters_are_saved_under_a_name_and_listed_for_their_owner_only(personas, world):
    client = client_for(personas.alice)

    response = client.post(
        reverse("tickets:saved_filter_save"),
        {"name": "我的紧急工单", "query": "priority=urgent&assignee=me&page=3&junk=1"},
    )

    assert response.status_code == 302
    saved = SavedFilter.objects.get(owner=personas.alice)
    assert saved.query == "priority=urgent&assignee=me"  # canonical, filters only
    html = client.get(LIST).text
    assert "我的紧急工单" in html and f"{LIST}?priority=urgent&amp;assignee=me" in html
    assert "我的紧急工单" not in client_for(personas.bob).get(LIST).text


def test_saving_under_an_existing_name_replaces_that_filter(personas, world):
    client = client_for(personas.alice)
    url = reverse("tickets:saved_filter_save")

    client.post(url, {"name": "Mine", "query": "assignee=me"})
    client.post(url, {"name": "Mine", "query": "assignee=me&status=new"})

    assert list(SavedFilter.objects.values_list("name", "query")) == [
        ("Mine", "status=new&assignee=me")
    ]


def test_a_saved_filter_with_bad_values_is_refused(personas, world):
    client = client_for(personas.alice)

    response = client.post(
        reverse("tickets:saved_filter_save"), {"name": "Bad", "query": "status=nope"}, follow=True
    )

    assert not SavedFilter.objects.exists()
    assert "is not a status" in response.text


def test_a_saved_filter_is_deleted_by_its_owner_and_by_nobody_else(personas, world):
    saved = SavedFilter.objects.create(owner=personas.alice, name="Mine", query="assignee=me")
    delete = reverse("tickets:saved_filter_delete", args=[saved.pk])

    assert client_for(personas.bob).post(delete).status_code == 404
    assert client_for(personas.mia).post(delete).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    assert client_for(personas.alice).post(delete).status_code == 302
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


# --- bulk actions -----------------------------------------------------------------------------


def bulk(client, tickets, action, **values):
    data = {"tickets": [str(getattr(t, "pk", t)) for t in tickets], "action": action, **values}
    return client.post(reverse("tickets:bulk"), data, follow=True)


def test_bulk_assign_gives_the_ticked_tickets_to_one_person(personas, world):
    a, b = ticket_for(personas, world), ticket_for(personas, world)

    response = bulk(client_for(personas.alice), [a, b], "assign", assignee=personas.bob.pk)

    assert "2 tickets were changed" in response.text
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {personas.bob.pk}


def test_bulk_unassign_keeps_the_tickets_in_their_team(personas, world):
    a = ticket_for(personas, world)

    bulk(client_for(personas.alice), [a], "assign", assignee="none")

    a.refresh_from_db()
    assert a.assignee is None and a.team == personas.support_team


def test_bulk_status_reports_each_ticket_that_cannot_change_and_changes_the_rest(personas, world):
    fine = ticket_for(personas, world, title="可以解决")
    cancelled = ticket_for(personas, world, title="已取消")
    services.do_change_status(personas.alice, cancelled, Status.CANCELLED)

    response = bulk(client_for(personas.alice), [fine, cancelled], "status", status="resolved")

    fine.refresh_from_db()
    cancelled.refresh_from_db()
    assert fine.status == Status.RESOLVED
    assert cancelled.status == Status.CANCELLED
    assert "1 ticket was changed" in response.text
    assert f"{cancelled.number} 已取消: A ticket that is Cancelled cannot become Resolved" in (
        response.text
    )


def test_bulk_actions_on_tickets_outside_the_agents_scope_change_nothing(personas, world):
    theirs = other_team_ticket(personas, world)

    response = bulk(client_for(personas.alice), [theirs, 999999], "priority", priority="urgent")

    theirs.refresh_from_db()
    assert theirs.priority == "normal"
    assert f"#{theirs.pk}: no such ticket" in response.text
    assert "#999999: no such ticket" in response.text


def test_bulk_priority_and_tag(personas, world):
    a = ticket_for(personas, world, tags=["老客户"])
    b = ticket_for(personas, world)
    client = client_for(personas.mia)

    bulk(client, [a, b], "priority", priority="high")
    bulk(client, [a, b], "tag", tag="  回访  ")

    assert set(Ticket.objects.values_list("priority", flat=True)) == {"high"}
    assert sorted(t.name for t in a.tags.all()) == ["回访", "老客户"]
    assert [t.name for t in b.tags.all()] == ["回访"]


def test_a_bulk_action_needs_a_value_and_a_ticket(personas, world):
    a = ticket_for(personas, world)
    client = client_for(personas.mia)

    no_value = bulk(client, [a], "status", status="")
    no_ticket = bulk(client, [], "priority", priority="low")

    assert "Choose a value to set" in no_value.text
    assert "Tick at least one ticket" in no_ticket.text


def test_viewers_cannot_run_bulk_actions(personas, world):
    a = ticket_for(personas, world)

    response = client_for(personas.vera).post(
        reverse("tickets:bulk"), {"tickets": [a.pk], "action": "priority", "priority": "low"}
    )

    assert response.status_code == 403
    assert 'id="bulk-form"' not in client_for(personas.vera).get(LIST).text
