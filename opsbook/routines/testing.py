"""Factories for recurring work, shared by every app's tests.

``make_office_calendar()`` is a default calendar in Asia/Shanghai (Monday to Friday,
09:00–12:00 and 13:30–18:00) with the 2026 Mid-Autumn and National Day holidays and their
make-up workdays (Sunday 20 September and Saturday 10 October); ``make_routine`` a recurring
service content with an owner; ``make_occurrence`` one occurrence as the generator makes it,
for tests that need one without running the generator.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from opsbook.accounts.models import Team, User
from opsbook.calendars.models import Calendar
from opsbook.calendars.services import do_create_calendar, do_set_exception, do_set_year
from opsbook.catalog import services as catalog
from opsbook.catalog.models import Ownership, ServiceContent, ServiceItem
from opsbook.catalog.testing import make_item

from .choices import OccurrenceStatus, Source
from .models import Occurrence

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS = ((time(9), time(12)), (time(13, 30), time(18)))
HOLIDAYS_2026 = {
    date(2026, 9, 25): "中秋节",
    date(2026, 10, 1): "国庆节",
    date(2026, 10, 2): "国庆节",
    date(2026, 10, 5): "国庆节",
    date(2026, 10, 6): "国庆节",
    date(2026, 10, 7): "国庆节",
}
MAKE_UP_DAYS_2026 = {date(2026, 9, 20): "国庆节", date(2026, 10, 10): "国庆节"}


def make_office_calendar(name: str = "办公日历", *, default: bool = True) -> Calendar:
    calendar = do_create_calendar(
        None,
        name=name,
        time_zone="Asia/Shanghai",
        is_default=default,
        windows=[(day, s, e) for day in range(1, 6) for s, e in OFFICE_HOURS],
        source="test",
    )
    for day, label in HOLIDAYS_2026.items():
        do_set_exception(None, calendar, date=day, kind="holiday", name=label, source="test")
    for day, label in MAKE_UP_DAYS_2026.items():
        do_set_exception(None, calendar, date=day, kind="workday", name=label, source="test")
    do_set_year(None, calendar, 2026, note="test")
    calendar.refresh_from_db()
    return calendar


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An aware moment in Shanghai."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def make_routine(
    owner: User | Team | None = None,
    item: ServiceItem | None = None,
    *,
    owners: list[Ownership] | None = None,
    **values: Any,
) -> ServiceContent:
    """An active recurring content (每周一 unless ``frequency_text`` says otherwise) owned by
    ``owner`` (primary) or by ``owners``."""
    values.setdefault("name", f"例行检查{ServiceContent.objects.count() + 1}")
    values.setdefault("frequency_text", "每周一")
    if owners is None and owner is not None:
        owners = [
            Ownership(user=owner, is_primary=True)
            if isinstance(owner, User)
            else Ownership(team=owner, is_primary=True)
        ]
    item = item or make_item(name=f"例行服务{ServiceItem.objects.count() + 1}")
    return catalog.do_create_content(
        None, item, parts=catalog.Parts(owners=owners), source="test", **values
    )


def make_occurrence(
    content: ServiceContent,
    due_on: date,
    *,
    assignee: User | None = None,
    owners: list[User] | None = None,
    due_at: datetime | None = None,
    **fields: Any,
) -> Occurrence:
    """One occurrence due at the end of ``due_on`` (18:00 Shanghai unless ``due_at``), its
    period that day alone."""
    fields.setdefault("source", Source.SCHEDULE)
    fields.setdefault("status", OccurrenceStatus.OPEN)
    fields.setdefault("period_start", due_on)
    fields.setdefault("period_end", due_on)
    fields.setdefault("planned_on", due_on)
    fields.setdefault("effort_minutes", content.effort_minutes)
    occurrence = Occurrence.objects.create(
        content=content,
        due_on=due_on,
        due_at=due_at or at(due_on, 18),
        assignee=assignee,
        **fields,
    )
    if owners is None and assignee is not None:
        owners = [assignee]
    if owners:
        occurrence.owners.set(owners)
    return occurrence


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=n) for n in range(count)]
