"""Generation: the checklist's recurring content becomes occurrences over the horizon."""

from datetime import date, datetime, time

import pytest

from opsbook.catalog.models import Ownership
from opsbook.routines.choices import OccurrenceStatus, Source
from opsbook.routines.generation import generate
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import SHANGHAI, at, make_office_calendar, make_routine

pytestmark = pytest.mark.django_db

# Monday 14 September 2026, 08:00 in Shanghai.
NOW = at(date(2026, 9, 14), 8)


@pytest.fixture
def calendar():
    return make_office_calendar()


def due_days(content):
    return list(
        Occurrence.objects.filter(content=content)
        .order_by("due_on")
        .values_list("due_on", flat=True)
    )


def test_a_weekly_content_is_due_each_monday_over_the_horizon(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 20
    content = make_routine(personas.alice, frequency_text="每周一")

    result = generate(NOW)

    assert due_days(content) == [date(2026, 9, 14), date(2026, 9, 21), date(2026, 9, 28)]
    assert result.created == 3


def test_a_due_day_on_a_holiday_moves_to_the_previous_working_day(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 30
    content = make_routine(personas.alice, frequency_text="每周一")

    generate(NOW)

    # Monday 5 October is National Day: the week's working days are Thursday 8, Friday 9 and
    # Saturday 10 (调休), so "previous" finds none before it in the week and takes the next.
    octobers = [d for d in due_days(content) if d.month == 10]
    assert octobers[0] == date(2026, 10, 8)
    occurrence = Occurrence.objects.get(content=content, due_on=date(2026, 10, 8))
    assert occurrence.planned_on == date(2026, 10, 5)
    assert occurrence.period_start == date(2026, 10, 5)
    assert occurrence.period_end == date(2026, 10, 11)


def test_due_at_is_the_end_of_the_due_days_last_working_window(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    content = make_routine(personas.alice, frequency_text="每周一", effort_minutes=45)

    generate(NOW)

    occurrence = Occurrence.objects.get(content=content, due_on=date(2026, 9, 14))
    assert occurrence.due_at == datetime(2026, 9, 14, 18, tzinfo=SHANGHAI)
    assert occurrence.source == Source.SCHEDULE
    assert occurrence.status == OccurrenceStatus.OPEN
    assert occurrence.effort_minutes == 45


def test_keep_puts_a_weekend_due_day_at_the_end_of_that_day(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    content = make_routine(personas.alice, frequency_text="每周六", due_shift="keep")

    generate(NOW)

    occurrence = Occurrence.objects.get(content=content)
    assert occurrence.due_on == date(2026, 9, 19)
    assert occurrence.due_at == datetime(2026, 9, 20, 0, tzinfo=SHANGHAI)


def test_the_window_starts_at_the_content_start_and_stops_at_its_end(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 60
    content = make_routine(
        personas.alice,
        frequency_text="每周一",
        start_date=date(2026, 9, 22),
        end_date=date(2026, 10, 19),
    )

    generate(NOW)

    assert due_days(content) == [date(2026, 9, 28), date(2026, 10, 8), date(2026, 10, 12),
                                 date(2026, 10, 19)]  # fmt: skip


def test_work_already_past_its_due_time_today_is_not_created(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 8
    content = make_routine(personas.alice, frequency_text="每周一")

    generate(at(date(2026, 9, 14), 19))

    assert due_days(content) == [date(2026, 9, 21)]


def test_on_demand_draft_and_retired_content_produce_nothing(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 14
    make_routine(personas.alice, frequency_text="按需")
    make_routine(personas.alice, frequency_text="每周一", status="draft")
    make_routine(personas.alice, frequency_text="每周一", status="retired")

    result = generate(NOW)

    assert result.created == 0
    assert not Occurrence.objects.exists()


def test_content_of_a_draft_item_produces_nothing(calendar, personas, settings):
    from opsbook.catalog.testing import make_item

    item = make_item(status="draft", name="草稿服务")
    make_routine(personas.alice, item, frequency_text="每周一")

    assert generate(NOW).created == 0


def test_the_primary_user_is_the_assignee_and_every_user_owner_an_owner(
    calendar, personas, settings
):
    settings.ROUTINES_HORIZON_DAYS = 7
    content = make_routine(
        owners=[
            Ownership(user=personas.bob),
            Ownership(user=personas.alice, is_primary=True),
            Ownership(team=personas.tech_team),
        ],
        frequency_text="每周一",
    )

    generate(NOW)

    occurrence = Occurrence.objects.get(content=content)
    assert occurrence.assignee == personas.alice
    assert set(occurrence.owners.all()) == {personas.alice, personas.bob}
    assert occurrence.team == personas.tech_team


def test_a_team_owner_gives_the_team_and_its_lead_is_the_assignee(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    team = personas.support_team
    team.lead = personas.bob
    team.save()
    content = make_routine(team, frequency_text="每周一")

    generate(NOW)

    occurrence = Occurrence.objects.get(content=content)
    assert occurrence.team == team
    assert occurrence.assignee == personas.bob
    assert list(occurrence.owners.all()) == []


def test_content_without_owners_follows_its_items_owners(calendar, personas, settings):
    from opsbook.catalog.testing import make_item

    settings.ROUTINES_HORIZON_DAYS = 7
    item = make_item(personas.bob, name="有负责人的服务")
    content = make_routine(None, item, frequency_text="每周一")

    generate(NOW)

    assert Occurrence.objects.get(content=content).assignee == personas.bob


def test_an_inactive_owner_is_left_out(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    content = make_routine(
        owners=[Ownership(user=personas.alice, is_primary=True), Ownership(user=personas.bob)],
        frequency_text="每周一",
    )
    personas.alice.is_active = False
    personas.alice.save()

    generate(NOW)

    occurrence = Occurrence.objects.get(content=content)
    assert occurrence.assignee == personas.bob
    assert list(occurrence.owners.all()) == [personas.bob]


def test_a_content_on_its_own_calendar_follows_that_calendar(calendar, personas, settings):
    from opsbook.calendars.services import do_create_calendar

    settings.ROUTINES_HORIZON_DAYS = 7
    weekend = do_create_calendar(
        None,
        name="周末值班",
        time_zone="Asia/Shanghai",
        windows=[(6, time(10), time(16)), (7, time(10), time(16))],
    )
    content = make_routine(personas.alice, frequency_text="每周两次", calendar=weekend)

    generate(NOW)

    assert due_days(content) == [date(2026, 9, 19), date(2026, 9, 20)]
    assert Occurrence.objects.get(content=content, index=2).due_at == datetime(
        2026, 9, 20, 16, tzinfo=SHANGHAI
    )


def test_without_any_calendar_nothing_is_generated_and_the_reason_is_given(personas, settings):
    content = make_routine(personas.alice, frequency_text="每周一")

    result = generate(NOW)

    assert result.created == 0
    assert content.pk in result.unschedulable


def test_a_dry_run_counts_and_writes_nothing(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 14
    make_routine(personas.alice, frequency_text="每周一")

    result = generate(NOW, dry_run=True)

    assert result.created == 2
    assert not Occurrence.objects.exists()


def test_a_stored_frequency_that_cannot_be_read_is_reported_and_the_rest_goes_on(
    calendar, personas, settings
):
    from opsbook.catalog.models import ServiceContent

    settings.ROUTINES_HORIZON_DAYS = 7
    broken = make_routine(personas.alice, frequency_text="每周一")
    fine = make_routine(personas.alice, frequency_text="每周二")
    ServiceContent.objects.filter(pk=broken.pk).update(frequency={"kind": "recurring"})

    result = generate(NOW)

    assert broken.pk in result.unschedulable
    assert due_days(broken) == []
    assert due_days(fine) == [date(2026, 9, 15)]


def test_future_occurrences_of_content_that_became_unschedulable_are_cancelled(
    calendar, personas, settings
):
    from opsbook.catalog.models import ServiceContent

    settings.ROUTINES_HORIZON_DAYS = 7
    content = make_routine(personas.alice, frequency_text="每周一")
    generate(NOW)
    ServiceContent.objects.filter(pk=content.pk).update(frequency={"kind": "recurring"})

    result = generate(NOW, contents=[content])

    assert result.cancelled == 1
    assert Occurrence.objects.get(content=content).status == OccurrenceStatus.CANCELLED
