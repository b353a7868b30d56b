"""Generation is idempotent and set-based: a second run creates nothing, and the number of
queries does not grow with the number of contents or occurrences."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbook.catalog.models import ServiceContent
from opsbook.routines.generation import generate
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_office_calendar, make_routine

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 9, 14), 8)


@pytest.fixture
def calendar():
    return make_office_calendar()


def test_a_second_run_creates_updates_and_cancels_nothing(calendar, personas):
    make_routine(personas.alice, frequency_text="每周两次")
    make_routine(personas.bob, frequency_text="工作日每天")
    first = generate(NOW)

    second = generate(NOW)

    assert first.created == Occurrence.objects.count() > 0
    assert (second.created, second.updated, second.cancelled) == (0, 0, 0)


def test_a_later_run_adds_only_the_days_the_horizon_now_reaches(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    content = make_routine(personas.alice, frequency_text="工作日每天")
    generate(NOW)

    result = generate(at(date(2026, 9, 15), 8))

    assert result.created == 1  # Monday 21 September
    assert Occurrence.objects.filter(content=content).count() == 7  # Sunday 20th is 调休


def test_occurrences_made_by_another_worker_are_not_made_twice(calendar, personas):
    content = make_routine(personas.alice, frequency_text="每周一")
    generate(NOW, contents=[content])
    rows = Occurrence.objects.count()
    owners = Occurrence.owners.through.objects.count()

    # A worker that read the occurrences before the first one committed inserts the same keys.
    result = generate(NOW, contents=[content.pk])

    assert result.created == 0
    assert Occurrence.objects.count() == rows
    assert Occurrence.owners.through.objects.count() == owners


def queries_of(run):
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_contents_or_occurrences(calendar, personas):
    make_routine(personas.alice, frequency_text="每周一")
    few = queries_of(lambda: generate(NOW))
    Occurrence.objects.all().delete()
    item = ServiceContent.objects.get().item
    for n in range(30):
        make_routine(personas.alice, item, frequency_text="工作日每天" if n % 2 else "每日两次")

    many = queries_of(lambda: generate(NOW))

    rows = Occurrence.objects.count()
    assert rows > 1500
    # Only more batches: INSERTs of 400 occurrences, owners 2,000 at a time.
    assert many <= few + rows // 400 + rows // 2000 + 1
    assert queries_of(lambda: generate(NOW)) <= few
