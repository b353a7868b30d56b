"""Background jobs of the monthly report, registered with the scheduler by importing them here.

* ``auto_draft_task`` (daily 06:00): on the first working day of a month, each active template
  that drafts automatically gets the previous month's report, built from the data. A run that
  was missed (the scheduler was down that morning) is made up by the next one, up to the
  report's deadline; after it, a report nobody created is left to be created by hand. The
  unique (template, month) of a report is the claim: a second run, or a second scheduler,
  finds it there and creates nothing.
* ``report_reminders_task`` (daily 09:00): owners of sections not marked ready hear of the
  deadline ``REMIND_BEFORE`` working days before it and on the day; the editor (or the managers
  when the template has none) hears when a report is overdue. Each message has a key naming
  the report, the deadline and the moment, so it is sent once however often the job runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import IntegrityError
from django.db.models import Q
from django.tasks import task

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.core import clock
from opsbook.jobs.schedule import daily
from opsbook.metrics import periods
from opsbook.metrics.periods import org_tz
from opsbook.notify.choices import Audience, Event
from opsbook.notify.services import do_notify

from . import deadlines, drafting, notices
from .choices import EDITABLE_STATUSES
from .models import Report, ReportTemplate

# Reminders go out this many working days before the deadline, and on the deadline day.
REMIND_BEFORE = 2


def _today(now: datetime) -> date:
    return now.astimezone(org_tz()).date()


def auto_draft(now: datetime) -> list[Report]:
    """Create and build last month's report of each active, automatically drafted template
    that has none yet, from the first working day of the month (in the organisation's zone) up
    to that report's deadline, so that a morning the scheduler missed is made up the next day.
    Returns the reports this run created."""
    today = _today(now)
    calendar = deadlines.default_calendar()
    if today < deadlines.first_working_day(today.year, today.month, calendar=calendar):
        return []
    previous = periods.month(today.year, today.month).previous()
    created: list[Report] = []
    templates = ReportTemplate.objects.filter(is_active=True, auto_draft=True).order_by("pk")
    drafted = set(
        Report.objects.filter(template__in=templates, period=previous.code).values_list(
            "template_id", flat=True
        )
    )
    for template in templates:
        if template.pk in drafted:
            continue
        if today > deadlines.deadline_for(template, previous, calendar=calendar):
            continue
        try:
            report = drafting.do_create_report(
                template, previous, actor=None, now=now, source="system"
            )
        except (IntegrityError, drafting.DraftError):
            continue  # another run created it meanwhile
        created.append(report)
    return created


@daily(at="06:00")
@task
def auto_draft_task() -> int:
    return len(auto_draft(clock.now()))


def working_days_between(start: date, end: date, calendar: CompiledCalendar | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
    calendar = calendar or deadlines.default_calendar()
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += deadlines.is_working_day(day, calendar)
        day += timedelta(days=1)
    return count


def _managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role__in=[Role.MANAGER, Role.ADMIN]).order_by("pk")
    )


def remind(now: datetime) -> int:
    """Send the day's reminders; returns how many inbox entries they wrote (0 on a second
    run the same day)."""
    today = _today(now)
    calendar = deadlines.default_calendar()
    sent = 0
    reports: Iterable[Report] = (
        Report.objects.filter(status__in=EDITABLE_STATUSES, deadline__isnull=False)
        .filter(Q(template__is_active=True))
        .select_related("template__editor")
        .order_by("pk")
    )
    for report in reports:
        assert report.deadline is not None
        if today > report.deadline:
            editor = report.template.editor
            people = [editor] if editor is not None and editor.is_active else _managers()
            sent += len(
                do_notify(
                    Event.REPORT_DUE,
                    key=f"report:{report.pk}:overdue:{report.deadline.isoformat()}",
                    message=notices.overdue_message(report),
                    link=notices.report_path(report),
                    audiences={Audience.ASSIGNEE: people},
                    now=now,
                )
            )
            continue
        if not deadlines.is_working_day(today, calendar):
            continue
        left = working_days_between(today, report.deadline, calendar)
        if left not in (REMIND_BEFORE, 0):
            continue
        pending: dict[int, tuple[User, list[str]]] = {}
        for section in report.sections.filter(done=False, owner__isnull=False).select_related(
            "owner"
        ):
            owner = section.owner
            assert owner is not None
            entry = pending.setdefault(owner.pk, (owner, []))
            entry[1].append(section.title)
        for owner, titles in pending.values():
            sent += len(
                do_notify(
                    Event.REPORT_DUE,
                    key=f"report:{report.pk}:due:{report.deadline.isoformat()}:{left}",
                    message=notices.section_due_message(report, titles, left),
                    link=notices.report_path(report),
                    audiences={Audience.ASSIGNEE: [owner]},
                    now=now,
                )
            )
    return sent


@daily(at="09:00")
@task
def report_reminders_task() -> int:
    return remind(clock.now())
