"""Follow-up visits (回访) owed, as work (``FollowUpTask``).

* Resolving a ticket of a type ``OPSBOOK_FOLLOW_UP_TICKET_TYPES`` names owes a visit, due at
  the end of the business day ``OPSBOOK_FOLLOW_UP_BUSINESS_DAYS`` business days after the
  resolution, on the ticket's calendar (``due_after``); it belongs to the assignee, else the
  team lead, else nobody (the managers' queue).
* A rating of 1 or 2 owes a visit by the team lead (else the managers' queue), due the same
  number of business days after the rating, with the rating and comment copied.
* Recording the 回访 on the ticket completes what is open; reopening the ticket cancels the
  visit owed for the resolution it undid; resolving again owes a new round.

The services call these functions inside their transactions, with the ticket locked. A round is
the ticket's resolution cycle (``reopened_count + 1``), so running anything twice for the same
resolution finds the round taken (the unique constraint) and creates nothing.
"""

from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.core import checks
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.calendars.models import Calendar
from opsbook.notify.choices import Audience, Event
from opsbook.notify.services import do_notify

from . import notices
from .choices import FollowUpReason, Status, TicketType
from .models import REOPEN_FROM, FollowUp, FollowUpTask, Ticket

# How far ahead a working day is looked for before giving up on a calendar that never opens.
SEARCH_DAYS = 400
MIDNIGHT = time(0)


# --- when a visit is due ----------------------------------------------------------------------


def _end_of_day(day: date, end: time, tz: tzinfo) -> datetime:
    if end == MIDNIGHT:  # 00:00 as an end is midnight at the end of the day
        return datetime.combine(day + timedelta(days=1), MIDNIGHT, tzinfo=tz)
    return datetime.combine(day, end, tzinfo=tz)


def due_after(cal: CompiledCalendar | None, moment: datetime, days: int, tz: tzinfo) -> datetime:
    """The end of the business day that is the ``days``-th business day after the local date
    of ``moment``. A business day has working hours on ``cal`` (holidays have none, make-up
    workdays have them); without a calendar, Monday to Friday are business days and each ends
    at midnight in ``tz``. With ``days`` 0, the end of the day of ``moment`` itself, or of the
    next business day when that day has no working hours left.

    Example on the China calendar: resolved Wed 2026-09-30 15:00 (the eve of National Day),
    3 days: Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 (3, a make-up workday, 调休) → due
    2026-10-10 18:00 Asia/Shanghai."""
    zone = cal.tz if cal is not None else tz
    start = moment.astimezone(zone).date()
    day = start if days == 0 else start + timedelta(days=1)
    remaining = max(days, 1)
    for _step in range(SEARCH_DAYS):
        if _works(cal, day):
            end = _end_of_day(day, _last_end(cal, day), zone)
            if end > moment:
                remaining -= 1
                if remaining == 0:
                    return end
        day += timedelta(days=1)
    # A calendar without a working day for over a year: count calendar days instead.
    return _end_of_day(start + timedelta(days=days), MIDNIGHT, zone)


def _works(cal: CompiledCalendar | None, day: date) -> bool:
    if cal is None:
        return day.isoweekday() <= 5
    return bool(cal.windows_on(day))


def _last_end(cal: CompiledCalendar | None, day: date) -> time:
    windows = cal.windows_on(day) if cal is not None else ()
    return windows[-1][1] if windows else MIDNIGHT


def ticket_calendar(ticket: Ticket) -> Calendar | None:
    """The calendar that measures ``ticket``: its SLA calendar, else the default one."""
    if ticket.sla_calendar_id:
        return ticket.sla_calendar
    return Calendar.objects.default()


def due_for(ticket: Ticket, moment: datetime) -> datetime:
    calendar = ticket_calendar(ticket)
    compiled = calendar.compile() if calendar is not None else None
    return due_after(
        compiled,
        moment,
        settings.OPSBOOK_FOLLOW_UP_BUSINESS_DAYS,
        timezone.get_default_timezone(),
    )


class CalendarCache:
    """Compiled calendars of a batch of tickets, each compiled once (the jobs)."""

    def __init__(self) -> None:
        self.tz = timezone.get_default_timezone()
        self._compiled: dict[int, CompiledCalendar] = {}
        self._default: Calendar | bool | None = False

    def for_ticket(self, ticket: Ticket) -> CompiledCalendar | None:
        calendar = ticket.sla_calendar if ticket.sla_calendar_id else self._default_calendar()
        if calendar is None:
            return None
        if calendar.pk not in self._compiled:
            self._compiled[calendar.pk] = calendar.compile()
        return self._compiled[calendar.pk]

    def _default_calendar(self) -> Calendar | None:
        if self._default is False:
            self._default = Calendar.objects.default()
        return self._default if isinstance(self._default, Calendar) else None


def day_start(task: FollowUpTask, cal: CompiledCalendar | None, tz: tzinfo) -> datetime:
    """When the due day of ``task`` begins its business hours (the owner is reminded then):
    the first working window of its due date, or midnight when the date has none."""
    zone = cal.tz if cal is not None else tz
    due = task.due_at.astimezone(zone)
    day = due.date()
    if due.time() == MIDNIGHT:  # due at midnight ending the previous day
        day -= timedelta(days=1)
    windows = cal.windows_on(day) if cal is not None else ()
    return datetime.combine(day, windows[0][0] if windows else MIDNIGHT, tzinfo=zone)


