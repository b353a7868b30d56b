"""``setup`` for the scheduler processes of test_workers_at_scale_postgres: the generation of
occurrences and the outbox, each due every second (in production daily at 01:30 and every 10
seconds), so that many slots of both are claimed, and run by many workers, within the test."""

from opsbook.jobs.schedule import registry
from opsbook.notify.jobs import send_outbox
from opsbook.routines.jobs import generate_occurrences_task

GENERATE = "scale-generate-occurrences"
OUTBOX = "scale-send-outbox"


def add_fast_schedules() -> None:
    registry.every(seconds=1, name=GENERATE)(generate_occurrences_task)
    registry.every(seconds=1, name=OUTBOX)(send_outbox)
