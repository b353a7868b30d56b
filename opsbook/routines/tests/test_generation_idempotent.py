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


def test_an_unchanged_content_only_gets_the_days_newly_in_the_horizon(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    content = make_routine(personas.alice, frequency_text="工作日每天")
    generate(NOW)
    Occurrence.objects.filter(content=content, due_on=date(2026, 9, 16)).delete()

    daily = generate(at(date(2026, 9, 15), 8))
    full = generate(at(date(2026, 9, 15), 8), full=True)

    assert daily.created == 1  # Monday 21st only: the daily run trusts what it made before
    assert full.created == 1  # a full run puts back what went missing


def test_the_daily_run_follows_a_change_no_signal_announced(calendar, personas, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    team = personas.support_team
    team.lead = personas.bob
    team.save()
    content = make_routine(team, frequency_text="工作日每天")
    generate(NOW)

    team.lead = personas.alice  # saved without any service: no contents_changed
    team.save()
    result = generate(at(date(2026, 9, 15), 8))

    assert (result.updated, result.created) == (5, 1)  # 15th–18th and 20th (调休); 21st new
    assert set(
        Occurrence.objects.filter(content=content, due_on__gte=date(2026, 9, 15)).values_list(
            "assignee__username", flat=True
        )
    ) == {"alice"}
