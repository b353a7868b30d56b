"""Occurrences from the checklist: every active, recurring service content is due on the dates
its frequency gives on its business calendar (``dates.due_dates``), over a rolling horizon.

``generate(now)`` brings the occurrences of the next ``ROUTINES_HORIZON_DAYS`` days in line
with the checklist, for every content or for the ones named:

* **created**: a due date the frequency gives from ``max(today, start date)`` to
  ``min(today + horizon, end date)`` without an occurrence yet (one whose due time has already
  passed is not created: work is generated for what is ahead);
* **updated**: a future open occurrence whose due day, period, owners, team or effort no longer
  match the content (its calendar, due shift, owners or effort changed), or a cancelled one
  that is due again (the content came back, or its frequency changed back);
* **cancelled**: a future open occurrence that is no longer due: the content was retired or
  made a draft, its item too, its frequency became on demand, its end date moved before it,
  its start date after it, or its frequency no longer gives that slot.

Done, skipped and missed occurrences, those made by hand or from a ticket, and open ones whose
due time has passed are never touched. "Future" is ``due_at > now``.

Set-based and safe with many workers: contents are handled in chunks of ``CHUNK``, each in a
constant number of queries and its own transaction; inserts are ``INSERT … ON CONFLICT DO
NOTHING RETURNING`` on the unique (content, period start, number) of scheduled occurrences,
so a second run or a second worker inserts nothing, and only rows this run inserted get their
owners. A calendar is read once per run, a frequency's dates are computed once per calendar,
shift and window, whatever the number of contents sharing them.
"""

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.calendars.models import Calendar
from opsbook.catalog.choices import FrequencyKind, Status
from opsbook.catalog.models import Ownership, ServiceContent
from opsbook.core.tabular import bulk
from opsbook.sops import services as sops

from .choices import OccurrenceStatus, Source
from .dates import Due, NotSchedulable, Shift, WorkingDays, due_dates, frequency_from_dict
from .models import ContentSchedule, Occurrence

logger = logging.getLogger(__name__)

# Part of every fingerprint: a change of the rules below makes the next run reconcile everything.
GENERATOR_VERSION = 1
CHUNK = 500  # contents per transaction
_INSERT_BATCH = 400  # rows per INSERT statement (24 columns: well under every parameter limit)
_MIDNIGHT = time(0)

Key = tuple[int, date, int]  # (content, period start, number in period)


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    contents: int = 0  # contents scheduled
    unschedulable: dict[int, str] = field(default_factory=dict)  # content id → why not

    def add(self, other: "Result") -> None:
        self.created += other.created
        self.updated += other.updated
        self.cancelled += other.cancelled
        self.contents += other.contents
        self.unschedulable.update(other.unschedulable)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "cancelled": self.cancelled,
            "contents": self.contents,
            "unschedulable": {str(k): v for k, v in sorted(self.unschedulable.items())},
        }


def horizon_days() -> int:
    return int(settings.ROUTINES_HORIZON_DAYS)


def scheduled_contents() -> QuerySet[ServiceContent]:
    """Content that produces occurrences: active, in an active item, with a recurring frequency."""
    return ServiceContent.objects.filter(
        status=Status.ACTIVE,
        item__status=Status.ACTIVE,
        frequency_kind=FrequencyKind.RECURRING,
        frequency__isnull=False,
    )


def generate(
    now: datetime,
    *,
    contents: Iterable[int | ServiceContent] | None = None,
    dry_run: bool = False,
    full: bool | None = None,
) -> Result:
    """Bring scheduled occurrences in line with the checklist (all content, or ``contents``).

    A content whose fingerprint (``ContentSchedule``) is unchanged since the last run only gets
    the days the horizon has reached since; ``full`` reconciles the whole horizon of every
    content (the default when ``contents`` are named: they changed). ``dry_run`` does the same
    work in a transaction that is rolled back, so its counts are exactly what a real run
    would do."""
    ids = None if contents is None else sorted({_pk(c) for c in contents})
    full = ids is not None if full is None else full
    if not dry_run:
        return _generate(now, ids, full)
    with transaction.atomic():
        result = _generate(now, ids, full)
        transaction.set_rollback(True)
    return result