# --- who owes it ------------------------------------------------------------------------------


def team_lead(ticket: Ticket) -> User | None:
    team = ticket.team
    lead = team.lead if team is not None and team.lead_id else None
    return lead if lead is not None and lead.is_active else None


def managers() -> list[User]:
    return list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk"))


def escalation_audiences(ticket: Ticket, *, besides: User | None = None) -> dict[str, list[User]]:
    """The team lead audience: the lead of the ticket's team, or the operations managers when
    there is none (or the lead is ``besides``, the person the escalation is about)."""
    lead = team_lead(ticket)
    if lead is not None and lead != besides:
        return {Audience.TEAM_LEAD: [lead]}
    return {Audience.TEAM_LEAD: managers()}


def needs_follow_up(ticket: Ticket) -> bool:
    return ticket.type in settings.OPSBOOK_FOLLOW_UP_TICKET_TYPES


def _round(ticket: Ticket) -> int:
    return ticket.reopened_count + 1


def _create(ticket: Ticket, reason: str, **fields: object) -> FollowUpTask | None:
    """Insert the task of this round, or None when the round has one already (a re-run)."""
    try:
        with transaction.atomic():
            return FollowUpTask.objects.create(
                ticket=ticket, reason=reason, round=_round(ticket), **fields
            )
    except IntegrityError:
        return None


# --- what the services call -------------------------------------------------------------------


def after_status_change(ticket: Ticket, previous: str, status: str, now: datetime) -> None:
    """Resolving owes a visit (for the types that need one); reopening cancels the one owed for
    the resolution it undid. Called by ``services.status.set_status``."""
    if status == Status.RESOLVED:
        if needs_follow_up(ticket):
            owner = ticket.assignee if ticket.assignee and ticket.assignee.is_active else None
            _create(
                ticket,
                FollowUpReason.RESOLVED,
                owner=owner or team_lead(ticket),
                due_at=due_for(ticket, now),
                created_at=now,
            )
    elif previous in REOPEN_FROM and status == Status.IN_PROGRESS:
        FollowUpTask.objects.open().filter(ticket=ticket, reason=FollowUpReason.RESOLVED).update(
            cancelled_at=now
        )


def after_assignment(ticket: Ticket, previous: User | None) -> int:
    """A visit owed after resolution by the previous assignee (or by nobody) moves to the new
    assignee (else the team lead); returns how many moved. Low-rating visits stay the lead's."""
    owner = ticket.assignee if ticket.assignee and ticket.assignee.is_active else None
    owner = owner or team_lead(ticket)
    if owner is None:
        return 0
    theirs = Q(owner__isnull=True) if previous is None else Q(owner=previous) | Q(owner=None)
    owed = FollowUpTask.objects.open().filter(theirs, ticket=ticket, reason=FollowUpReason.RESOLVED)
    return owed.update(owner=owner)


def after_follow_up(ticket: Ticket, follow_up: FollowUp, now: datetime) -> int:
    """A recorded 回访 completes every visit owed on the ticket; returns how many."""
    return (
        FollowUpTask.objects.open()
        .filter(ticket=ticket, created_at__lte=now)
        .update(done_at=now, follow_up=follow_up)
    )


def after_rating(ticket: Ticket, now: datetime) -> FollowUpTask | None:
    """A rating of 1 or 2 owes a visit by the team lead (else the managers' queue), and tells
    them (``Event.LOW_RATING``)."""
    if ticket.rating is None or ticket.rating > 2:
        return None
    lead = team_lead(ticket)
    task = _create(
        ticket,
        FollowUpReason.LOW_RATING,
        owner=lead,
        due_at=due_for(ticket, now),
        rating=ticket.rating,
        rating_comment=ticket.rating_comment,
        created_at=now,
    )
    if task is not None:
        do_notify(
            Event.LOW_RATING,
            key=f"followup:{task.pk}:low_rating",
            message=notices.low_rating(task),
            link=task_link(task),
            audiences=escalation_audiences(ticket),
            now=now,
        )
    return task


def task_link(task: FollowUpTask) -> str:
    """Where the 回访 is recorded: the ticket page's follow-up panel."""
    return reverse("tickets:detail", args=[task.ticket_id]) + "#complaint-panel"


# --- configuration ----------------------------------------------------------------------------


@checks.register()
def check_follow_up_types(app_configs: object = None, **kwargs: object) -> list[checks.Error]:
    unknown = [t for t in settings.OPSBOOK_FOLLOW_UP_TICKET_TYPES if t not in TicketType.values]
    if not unknown:
        return []
    return [
        checks.Error(
            f"FOLLOW_UP_TICKET_TYPES names unknown ticket types: {', '.join(unknown)}.",
            hint=f"Use some of: {', '.join(TicketType.values)}.",
            id="tickets.E001",
        )
    ]
