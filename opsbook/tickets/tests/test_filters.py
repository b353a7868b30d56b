"""Ticket list filters: parsing through the allow-list, clear errors, and what they select."""

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from opsbook.tickets import filters
from opsbook.tickets.choices import SlaState, Status
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import (
    make_calendar,
    make_service,
    make_ticket,
    no_default_targets,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def q(text: str) -> QueryDict:
    return QueryDict(text)


# --- parsing ----------------------------------------------------------------------------------


def test_an_empty_query_means_every_ticket_newest_first():
    parsed, errors = filters.parse(q(""))

    assert errors == {}
    assert parsed == filters.TicketFilters()
    assert parsed.ordering == "-created_at"
    assert not parsed.is_filtered
    assert parsed.to_query() == ""


def test_several_statuses_may_be_given_repeated_or_comma_separated():
    repeated, _ = filters.parse(q("status=waiting&status=new"))
    commas, _ = filters.parse(q("status=waiting,new"))

    assert repeated.status == commas.status == ("new", "waiting")
    assert repeated.to_query() == "status=new&status=waiting"


def test_an_unknown_status_is_reported_by_name_and_left_out():
    parsed, errors = filters.parse(q("status=new&status=bogus"))

    assert parsed.status == ("new",)
    assert "'bogus' is not a status" in errors["status"][0]
    assert "in_progress" in errors["status"][0]  # the message lists what is allowed


def test_bad_choices_ids_and_dates_each_get_a_clear_message():
    parsed, errors = filters.parse(
        q(
            "type=bug&channel=fax&priority=asap&item=abc&customer=-1&team=1.5&sla=late"
            "&created_from=31/01/2026&assignee=someone&ordering=title"
        )
    )

    assert set(errors) == {
        "type",
        "channel",
        "priority",
        "item",
        "customer",
        "team",
        "sla",
        "created_from",
        "assignee",
        "ordering",
    }
    assert "not a known channel" in errors["channel"][0]
    assert "not a valid id for item" in errors["item"][0]
    assert "not a date like 2026-01-31" in errors["created_from"][0]
    assert "not a known ordering" in errors["ordering"][0]
    assert parsed == filters.TicketFilters()


def test_sql_looking_input_is_only_ever_a_bad_value():
    parsed, errors = filters.parse(
        q("ordering=id;DROP TABLE tickets_ticket&status=new' OR '1'='1&item=1 OR 1=1")
    )

    assert parsed.ordering == "-created_at"
    assert parsed.status == () and parsed.item is None
    assert set(errors) == {"ordering", "status", "item"}


def test_one_value_is_expected_for_single_choice_filters():
    _parsed, errors = filters.parse(q("channel=phone&channel=email"))

    assert "Give one value for channel" in errors["channel"][0]


def test_an_end_date_before_the_start_date_is_refused():
    parsed, errors = filters.parse(q("created_from=2026-02-01&created_to=2026-01-01"))

    assert parsed.created_from == date(2026, 2, 1) and parsed.created_to is None
    assert "before the start date" in errors["created_to"][0]


def test_search_text_is_trimmed_and_limited():
    parsed, _ = filters.parse(q("q=%20%20登录%20%20失败%20"))
    _long, errors = filters.parse(q("q=" + "x" * 101))

    assert parsed.q == "登录 失败"
    assert "longer than 100" in errors["q"][0]


def test_me_means_the_user_who_asks(personas):
    parsed, errors = filters.parse(q("assignee=me"), user=personas.alice)
    _anonymous, anonymous_errors = filters.parse(q("assignee=me"))

    assert errors == {}
    assert parsed.assignee == "me" and parsed.assignee_id == personas.alice.pk
    assert parsed.to_query() == "assignee=me"  # a saved "mine" filter stays "mine"
    assert "signed-in user" in anonymous_errors["assignee"][0]


def test_the_api_passes_a_plain_dict_and_gets_a_validation_error_for_bad_values():
    parsed = filters.filters_from_dict(
        {"status": ["new", "in_progress"], "channel": "phone", "item": 3, "limit": "50"}
    )
    assert parsed.status == ("new", "in_progress")
    assert parsed.channel == "phone" and parsed.item == 3

    with pytest.raises(ValidationError) as caught:
        filters.filters_from_dict({"status": "nope", "sla": "red"})
    assert set(caught.value.message_dict) == {"status", "sla"}


def test_canonical_query_strings_round_trip():
    text = (
        "status=new&status=waiting&type=complaint&channel=phone&priority=high&item=4&customer=9"
        "&assignee=none&team=2&sla=breached&tag=VIP&created_from=2026-01-01"
        "&created_to=2026-01-31&q=%E7%99%BB%E5%BD%95&ordering=priority"
    )
    parsed, errors = filters.parse(q(text))

    assert errors == {}
    again, _ = filters.parse(q(parsed.to_query()))
    assert again == parsed


# --- applying ---------------------------------------------------------------------------------


@pytest.fixture
def tickets(personas):
    """Four tickets with different fields, all visible to a manager (measured by the checklist
    alone: no default targets)."""
    no_default_targets()
    make_calendar()
    hotline = make_service(personas.alice, name="热线电话服务")
    visit = make_service(personas.charlie, name="上门巡检")
    created = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)
    a = make_ticket(
        personas.mia,
        hotline,
        title="无法登录系统",
        customer=personas.customer_a,
        priority="high",
        tags=["VIP"],
        now=created,
    )
    b = make_ticket(
        personas.mia,
        visit,
        title="打印机卡纸",
        channel="email",
        type="incident",
        customer=personas.customer_b,
        now=created + timedelta(days=1),
    )
    c = make_ticket(
        personas.mia,
        hotline,
        title="投诉：态度不好",
        type="complaint",
        priority="urgent",
        now=created + timedelta(days=2),
    )
    d = make_ticket(personas.mia, None, title="建议增加夜班", type="suggestion", channel="chat")
    Ticket.objects.filter(pk=d.pk).update(created_at=created + timedelta(days=3))
    Ticket.objects.filter(pk=a.pk).update(external_id="OLD-77")
    return a, b, c, d