def reschedule(content_ids: Iterable[int], now: datetime) -> Result:
    """After ``contents_changed``: the same as ``generate`` for these contents."""
    return generate(now, contents=content_ids)


def _pk(content: int | ServiceContent) -> int:
    return content if isinstance(content, int) else content.pk


def _generate(now: datetime, ids: list[int] | None, full: bool) -> Result:
    result = Result()
    result.cancelled += _cancel_not_due(now, ids)
    fields = (
        "pk",
        "item_id",
        "frequency",
        "calendar_id",
        "due_shift",
        "start_date",
        "end_date",
        "effort_minutes",
    )
    if ids is None:
        rows = list(scheduled_contents().order_by("pk").values_list(*fields))
    else:
        rows = []
        for start in range(0, len(ids), CHUNK):
            rows.extend(
                scheduled_contents()
                .filter(pk__in=ids[start : start + CHUNK])
                .order_by("pk")
                .values_list(*fields)
            )
    if not rows:
        return result
    calendars = Calendars(now)
    plans = _Plans()
    for start in range(0, len(rows), CHUNK):
        chunk = [_Content(*row) for row in rows[start : start + CHUNK]]
        with transaction.atomic():
            result.add(_Chunk(now, chunk, calendars, plans, full).run())
    return result


def _cancel_not_due(now: datetime, ids: list[int] | None) -> int:
    """Cancel future open scheduled occurrences of content that no longer produces them."""
    not_due = (
        ~Q(content__status=Status.ACTIVE)
        | ~Q(content__item__status=Status.ACTIVE)
        | ~Q(content__frequency_kind=FrequencyKind.RECURRING)
        | Q(content__frequency__isnull=True)
        | Q(content__end_date__lt=F("due_on"))
        | Q(content__start_date__gt=F("due_on"))
    )
    future = Occurrence.objects.scheduled().open().filter(due_at__gt=now)
    values = {"status": OccurrenceStatus.CANCELLED, "updated_at": now}
    # Content that stopped producing occurrences loses its fingerprint: when it comes back, its
    # whole horizon is reconciled (and its cancelled occurrences reopened).
    forgotten = ContentSchedule.objects.exclude(content__in=scheduled_contents())
    if ids is None:
        with transaction.atomic():
            forgotten.delete()
            return future.filter(not_due).update(**values)
    cancelled = 0
    for start in range(0, len(ids), CHUNK):
        batch = ids[start : start + CHUNK]
        with transaction.atomic():
            forgotten.filter(content_id__in=batch).delete()
            cancelled += future.filter(content_id__in=batch).filter(not_due).update(**values)
    return cancelled


class _Content(NamedTuple):
    pk: int
    item_id: int
    frequency: dict
    calendar_id: int | None
    due_shift: str
    start_date: date | None
    end_date: date | None
    effort_minutes: int | None


# --- calendars --------------------------------------------------------------------------------


class CalendarDays:
    """One calendar read once for a run: its working days over the horizon, its local today,
    and the due time of a day (the end of the day's last working window, in its time zone;
    the end of the day when it has none)."""

    def __init__(self, calendar: Calendar, compiled: CompiledCalendar, now: datetime, days: int):
        self.calendar = calendar
        self.compiled = compiled
        self.tz = compiled.tz
        self.today = now.astimezone(self.tz).date()
        self.last = self.today + timedelta(days=days - 1)  # ``days`` days, today included
        self.days = WorkingDays(compiled, self.today, self.last, label=calendar.name)
        self._due_at: dict[date, datetime] = {}

    def due_at(self, day: date) -> datetime:
        found = self._due_at.get(day)
        if found is None:
            windows = self.compiled.windows_on(day)
            end = windows[-1][1] if windows else _MIDNIGHT
            if end == _MIDNIGHT:  # 24:00, or a day without working hours: the end of the day
                found = datetime.combine(day + timedelta(days=1), _MIDNIGHT, tzinfo=self.tz)
            else:
                found = datetime.combine(day, end, tzinfo=self.tz)
            self._due_at[day] = found
        return found

    def morning(self, day: date) -> datetime:
        """The start of the day's first working window (09:00 on a day without one)."""
        windows = self.compiled.windows_on(day)
        start = windows[0][0] if windows else time(9)
        return datetime.combine(day, start, tzinfo=self.tz)


