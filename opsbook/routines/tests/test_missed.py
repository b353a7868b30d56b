"""Late and missed: an open occurrence past its due time is late; one whose period has ended
(on its calendar's date) is missed, once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from opsbook.calendars.services import do_create_calendar
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.jobs import mark_missed
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_occurrence, make_office_calendar, make_routine

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 9, 14)


@pytest.fixture
def content(personas):
    make_office_calendar()
    return make_routine(personas.alice)


def test_an_open_occurrence_past_its_due_time_is_late(content):
    occurrence = make_occurrence(content, MONDAY)

    assert list(Occurrence.objects.late(at(MONDAY, 18, 1))) == [occurrence]
    assert not Occurrence.objects.late(at(MONDAY, 17, 59)).exists()


def test_done_and_skipped_occurrences_are_never_late(content):
    make_occurrence(content, MONDAY, status=OccurrenceStatus.DONE)
    make_occurrence(content, MONDAY, status=OccurrenceStatus.SKIPPED, index=2)

    assert not Occurrence.objects.late(at(MONDAY, 20)).exists()


def test_an_occurrence_is_missed_once_its_period_has_ended(content):
    occurrence = make_occurrence(content, MONDAY, period_end=date(2026, 9, 20))

    assert mark_missed(at(date(2026, 9, 20), 23, 59)) == 0
    assert mark_missed(at(date(2026, 9, 21), 0, 1)) == 1
    assert mark_missed(at(date(2026, 9, 21), 0, 2)) == 0

    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.MISSED


def test_done_skipped_and_cancelled_occurrences_are_not_missed(content):
    for index, status in enumerate(
        [OccurrenceStatus.DONE, OccurrenceStatus.SKIPPED, OccurrenceStatus.CANCELLED], 1
    ):
        make_occurrence(content, MONDAY, status=status, index=index)

    assert mark_missed(at(date(2026, 9, 30))) == 0


def test_the_period_ends_on_the_calendars_own_date(personas):
    make_office_calendar()
    berlin = do_create_calendar(None, name="柏林办公室", time_zone="Europe/Berlin")
    content = make_routine(personas.alice, calendar=berlin)
    make_occurrence(content, MONDAY)
    # 05:00 on Tuesday in Shanghai is still Monday 23:00 in Berlin.
    tuesday_in_shanghai = datetime(2026, 9, 15, 5, tzinfo=ZoneInfo("Asia/Shanghai"))

    assert mark_missed(tuesday_in_shanghai) == 0
    assert mark_missed(datetime(2026, 9, 15, 0, 1, tzinfo=ZoneInfo("Europe/Berlin"))) == 1