def titles(qs):
    return [t.title for t in qs]


def run(text, personas, now=NOW):
    parsed, errors = filters.parse(q(text), user=personas.alice)
    assert errors == {}
    return titles(filters.apply(Ticket.objects.all(), parsed, now))


def test_without_filters_the_newest_ticket_comes_first(personas, tickets):
    assert run("", personas) == ["建议增加夜班", "投诉：态度不好", "打印机卡纸", "无法登录系统"]
    assert run("ordering=created_at", personas)[0] == "无法登录系统"


def test_filters_narrow_by_field(personas, tickets):
    b = tickets[1]
    assert run("type=complaint", personas) == ["投诉：态度不好"]
    assert run("channel=email", personas) == ["打印机卡纸"]
    assert run("priority=urgent", personas) == ["投诉：态度不好"]
    assert run(f"item={b.item_id}", personas) == ["打印机卡纸"]
    assert run(f"customer={personas.customer_a.pk}", personas) == ["无法登录系统"]
    assert run(f"team={personas.tech_team.pk}", personas) == ["打印机卡纸"]
    assert run("tag=VIP", personas) == ["无法登录系统"]
    assert run("tag=vip-none", personas) == []


def test_assignee_filters_mean_me_nobody_or_one_person(personas, tickets):
    assert run("assignee=me", personas) == ["投诉：态度不好", "无法登录系统"]
    assert run("assignee=none", personas) == ["建议增加夜班"]
    assert run(f"assignee={personas.charlie.pk}", personas) == ["打印机卡纸"]


def test_created_dates_are_whole_days_in_the_local_time_zone(personas, tickets):
    with timezone.override(TZ):
        assert run("created_from=2026-11-03&created_to=2026-11-04", personas) == [
            "投诉：态度不好",
            "打印机卡纸",
        ]


def test_text_search_finds_title_number_and_external_id(personas, tickets):
    b = tickets[1]
    assert run("q=登录", personas) == ["无法登录系统"]
    assert run(f"q=%23{b.pk}", personas) == ["打印机卡纸"]
    assert run(f"q={b.pk}", personas) == ["打印机卡纸"]
    assert run("q=OLD-77", personas) == ["无法登录系统"]


def test_priority_ordering_puts_urgent_first_then_newest(personas, tickets):
    assert run("ordering=priority", personas) == [
        "投诉：态度不好",
        "无法登录系统",
        "建议增加夜班",
        "打印机卡纸",
    ]


def test_due_orderings_put_tickets_without_a_target_last(personas, tickets):
    ordered = run("ordering=resolution_due_at", personas)
    assert ordered[-1] == "建议增加夜班"  # no service item, so no target


def test_sla_filter_selects_tickets_by_their_stored_clocks(personas, tickets):
    a, b, c, d = tickets
    Ticket.objects.filter(pk=a.pk).update(resolution_breached=True)
    just_after_the_first = datetime(2026, 11, 2, 10, 5, tzinfo=TZ)

    assert run("sla=breached", personas, just_after_the_first) == [a.title]
    assert run("sla=ok", personas, just_after_the_first) == [c.title]
    # e-mail has no standard on that service, and d has no service at all
    assert run("sla=no_clock", personas, just_after_the_first) == [d.title, b.title]
    assert run("sla=none", personas, just_after_the_first) == []  # cancelled tickets only
    # three weeks later the complaint's clocks have run out too
    assert run("sla=breached", personas) == [c.title, a.title]


# --- one ticket's SLA state agrees with the SQL filter ------------------------------------------


def test_the_badge_state_agrees_with_the_sql_filter_for_every_combination(personas):
    before, after = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    rows = []
    combos = itertools.product(
        Status.values,
        (None, 1800),  # response target
        (None, before, after),  # response due
        (None, before, after),  # resolution due / warn
        (False, True),  # breached flag
        (None, before),  # first response at
    )
    for status, target, response_due, resolution_due, breached, responded in combos:
        rows.append(
            Ticket(
                title="x",
                channel="phone",
                status=status,
                response_target_seconds=target,
                resolution_target_seconds=None,
                response_due_at=response_due,
                response_warn_at=response_due and response_due - timedelta(minutes=30),
                resolution_due_at=resolution_due,
                resolution_warn_at=resolution_due and resolution_due - timedelta(minutes=30),
                response_breached=breached,
                first_response_at=responded,
            )
        )
    personas.alice  # noqa: B018 (a user exists, as in real data)
    created = Ticket.objects.bulk_create(rows)
    by_sql = {}
    for state in SlaState.values:
        for pk in Ticket.objects.in_sla_state(state, NOW).values_list("pk", flat=True):
            assert pk not in by_sql, "a ticket is in one SLA state only"
            by_sql[pk] = state

    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in created]):
        assert filters.sla_state(ticket, NOW) == by_sql[ticket.pk], ticket.__dict__