class Calendars:
    """Calendars by id (``None``: the default calendar), each read once."""

    def __init__(self, now: datetime, days: int | None = None):
        self.now = now
        self.span = horizon_days() if days is None else days
        self._by_id: dict[int | None, CalendarDays | None] = {}

    def get(self, calendar_id: int | None) -> CalendarDays | None:
        if calendar_id not in self._by_id:
            if calendar_id is None:
                calendar = Calendar.objects.default()
            else:
                calendar = Calendar.objects.filter(pk=calendar_id).first()
            self._by_id[calendar_id] = (
                None
                if calendar is None
                else CalendarDays(calendar, calendar.compile(), self.now, self.span)
            )
        return self._by_id[calendar_id]


class _Plans:
    """Due dates memoised by (calendar, frequency, shift, anchor when it matters, window)."""

    def __init__(self):
        self._memo: dict[tuple, list[Due] | NotSchedulable] = {}
        self._keys: dict[int, str] = {}

    def dues(
        self, content: _Content, cal: CalendarDays, start: date, end: date
    ) -> list[Due] | NotSchedulable:
        text = json.dumps(content.frequency, sort_keys=True)
        interval = content.frequency.get("interval") or 1
        anchor = content.start_date if interval > 1 else None
        key = (cal.calendar.pk, text, content.due_shift, anchor, start, end)
        found = self._memo.get(key)
        if found is None:
            try:
                found = due_dates(
                    frequency_from_dict(content.frequency),
                    cal.days,
                    start,
                    end,
                    shift=Shift(content.due_shift or Shift.PREVIOUS),
                    anchor=content.start_date,
                )
            except NotSchedulable as exc:
                found = exc
            except (
                KeyError,
                TypeError,
                ValueError,
            ) as exc:  # a stored frequency Opsbook cannot read
                found = NotSchedulable(str(exc))
            self._memo[key] = found
        return found


# --- owners -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    assignee_id: int | None
    team_id: int | None
    owner_ids: tuple[int, ...]  # the primary first


class _Owner(NamedTuple):
    item_id: int
    content_id: int | None
    user_id: int | None
    user_active: bool | None
    user_team_id: int | None
    team_id: int | None
    lead_id: int | None
    lead_active: bool | None
    is_primary: bool


def assignments(contents: Sequence[tuple[int, int]]) -> dict[int, Assignment]:
    """Who does the work of each (content id, item id), in one query.

    The content's own owners, or its item's when it has none. Active user owners are the
    occurrence's owners, the primary one first and the assignee; without a user owner, the
    lead of the owning team is. The team is the owning team (the primary one first), else
    the assignee's team."""
    content_ids = [c for c, _i in contents]
    item_ids = sorted({i for _c, i in contents})
    rows = Ownership.objects.filter(
        Q(content_id__in=content_ids) | Q(content__isnull=True, item_id__in=item_ids)
    ).values_list(
        "item_id",
        "content_id",
        "user_id",
        "user__is_active",
        "user__team_id",
        "team_id",
        "team__lead_id",
        "team__lead__is_active",
        "is_primary",
    )
    by_content: dict[int, list[_Owner]] = defaultdict(list)
    by_item: dict[int, list[_Owner]] = defaultdict(list)
    for row in rows.order_by("position", "pk"):
        owner = _Owner(*row)
        if owner.content_id is None:
            by_item[owner.item_id].append(owner)
        else:
            by_content[owner.content_id].append(owner)
    return {
        content_id: _assignment(by_content.get(content_id) or by_item.get(item_id, []))
        for content_id, item_id in contents
    }


