"""Many workers generating at once, against PostgreSQL: every slot is created once, with its
owners once, and the counts of all workers add up to one run's."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from opsbook.catalog.models import Ownership
from opsbook.routines.generation import generate
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_office_calendar, make_routine

NOW = at(date(2026, 9, 14), 8)
WORKERS = 6

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def test_workers_generating_at_once_create_each_occurrence_once(personas):
    make_office_calendar()
    item = None
    for n in range(12):
        content = make_routine(
            owners=[Ownership(user=personas.alice, is_primary=True), Ownership(user=personas.bob)],
            item=item,
            frequency_text=("工作日每天", "每周两次", "每日")[n % 3],
        )
        item = content.item
    # Saving content committed and rescheduled it already (contents_changed): start empty.
    Occurrence.objects.all().delete()
    barrier = threading.Barrier(WORKERS)
    results, errors = [], []

    def work():
        try:
            barrier.wait()
            results.append(generate(NOW))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = Occurrence.objects.count()
    assert rows > 400
    assert sum(r.created for r in results) == rows
    keys = Occurrence.objects.values_list("content_id", "period_start", "index")
    assert len(set(keys)) == rows
    assert Occurrence.owners.through.objects.count() == 2 * rows
    assert generate(NOW).created == 0
