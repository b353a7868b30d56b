"""Background jobs of recurring work. Each is idempotent and claims its work in the database,
so any number of workers may run them at once:

* ``generate_occurrences_task`` (daily): the rolling horizon (``generation.generate``; unique
  slots, ``INSERT … ON CONFLICT DO NOTHING``);
* ``reschedule_contents_task`` / ``reschedule_calendar_task``: the same for content that changed
  (enqueued by ``receivers``);
* ``mark_missed_task``: open occurrences whose period has ended become missed (a conditional
  UPDATE on ``status = open``);
* ``notify_occurrences_task``: reminders before due and escalation when overdue, each claimed
  with a conditional UPDATE of ``reminded_at`` / ``escalated_at`` in the transaction that
  notifies, so each is sent once.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.tasks import task

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.calendars.models import Calendar
from opsbook.catalog.models import ServiceContent, ServiceStandard
from opsbook.core import clock
from opsbook.jobs.claims import claim_update
from opsbook.jobs.schedule import daily, every
from opsbook.notify.choices import Audience, Event
from opsbook.notify.services import do_notify

from . import notices
from .choices import OccurrenceStatus
from .generation import Calendars, generate
from .models import Occurrence

logger = logging.getLogger(__name__)

NOTIFY_BATCH = 500  # occurrences reminded or escalated per run at most (the next run goes on)


# --- missed -------------------------------------------------------------------------------------


def mark_missed(now: datetime) -> int:
    """Open occurrences whose period ended before today (on their calendar's date, in its time
    zone) become missed. Returns how many; a second run finds none."""
    zones: dict[str, list[int]] = defaultdict(list)
    default_zone = settings.TIME_ZONE
    for pk, zone, is_default in Calendar.objects.values_list("pk", "time_zone", "is_default"):
        zones[zone].append(pk)
        if is_default:
            default_zone = zone
    zones.setdefault(default_zone, [])
    missed = 0
    for zone, calendar_ids in zones.items():
        today = now.astimezone(ZoneInfo(zone)).date()
        on_zone = Q(content__calendar_id__in=calendar_ids)
        if zone == default_zone:
            on_zone |= Q(content__calendar__isnull=True)
        if len(zones) == 1:
            on_zone = Q()  # one time zone for all: no need to look at the content
        with transaction.atomic():
            missed += (
                Occurrence.objects.open()
                .filter(on_zone, period_end__lt=today)
                .update(status=OccurrenceStatus.MISSED, updated_at=now)
            )
    return missed


# --- reminders and escalation -------------------------------------------------------------------


def lead_days(content_ids: Iterable[int]) -> dict[int, int]:
    """Days ahead a content's service standard asks for (提前N天), per content: its own
    standards first, else its item's. One query."""
    ids = list(content_ids)
    items = dict(ServiceContent.objects.filter(pk__in=ids).values_list("pk", "item_id"))
    own: dict[int, int] = {}
    by_item: dict[int, int] = {}
    rows = ServiceStandard.objects.filter(
        Q(content_id__in=ids) | Q(content__isnull=True, item_id__in=set(items.values())),
        lead_days__isnull=False,
    ).values_list("item_id", "content_id", "lead_days")
    for item_id, content_id, days in rows:
        target, key = (own, content_id) if content_id is not None else (by_item, item_id)
        target[key] = max(target.get(key, 0), days or 0)
    found = {}
    for pk in ids:
        days = own.get(pk, by_item.get(items.get(pk, -1)))
        if days:
            found[pk] = days
    return found


def remind_at(
    content_id: int,
    calendar_id: int | None,
    due_on: date,
    due_at: datetime,
    calendars: Calendars,
    leads: dict[int, int],
) -> datetime:
    """When the owners are reminded: on the morning ``lead_days`` days before the due day when
    the content's standard says 提前N天, else ``ROUTINES_REMIND_HOURS_BEFORE`` hours before the
    due time, else the morning of the due day (the start of its first working window)."""
    cal = calendars.get(calendar_id)
    days = leads.get(content_id)
    if days:
        day = due_on - timedelta(days=days)
        return cal.morning(day) if cal else _site_morning(day)
    hours = settings.ROUTINES_REMIND_HOURS_BEFORE
    if hours:
        return due_at - timedelta(hours=hours)
    return cal.morning(due_on) if cal else _site_morning(due_on)