def _assignment(owners: list[_Owner]) -> Assignment:
    users = [o for o in owners if o.user_id is not None and o.user_active]
    users.sort(key=lambda o: not o.is_primary)  # stable: the primary first, then in order
    teams = [o for o in owners if o.team_id is not None]
    teams.sort(key=lambda o: not o.is_primary)
    owner_ids = tuple(dict.fromkeys(o.user_id for o in users if o.user_id is not None))
    team = teams[0] if teams else None
    assignee = owner_ids[0] if owner_ids else None
    if assignee is None and team is not None and team.lead_active:
        assignee = team.lead_id
    team_id = team.team_id if team is not None else (users[0].user_team_id if users else None)
    return Assignment(assignee, team_id, owner_ids)


# --- one chunk of contents ----------------------------------------------------------------------


class _Existing(NamedTuple):
    pk: int
    content_id: int
    period_start: date
    number: int  # the column "index" (a NamedTuple cannot have a field of that name)
    status: str
    period_end: date
    planned_on: date
    due_on: date
    due_at: datetime
    assignee_id: int | None
    team_id: int | None
    effort_minutes: int | None
    reminded_at: datetime | None
    escalated_at: datetime | None


_EXISTING_FIELDS = (
    "pk",
    "content_id",
    "period_start",
    "index",
    "status",
    "period_end",
    "planned_on",
    "due_on",
    "due_at",
    "assignee_id",
    "team_id",
    "effort_minutes",
    "reminded_at",
    "escalated_at",
)
_CONTENT_COLUMNS = ["content_id", "assignee_id", "team_id", "effort_minutes"]
_DUE_COLUMNS = ["period_start", "period_end", "index", "planned_on", "due_on", "due_at"]
_UPDATE_FIELDS = [
    "status",
    "period_end",
    "planned_on",
    "due_on",
    "due_at",
    "assignee",
    "team",
    "effort_minutes",
    "reminded_at",
    "escalated_at",
    "updated_at",
]


@dataclass
class _Planned:
    content: _Content
    due: Due
    due_at: datetime
    assignment: Assignment
    cal: "CalendarDays"


