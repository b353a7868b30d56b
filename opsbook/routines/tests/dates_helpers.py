"""What the due-date tests share: the China calendar seeded into the database the way the
calendar tests seed it (``do_sync_china_calendar``), read once per module with
``working_days`` and then used without the database, and a short way to ask for due dates."""

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from opsbook.calendars.sync import do_sync_china_calendar
from opsbook.catalog.frequency import parse_frequency
from opsbook.routines.dates import Due, Shift, WorkingDays, due_dates, working_days

FIRST, LAST = date(2024, 1, 1), date(2028, 12, 31)


@pytest.fixture(scope="module")
def china(django_db_setup, django_db_blocker: DjangoDbBlocker) -> Iterator[WorkingDays]:
    """中国大陆工作日 synced from chinesecalendar into the test database (rolled back at once),
    as the generator reads it: ``working_days(None, ...)`` on the default calendar."""
    with django_db_blocker.unblock(), transaction.atomic():
        do_sync_china_calendar()
        days = working_days(None, FIRST, LAST)
        transaction.set_rollback(True)
    yield days


def d(text: str) -> date:
    """``d("2026-10-08")``; ``d("10-08")`` is in 2026."""
    return date.fromisoformat(text if len(text) == 10 else f"2026-{text}")


def due(
    phrase: str,
    days: WorkingDays,
    start: str,
    end: str,
    *,
    shift: Shift = Shift.PREVIOUS,
    anchor: str | None = None,
) -> list[Due]:
    return due_dates(
        parse_frequency(phrase),
        days,
        d(start),
        d(end),
        shift=shift,
        anchor=d(anchor) if anchor else None,
    )


def dues(phrase: str, days: WorkingDays, start: str, end: str, **kwargs) -> list[str]:
    """The due dates only, as ``MM-DD`` (or ``YYYY-MM-DD`` outside 2026)."""
    return [_short(o.due) for o in due(phrase, days, start, end, **kwargs)]


def moves(phrase: str, days: WorkingDays, start: str, end: str, **kwargs) -> list[str]:
    """Only the shifted occurrences, as ``planned→due``."""
    return [
        f"{_short(o.planned)}→{_short(o.due)}"
        for o in due(phrase, days, start, end, **kwargs)
        if o.shifted
    ]


def _short(day: date) -> str:
    return day.isoformat()[5:] if day.year == 2026 else day.isoformat()
