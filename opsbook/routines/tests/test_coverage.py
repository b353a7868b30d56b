"""Coverage numbers against rows counted by hand, late and on time at the exact due time."""

from datetime import UTC, date, datetime

import pytest

from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.coverage import coverage, totals
from opsbook.routines.models import Occurrence

from . import ui_helpers
from .ui_helpers import NOW, make_occurrence

scene = ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db

DONE = OccurrenceStatus.DONE
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def march(scene, personas):
    """Alice's recurring content due in March 2026 (each due at 18:00 Shanghai, 10:00 UTC),
    Bob's on-demand work, one in April and one of another item. NOW is 03-11 09:00."""
    alice, bob = personas.alice, personas.bob
    numbers = iter(range(1, 100))

    def due(day: int, content=None, month: int = 3, **fields):
        fields.setdefault("assignee", alice)
        return make_occurrence(
            content or scene.content,
            due_on=date(2026, month, day),
            index=next(numbers),
            period=(date(2026, month, 1), date(2026, month, 28)),
            **fields,
        )

    return {
        # done exactly at the due time: on time; one second after: late
        "at_due": due(2, status=DONE, completed_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
        "after_due": due(3, status=DONE, completed_at=datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC)),
        "early": due(4, status=DONE, completed_at=datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),
        "skipped": due(5, status=OccurrenceStatus.SKIPPED, completed_at=NOW),
        "missed": due(6, status=OccurrenceStatus.MISSED),
        "open_late": due(9),  # due 03-09 18:00
        "open": due(20),
        "cancelled": due(21, status=OccurrenceStatus.CANCELLED),
        "bobs": due(12, scene.on_demand, assignee=bob, status=DONE, completed_at=NOW),
        "april": due(2, month=4),
        "other_item": due(3, scene.other_content, assignee=personas.charlie),
    }


def _as_dict(rows):
    return {
        row.key: (
            row.planned,
            row.done_on_time,
            row.done_late,
            row.skipped,
            row.missed,
            row.open,
            row.late,
        )
        for row in rows
    }


def test_per_content_each_row_is_counted_by_hand(scene, march):
    rows = coverage(Occurrence.objects.filter(content__item=scene.item), *MARCH, "content", now=NOW)
    #                       planned  on time  late  skipped  missed  open  late-open
    assert _as_dict(rows) == {
        scene.content.pk: (7, 2, 1, 1, 1, 2, 1),
        scene.on_demand.pk: (1, 1, 0, 0, 0, 0, 0),
    }


def test_done_exactly_at_the_due_time_is_on_time_and_a_second_later_is_late(scene, march):
    at_due = Occurrence.objects.filter(pk=march["at_due"].pk)
    after = Occurrence.objects.filter(pk=march["after_due"].pk)
    [on_time] = coverage(at_due, *MARCH, now=NOW)
    [late] = coverage(after, *MARCH, now=NOW)
    assert (on_time.done_on_time, on_time.done_late) == (1, 0)
    assert (late.done_on_time, late.done_late) == (0, 1)


def test_per_owner_counts_by_assignee(scene, personas, march):
    rows = coverage(Occurrence.objects.filter(content__item=scene.item), *MARCH, "owner", now=NOW)
    assert _as_dict(rows) == {
        personas.alice.pk: (7, 2, 1, 1, 1, 2, 1),
        personas.bob.pk: (1, 1, 0, 0, 0, 0, 0),
    }
    assert {row.label for row in rows} == {"张三", "李四"}


def test_per_item_and_the_total(scene, march):
    rows = coverage(Occurrence.objects.all(), *MARCH, "item", now=NOW)
    assert _as_dict(rows) == {
        scene.item.pk: (8, 3, 1, 1, 1, 2, 1),
        scene.other_item.pk: (1, 0, 0, 0, 0, 1, 1),
    }
    total = totals(Occurrence.objects.all(), *MARCH, now=NOW)
    assert (total.planned, total.done_on_time, total.open) == (9, 3, 3)
    # done 4 of the 6 that are no longer open
    assert total.rate == round(100 * 4 / 6, 1)


def test_it_is_one_query(scene, march, django_assert_num_queries):
    with django_assert_num_queries(1):
        coverage(Occurrence.objects.all(), *MARCH, "owner", now=NOW)


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="coverage by"):
        coverage(Occurrence.objects.none(), *MARCH, "team", now=NOW)  # type: ignore[arg-type]