def fingerprint(content: _Content, cal: CalendarDays, who: Assignment) -> str:
    """Everything a content's occurrences depend on, hashed."""
    text = json.dumps(
        [
            GENERATOR_VERSION,
            content.frequency,
            cal.calendar.pk,
            cal.calendar.version,
            content.due_shift,
            str(content.start_date),
            str(content.end_date),
            content.effort_minutes,
            who.assignee_id,
            who.team_id,
            who.owner_ids,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class _Chunk:
    def __init__(
        self, now: datetime, contents: list[_Content], calendars: Calendars, plans, full: bool
    ):
        self.now = now
        self.contents = contents
        self.calendars = calendars
        self.plans = plans
        self.full = full
        self.result = Result()
        self.whole: set[int] = set()  # contents reconciled over their whole window
        self.partial: set[int] = set()  # contents given only the days newly in the horizon

    def run(self) -> Result:
        now = self.now
        owners = assignments([(c.pk, c.item_id) for c in self.contents])
        known = {
            pk: (fp, through)
            for pk, fp, through in ContentSchedule.objects.filter(
                content_id__in=[c.pk for c in self.contents]
            ).values_list("content_id", "fingerprint", "generated_through")
        }
        planned: dict[Key, _Planned] = {}
        windows: dict[int, tuple[date, date]] = {}  # content → the days it is planned for
        remember: list[ContentSchedule] = []
        for content in self.contents:
            cal = self.calendars.get(content.calendar_id)
            if cal is None:
                self.result.unschedulable[content.pk] = "no calendar"
                continue
            start = max(cal.today, content.start_date or cal.today)
            end = min(cal.last, content.end_date or cal.last)
            if end < start:
                continue
            assignment = owners[content.pk]
            mark = fingerprint(content, cal, assignment)
            last = known.get(content.pk)
            if not self.full and last is not None and last[0] == mark and last[1] >= start:
                start = max(start, last[1] + timedelta(days=1))
                self.partial.add(content.pk)
            else:
                self.whole.add(content.pk)
            self.result.contents += 1
            remember.append(
                ContentSchedule(
                    content_id=content.pk,
                    fingerprint=mark,
                    generated_through=max(end, last[1]) if last and last[0] == mark else end,
                    updated_at=now,
                )
            )
            if end < start:
                continue  # nothing new since the last run
            dues = self.plans.dues(content, cal, start, end)
            if isinstance(dues, NotSchedulable):
                self.result.unschedulable[content.pk] = str(dues)
                self.result.contents -= 1
                remember.pop()
                continue
            windows[content.pk] = (start, end)
            for due in dues:
                key = (content.pk, due.period_start, due.index)
                planned[key] = _Planned(content, due, cal.due_at(due.due), assignment, cal)
        existing = self._existing(planned)
        current_owners = self._owners_of_open(planned)
        creates: list[_Planned] = []
        updates: list[Occurrence] = []
        reowned: dict[int, tuple[int, ...]] = {}
        for key, plan in planned.items():
            row = existing.get(key)
            if row is None:
                if plan.due_at > now:
                    creates.append(plan)
                continue
            reopen = row.status == OccurrenceStatus.CANCELLED and plan.due_at > now
            if not reopen and not (row.status == OccurrenceStatus.OPEN and row.due_at > now):
                continue  # done, skipped, missed, or already due: history is not rewritten
            changed = self._updated(row, plan, reopen)
            if changed is not None:
                updates.append(changed)
            if set(current_owners.get(row.pk, ())) != set(plan.assignment.owner_ids):
                reowned[row.pk] = plan.assignment.owner_ids
        cancel = [
            row.pk
            for key, row in existing.items()
            if key not in planned
            and row.status == OccurrenceStatus.OPEN
            and row.due_at > now
            and row.content_id in windows
            and windows[row.content_id][0] <= row.due_on <= windows[row.content_id][1]
        ]
        cancel += [
            row.pk
            for row in existing.values()
            if row.content_id in self.result.unschedulable
            and row.status == OccurrenceStatus.OPEN
            and row.due_at > now
        ]
        if updates:
            Occurrence.objects.bulk_update(updates, _UPDATE_FIELDS, batch_size=500)
            self.result.updated += len(updates)
        for first in range(0, len(cancel), CHUNK):
            self.result.cancelled += Occurrence.objects.filter(
                pk__in=cancel[first : first + CHUNK], status=OccurrenceStatus.OPEN
            ).update(status=OccurrenceStatus.CANCELLED, updated_at=now)
        if reowned:
            self._replace_owners(reowned)
        if creates:
            self._create(creates)
        if remember:
            ContentSchedule.objects.bulk_create(
                remember,
                update_conflicts=True,
                unique_fields=["content"],
                update_fields=["fingerprint", "generated_through", "updated_at"],
            )
        return self.result

    def _near(self, planned: dict[Key, _Planned], prefix: str = "") -> Q | None:
        """Scheduled occurrences of the chunk that may collide with a planned one, and, for
        content reconciled whole, every one still ahead; None when there are none to read."""

        def q(**lookups) -> Q:
            return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

        near = None
        for ids, ahead in ((self.whole, True), (self.partial, False)):
            starts = [k[1] for k in planned if k[0] in ids]
            if not ids or (not ahead and not starts):
                continue
            reach = q(due_at__gt=self.now) if ahead else None
            if starts:
                since = q(period_start__gte=min(starts))
                reach = since if reach is None else reach | since
            assert reach is not None
            part = q(content_id__in=sorted(ids)) & reach
            near = part if near is None else near | part
        if near is None:
            return None
        return near & q(source=Source.SCHEDULE)

    def _existing(self, planned: dict[Key, _Planned]) -> dict[Key, _Existing]:
        found: dict[Key, _Existing] = {}
        near = self._near(planned)
        if near is None:
            return found
        for values in Occurrence.objects.filter(near).values_list(*_EXISTING_FIELDS):
            row = _Existing(*values)
            found[row.content_id, row.period_start, row.number] = row
        return found

    def _owners_of_open(self, planned: dict[Key, _Planned]) -> dict[int, tuple[int, ...]]:
        """The owners of the open ones among them, in one query."""
        through = Occurrence.owners.through
        found: dict[int, list[int]] = defaultdict(list)
        near = self._near(planned, "occurrence__")
        if near is None:
            return {}
        rows = through.objects.filter(near, occurrence__status=OccurrenceStatus.OPEN).order_by("pk")
        for occurrence_id, user_id in rows.values_list("occurrence_id", "user_id"):
            found[occurrence_id].append(user_id)
        return {pk: tuple(users) for pk, users in found.items()}

    def _updated(self, row: _Existing, plan: _Planned, reopen: bool) -> Occurrence | None:
        due, who = plan.due, plan.assignment
        effort = plan.content.effort_minutes
        same = (
            not reopen
            and row.period_end == due.period_end
            and row.planned_on == due.planned
            and row.due_on == due.due
            and row.due_at == plan.due_at
            and row.assignee_id == who.assignee_id
            and row.team_id == who.team_id
            and row.effort_minutes == effort
        )
        if same:
            return None
        moved = reopen or row.due_at != plan.due_at
        occurrence = Occurrence(
            pk=row.pk,
            status=OccurrenceStatus.OPEN,
            period_end=due.period_end,
            planned_on=due.planned,
            due_on=due.due,
            due_at=plan.due_at,
            assignee_id=who.assignee_id,
            team_id=who.team_id,
            effort_minutes=effort,
            # A new due time is announced again; an unchanged one keeps what was already sent.
            reminded_at=None if moved else row.reminded_at,
            escalated_at=None if moved else row.escalated_at,
            updated_at=self.now,
        )
        return occurrence

    @staticmethod
    def _replace_owners(owners: dict[int, tuple[int, ...]]) -> None:
        through = Occurrence.owners.through
        ids = list(owners)
        for start in range(0, len(ids), CHUNK):
            through.objects.filter(occurrence_id__in=ids[start : start + CHUNK]).delete()
        through.objects.bulk_create(
            [
                through(occurrence_id=pk, user_id=user_id)
                for pk, users in owners.items()
                for user_id in users
            ],
            batch_size=2000,
        )

    def _create(self, creates: list[_Planned]) -> None:
        """Insert ``creates``; those another worker inserted first are skipped by the database.
        Each row is the content's part (the same for all its rows) and the due part (the same
        for every content sharing a frequency, calendar and shift), both adapted once."""
        now = self.now
        table = bulk.Table(Occurrence, now)
        adapt = table.adapters
        constant = [n for n in table.names if n not in _CONTENT_COLUMNS + _DUE_COLUMNS]
        template = dict(
            zip(
                table.names,
                table.template(
                    {
                        "source": Source.SCHEDULE,
                        "status": OccurrenceStatus.OPEN,
                        "created_at": now,
                        "updated_at": now,
                        "content_id": 0,
                    }
                ),
                strict=True,
            )
        )
        constants = tuple(template[n] for n in constant)
        names = [*_CONTENT_COLUMNS, *_DUE_COLUMNS, *constant]
        heads: dict[int, tuple[Any, ...]] = {}
        tails: dict[int, tuple[Any, ...]] = {}  # by the shared Due's identity
        values: list[tuple[Any, ...]] = []
        for plan in creates:
            content, who, due = plan.content, plan.assignment, plan.due
            head = heads.get(content.pk)
            if head is None:
                head = (content.pk, who.assignee_id, who.team_id, content.effort_minutes)
                heads[content.pk] = head
            tail = tails.get(id(due))
            if tail is None:
                tail = (
                    adapt["period_start"](due.period_start),
                    adapt["period_end"](due.period_end),
                    due.index,
                    adapt["planned_on"](due.planned),
                    adapt["due_on"](due.due),
                    adapt["due_at"](plan.due_at),
                    *constants,
                )
                tails[id(due)] = tail
            values.append(head + tail)
        by_key = {(p.content.pk, p.due.period_start, p.due.index): p for p in creates}
        owner_rows: list[tuple[int, int]] = []
        created: list[tuple[int, _Planned]] = []
        for pk, content_id, period_start, index in _insert(names, table.columns, values):
            if isinstance(period_start, str):  # SQLite returns the stored text
                period_start = date.fromisoformat(period_start)
            plan = by_key[content_id, period_start, index]
            created.append((pk, plan))
            owner_rows.extend((pk, user) for user in plan.assignment.owner_ids)
        if owner_rows:
            bulk.Table(Occurrence.owners.through, now).insert_values(owner_rows)
        self.result.created += len(created)
        start_procedures(created, now)


def _insert(names: list[str], columns: dict[str, str], values: list[tuple[Any, ...]]) -> list:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id, content_id, period_start, index``.

    On PostgreSQL the rows are streamed with COPY into a temporary table of the same columns
    (per connection, emptied after use) and inserted from it in one statement: binding millions
    of parameters costs far more than COPY. Elsewhere, multi-row INSERTs of ``_INSERT_BATCH``."""
    quote = connection.ops.quote_name
    table = quote(Occurrence._meta.db_table)
    listed = ", ".join(quote(columns[n]) for n in names)
    returning = ", ".join(quote(c) for c in ("id", "content_id", "period_start", "index"))
    found: list = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote("routines_new_occurrences")
            # Names from the model, not from input.
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "  # noqa: S608
                f"SELECT {listed} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.cursor.copy(f"COPY {staging} ({listed}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {staging} "  # noqa: S608
                f"ON CONFLICT DO NOTHING RETURNING {returning}"
            )
            found = cursor.fetchall()
            cursor.execute(f"TRUNCATE {staging}")
            return found
        placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
        for start in range(0, len(values), _INSERT_BATCH):
            batch = values[start : start + _INSERT_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({listed}) "  # noqa: S608 (names from the model)
                f"VALUES {', '.join([placeholders] * len(batch))} "
                f"ON CONFLICT DO NOTHING RETURNING {returning}",
                list(chain.from_iterable(batch)),
            )
            found.extend(cursor.fetchall())
    return found


def start_procedures(created: list[tuple[int, _Planned]], now: datetime) -> int:
    """Start the SOP run of each new occurrence whose content, or its item, has an active
    procedure, on the content's calendar. Its clocks start on the morning of the due day (the
    start of its first working window), not when the occurrence is generated weeks ahead, so
    no step is overdue before the work is. One query finds the contents concerned (none in most
    checklists); each procedure is looked up once per content; a procedure without steps starts
    nothing. Returns the runs started."""
    content_ids = {plan.content.pk for _pk, plan in created}
    concerned = set(
        ServiceContent.objects.filter(pk__in=content_ids)
        .filter(Q(procedures__is_active=True) | Q(item__procedures__is_active=True))
        .values_list("pk", flat=True)
    )
    if not concerned:
        return 0
    contents = ServiceContent.objects.select_related("item", "calendar").in_bulk(concerned)
    procedures = {}
    for pk, content in contents.items():
        procedure = sops.procedure_for_content(content)
        if procedure is not None and sops.latest_version(procedure) is not None:
            procedures[pk] = procedure
    runs = []
    for pk, plan in created:
        procedure = procedures.get(plan.content.pk)
        if procedure is not None:
            starts = max(now, plan.cal.morning(plan.due.due))
            run = sops.do_start_run(procedure, calendar=plan.cal.calendar, now=starts)
            runs.append(Occurrence(pk=pk, sop_run=run))
    Occurrence.objects.bulk_update(runs, ["sop_run"], batch_size=500)
    return len(runs)


def start_procedure(occurrence: Occurrence, now: datetime) -> bool:
    """Start the SOP run of one occurrence made by hand, as ``start_procedures`` does for
    generated ones: the content's (or its item's) active procedure, on the content's calendar,
    its clocks from the morning of the due day (or now, if that is later). Returns whether a
    run was started."""
    content = occurrence.content
    procedure = sops.procedure_for_content(content)
    if procedure is None or sops.latest_version(procedure) is None:
        return False
    calendar = content.calendar if content.calendar_id else Calendar.objects.default()
    if calendar is None:
        starts, run_calendar = now, None
    else:
        starts = max(
            now, CalendarDays(calendar, calendar.compile(), now, 1).morning(occurrence.due_on)
        )
        run_calendar = calendar
    run = sops.do_start_run(procedure, calendar=run_calendar, now=starts)
    Occurrence.objects.filter(pk=occurrence.pk).update(sop_run=run)
    occurrence.sop_run = run
    return True
