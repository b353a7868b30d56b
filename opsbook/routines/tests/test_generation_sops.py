"""Occurrences of content with a procedure (SOP) carry their own run of its steps."""

from datetime import date

import pytest

from opsbook.routines.generation import generate
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_office_calendar, make_routine
from opsbook.sops.testing import make_procedure

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 9, 14), 8)


@pytest.fixture
def calendar(settings):
    settings.ROUTINES_HORIZON_DAYS = 14
    return make_office_calendar()


def test_each_new_occurrence_gets_a_run_of_the_contents_procedure(calendar, personas):
    content = make_routine(personas.alice, frequency_text="每周一")
    make_procedure("机房巡检流程", contents=[content])

    generate(NOW)

    occurrences = list(Occurrence.objects.filter(content=content).select_related("sop_run"))
    assert len(occurrences) == 2
    runs = {o.sop_run_id for o in occurrences}
    assert None not in runs and len(runs) == 2
    first = occurrences[0].sop_run
    assert first is not None
    assert first.version.procedure.name == "机房巡检流程"
    assert first.calendar == calendar
    assert first.step_runs.count() == 3


def test_the_runs_clocks_start_on_the_morning_of_the_due_day(calendar, personas):
    content = make_routine(personas.alice, frequency_text="每周一")
    make_procedure("机房巡检流程", contents=[content])

    generate(NOW)

    later = Occurrence.objects.get(content=content, due_on=date(2026, 9, 21)).sop_run
    today = Occurrence.objects.get(content=content, due_on=date(2026, 9, 14)).sop_run
    assert later is not None and today is not None
    assert later.started_at == at(date(2026, 9, 21), 9)
    assert today.started_at == at(date(2026, 9, 14), 9)


def test_a_procedure_on_the_item_serves_its_content(calendar, personas):
    content = make_routine(personas.alice, frequency_text="每周一")
    make_procedure("通用流程", items=[content.item])

    generate(NOW)

    assert not Occurrence.objects.filter(content=content, sop_run__isnull=True).exists()


def test_content_without_a_procedure_gets_no_run_and_no_extra_queries(
    calendar, personas, django_assert_max_num_queries
):
    make_routine(personas.alice, frequency_text="工作日每天")

    with django_assert_max_num_queries(25):  # PostgreSQL: the staging table adds 4
        generate(NOW)

    assert not Occurrence.objects.filter(sop_run__isnull=False).exists()
