"""Rescheduling: changing a content's frequency, owners, calendar, due shift or status moves
its future open occurrences and never touches done, skipped or missed ones."""

from datetime import date

import pytest

from opsbook.calendars.services import do_set_exception
from opsbook.catalog import services as catalog
from opsbook.catalog.models import Ownership
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.generation import generate
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_office_calendar, make_routine

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 9, 14), 8)  # Monday


@pytest.fixture
def calendar(time_machine, settings):
    settings.ROUTINES_HORIZON_DAYS = 14
    time_machine.move_to(NOW, tick=False)
    return make_office_calendar()


@pytest.fixture
def weekly(calendar, personas):
    content = make_routine(personas.alice, frequency_text="每周一")
    generate(NOW)
    return content


def open_days(content):
    return list(
        Occurrence.objects.filter(content=content, status=OccurrenceStatus.OPEN)
        .order_by("due_on")
        .values_list("due_on", flat=True)
    )


def test_a_new_day_in_the_same_period_moves_the_occurrence(
    weekly, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(None, weekly, frequency_text="每周三")

    assert open_days(weekly) == [date(2026, 9, 16), date(2026, 9, 23)]
    assert Occurrence.objects.filter(content=weekly).count() == 2


def test_a_new_frequency_cancels_the_slots_it_no_longer_has_and_creates_its_own(
    calendar, personas, django_capture_on_commit_callbacks
):
    content = make_routine(personas.alice, frequency_text="每周两次")
    generate(NOW)

    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(None, content, frequency_text="每月5日前")

    # Twice a week was due on 16, 20 (调休), 22 and 25 September; by the 5th of each month is
    # next due on 2 October (5 October is National Day), beyond the 14-day horizon.
    assert open_days(content) == []
    cancelled = Occurrence.objects.filter(content=content, status=OccurrenceStatus.CANCELLED)
    assert sorted(cancelled.values_list("due_on", flat=True)) == [
        date(2026, 9, 16),
        date(2026, 9, 20),
        date(2026, 9, 22),
        date(2026, 9, 24),
    ]


def test_done_skipped_and_missed_occurrences_are_never_touched(
    weekly, django_capture_on_commit_callbacks, personas
):
    first, second = Occurrence.objects.filter(content=weekly).order_by("due_on")
    Occurrence.objects.filter(pk=first.pk).update(
        status=OccurrenceStatus.DONE, completed_at=NOW, completed_by=personas.alice
    )
    Occurrence.objects.filter(pk=second.pk).update(status=OccurrenceStatus.SKIPPED)

    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(
            None,
            weekly,
            frequency_text="每周三",
            parts=catalog.Parts(owners=[Ownership(user=personas.bob, is_primary=True)]),
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.assignee, first.due_on) == (
        OccurrenceStatus.DONE,
        personas.alice,
        date(2026, 9, 14),
    )
    assert (second.status, second.assignee) == (OccurrenceStatus.SKIPPED, personas.alice)
    assert list(second.owners.all()) == [personas.alice]


def test_new_owners_take_over_the_future_open_occurrences(
    weekly, django_capture_on_commit_callbacks, personas
):
    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(
            None,
            weekly,
            parts=catalog.Parts(
                owners=[
                    Ownership(user=personas.bob, is_primary=True),
                    Ownership(user=personas.alice),
                ]
            ),
        )

    for occurrence in Occurrence.objects.filter(content=weekly):
        assert occurrence.assignee == personas.bob
        assert set(occurrence.owners.all()) == {personas.alice, personas.bob}


def test_an_overdue_open_occurrence_keeps_its_owner(
    weekly, django_capture_on_commit_callbacks, personas, time_machine
):
    later = at(date(2026, 9, 15), 8)  # Monday's occurrence is now overdue
    time_machine.move_to(later, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(
            None,
            weekly,
            parts=catalog.Parts(owners=[Ownership(user=personas.bob, is_primary=True)]),
        )

    late = Occurrence.objects.get(content=weekly, due_on=date(2026, 9, 14))
    ahead = Occurrence.objects.get(content=weekly, due_on=date(2026, 9, 21))
    assert (late.status, late.assignee) == (OccurrenceStatus.OPEN, personas.alice)
    assert ahead.assignee == personas.bob


def test_retiring_content_cancels_its_future_open_occurrences(
    weekly, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_retire_content(None, weekly)

    assert open_days(weekly) == []
    assert Occurrence.objects.filter(content=weekly, status=OccurrenceStatus.CANCELLED).count() == 2


def test_retiring_the_item_cancels_its_contents_occurrences(
    weekly, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_retire_item(None, weekly.item)

    assert open_days(weekly) == []


def test_an_end_date_cancels_what_lies_after_it(weekly, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(None, weekly, end_date=date(2026, 9, 18))

    assert open_days(weekly) == [date(2026, 9, 14)]


def test_content_made_active_again_reopens_its_cancelled_occurrences(
    weekly, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(None, weekly, status="draft")
    assert open_days(weekly) == []

    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(None, weekly, status="active")

    assert open_days(weekly) == [date(2026, 9, 14), date(2026, 9, 21)]
    assert Occurrence.objects.filter(content=weekly).count() == 2


def test_a_new_holiday_on_the_calendar_moves_the_due_day(
    weekly, calendar, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_set_exception(None, calendar, date=date(2026, 9, 21), kind="holiday", name="停电")

    occurrence = Occurrence.objects.get(content=weekly, period_start=date(2026, 9, 21))
    assert (occurrence.planned_on, occurrence.due_on) == (date(2026, 9, 21), date(2026, 9, 22))
    assert occurrence.status == OccurrenceStatus.OPEN


def test_a_new_due_shift_moves_the_due_day(calendar, personas, django_capture_on_commit_callbacks):
    content = make_routine(personas.alice, frequency_text="每周六")
    generate(NOW)
    # Friday 18th, and Thursday 24th (Friday 25th is the Mid-Autumn Festival).
    assert open_days(content) == [date(2026, 9, 18), date(2026, 9, 24)]

    with django_capture_on_commit_callbacks(execute=True):
        catalog.do_update_content(None, content, due_shift="keep")

    assert open_days(content) == [date(2026, 9, 19), date(2026, 9, 26)]
    assert Occurrence.objects.filter(content=content).count() == 2  # moved, not replaced


def test_a_moved_occurrence_is_reminded_again(weekly, calendar, django_capture_on_commit_callbacks):
    ahead = Occurrence.objects.get(content=weekly, due_on=date(2026, 9, 21))
    Occurrence.objects.filter(pk=ahead.pk).update(reminded_at=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        do_set_exception(None, calendar, date=date(2026, 9, 21), kind="holiday", name="停电")

    ahead.refresh_from_db()
    assert ahead.reminded_at is None
