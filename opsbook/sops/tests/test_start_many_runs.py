"""The routines generator starts many runs at once: the same result as one by one, in a fixed
number of queries, and the content's procedure is found for many content in two queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from opsbook.catalog.testing import make_content, make_item
from opsbook.sops import services
from opsbook.sops.testing import make_office_calendar, make_procedure, step

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_many_runs_start_like_one_in_a_fixed_number_of_queries(
    personas, django_assert_max_num_queries
):
    office = make_office_calendar()
    procedure = make_procedure(steps=[step("巡检", time_limit_minutes=90), step("记录")])
    starts = [datetime(2026, 9, 30, 11, 0, tzinfo=SH), datetime(2026, 10, 9, 20, 0, tzinfo=SH)]
    services.start_runs(procedure, calendar=office, starts=starts[:1])

    with django_assert_max_num_queries(8):
        runs = services.start_runs(procedure, calendar=office, starts=starts * 20)

    assert len(runs) == 40
    single = services.do_start_run(procedure, calendar=office, now=starts[1])
    for run, start in ((runs[0], starts[0]), (runs[1], starts[1])):
        first, second = run.step_runs.order_by("step__position")
        assert first.started_at == start and second.started_at is None
    assert runs[0].step_runs.get(step__position=1).due_at == datetime(2026, 9, 30, 14, 0, tzinfo=SH)
    assert (
        runs[1].step_runs.get(step__position=1).due_at
        == single.step_runs.get(step__position=1).due_at
        == datetime(2026, 10, 10, 10, 30, tzinfo=SH)
    )


def test_the_procedures_of_many_contents_are_found_in_two_queries(
    personas, django_assert_num_queries
):
    item, other_item = make_item(personas.alice), make_item(name="上门巡检")
    own, inherits = make_content(item), make_content(item, name="夜间")
    bare = make_content(other_item)
    whole = make_procedure("整体", items=[item])
    special = make_procedure("专用", contents=[own])
    retired = make_procedure("停用", contents=[inherits])
    services.do_set_procedure_active(None, retired, False)

    with django_assert_num_queries(2):
        found = services.procedures_for_contents([own, inherits, bare])

    assert found == {own.pk: special, inherits.pk: whole}
    for content in (own, inherits, bare):
        assert found.get(content.pk) == services.procedure_for_content(content)