def _site_morning(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _with_people(queryset):
    return queryset.select_related(
        "content__item", "assignee__team__lead", "team__lead"
    ).prefetch_related("owners")


def _latest_today(now: datetime) -> date:
    """Today's date where it is latest on Earth (UTC+14): no calendar's today is after it."""
    return (now + timedelta(hours=14)).astimezone(UTC).date()


def _remind_candidates(now: datetime):
    """Open occurrences not reminded yet whose reminder may be due, bounded in SQL: due today
    (anywhere), within the setting's hours, or within the longest 提前N天 of a content that
    has one. Each bound is also a bound on ``due_at`` (the end of the due day is before the
    second midnight after it, UTC), so the index on (status, due_at) reads only that range. The
    exact moment is checked per row."""
    base = Occurrence.objects.open().filter(reminded_at__isnull=True, due_at__gt=now)
    hours = settings.ROUTINES_REMIND_HOURS_BEFORE
    last_day = _latest_today(now)
    if hours:
        bound = Q(due_at__lte=now + timedelta(hours=hours))
        until = now + timedelta(hours=hours)
    else:
        bound = Q(due_on__lte=last_day)
        until = _after(last_day)
    standards = ServiceStandard.objects.filter(lead_days__isnull=False)
    longest = standards.aggregate(m=Max("lead_days"))["m"]
    if longest:
        has_lead = Q(
            content_id__in=standards.filter(content__isnull=False).values("content_id")
        ) | Q(content__item_id__in=standards.filter(content__isnull=True).values("item_id"))
        bound |= has_lead & Q(due_on__lte=last_day + timedelta(days=longest))
        until = max(until, _after(last_day + timedelta(days=longest)))
    return base.filter(bound, due_at__lte=until)


def _after(day: date) -> datetime:
    """A moment after the end of ``day`` in every time zone (UTC-12 included)."""
    return datetime.combine(day + timedelta(days=2), time(0), tzinfo=UTC)


def remind_due(now: datetime, *, limit: int = NOTIFY_BATCH) -> int:
    """Remind the owners of open occurrences whose reminder time has come and whose due time
    has not (an occurrence already overdue is escalated instead). Returns how many were sent."""
    rows = list(
        _remind_candidates(now)
        .order_by("due_at", "pk")
        .values_list("pk", "content_id", "content__calendar_id", "due_on", "due_at")
    )
    if not rows:
        return 0
    calendars = Calendars(now, days=1)
    leads = lead_days({row[1] for row in rows})
    ready = [
        pk
        for pk, content_id, calendar_id, due_on, due_at in rows
        if remind_at(content_id, calendar_id, due_on, due_at, calendars, leads) <= now
    ][:limit]
    if not ready:
        return 0
    sent = 0
    for occurrence in _with_people(Occurrence.objects.filter(pk__in=ready)).order_by(
        "due_at", "pk"
    ):
        with transaction.atomic():
            if not claim_update(
                Occurrence.objects.filter(
                    pk=occurrence.pk,
                    status=OccurrenceStatus.OPEN,
                    reminded_at__isnull=True,
                    due_at=occurrence.due_at,
                ),
                reminded_at=now,
            ):
                continue  # another worker sent it, or it was done or moved meanwhile
            do_notify(
                Event.OCCURRENCE_DUE,
                key=f"occurrence:{occurrence.pk}:due:{occurrence.due_at:%Y%m%d%H%M}",
                message=notices.due_message(occurrence),
                link=notices.occurrence_path(occurrence.pk),
                audiences={
                    Audience.ASSIGNEE: _people([occurrence.assignee]),
                    Audience.OWNERS: _owners(occurrence),
                },
                now=now,
            )
        sent += 1
    return sent


def escalate_overdue(now: datetime, *, limit: int = NOTIFY_BATCH) -> int:
    """Tell the owners and the team lead (the managers when the team has no lead) about open
    occurrences past their due time, once each. Returns how many were escalated."""
    overdue = list(
        _with_people(Occurrence.objects.late(now).filter(escalated_at__isnull=True)).order_by(
            "due_at", "pk"
        )[:limit]
    )
    if not overdue:
        return 0
    managers: list[User] | None = None
    escalated = 0
    for occurrence in overdue:
        team = occurrence.team or (occurrence.assignee.team if occurrence.assignee else None)
        lead = team.lead if team is not None and team.lead_id else None
        audiences: dict[Audience | str, Iterable[User]] = {
            Audience.ASSIGNEE: _people([occurrence.assignee]),
            Audience.OWNERS: _owners(occurrence),
        }
        if lead is not None and lead.is_active:
            audiences[Audience.TEAM_LEAD] = [lead]
        else:
            # No lead to escalate to: the managers stand in for one (the default rules send
            # overdue work to the team lead), and are the managers for a rule naming them.
            if managers is None:
                managers = list(User.objects.filter(is_active=True, role=Role.MANAGER))
            audiences[Audience.TEAM_LEAD] = managers
            audiences[Audience.MANAGERS] = managers
        with transaction.atomic():
            if not claim_update(
                Occurrence.objects.filter(
                    pk=occurrence.pk,
                    status=OccurrenceStatus.OPEN,
                    escalated_at__isnull=True,
                    due_at__lt=now,
                ),
                escalated_at=now,
            ):
                continue
            do_notify(
                Event.OCCURRENCE_OVERDUE,
                key=f"occurrence:{occurrence.pk}:overdue:{occurrence.due_at:%Y%m%d%H%M}",
                message=notices.overdue_message(occurrence),
                link=notices.occurrence_path(occurrence.pk),
                audiences=audiences,
                now=now,
            )
        escalated += 1
    return escalated


def _people(users: Iterable[User | None]) -> list[User]:
    return [u for u in users if u is not None and u.is_active]


def _owners(occurrence: Occurrence) -> list[User]:
    """The people the work belongs to: its owners and its assignee (the team lead of a team
    owned content is its assignee and no owner)."""
    return _people(dict.fromkeys([*occurrence.owners.all(), occurrence.assignee]))


# --- tasks ----------------------------------------------------------------------------------------


@daily(at="01:30")
@task()
def generate_occurrences_task() -> dict:
    """Keep the horizon: create what it now reaches, fix what changed without a signal."""
    result = generate(clock.now())
    if result.unschedulable:
        logger.warning(
            "%d content(s) could not be scheduled: %s",
            len(result.unschedulable),
            "; ".join(f"{pk}: {why}" for pk, why in sorted(result.unschedulable.items())[:20]),
        )
    return result.as_dict()


@task()
def reschedule_contents_task(content_ids: list[int]) -> dict:
    return generate(clock.now(), contents=content_ids).as_dict()


@task()
def reschedule_calendar_task(calendar_id: int) -> dict:
    """A calendar changed: reschedule the content on it (and on the default calendar, the
    content that names none)."""
    on_calendar = Q(calendar_id=calendar_id)
    if Calendar.objects.filter(pk=calendar_id, is_default=True).exists():
        on_calendar |= Q(calendar__isnull=True)
    ids = list(ServiceContent.objects.filter(on_calendar).values_list("pk", flat=True))
    return generate(clock.now(), contents=ids).as_dict()


@every(minutes=15)
@task()
def mark_missed_task() -> int:
    return mark_missed(clock.now())


@every(minutes=5)
@task()
def notify_occurrences_task() -> dict:
    now = clock.now()
    return {"reminded": remind_due(now), "escalated": escalate_overdue(now)}
