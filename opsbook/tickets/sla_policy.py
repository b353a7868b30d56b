"""Which SLA policy measures a ticket: the checklist's service standard for its item, content,
channel and priority, else the organisation's default target for its type and priority
(``DefaultTarget``); the business calendar the standard names (else the default one), and
that calendar compiled for ``sla.compute``.

Reads only. ``sla_store`` applies the policy chosen here to a ticket's history and stores the
clocks; a ``PolicyResolver`` is shared by a batch (an import, a recomputation) so that each
standard and calendar is read once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q

from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.calendars.models import Calendar
from opsbook.catalog.choices import TimeBasis
from opsbook.catalog.models import ServiceStandard

from .models import DefaultTarget
from .sla import ROUND_THE_CLOCK, Policy

CalendarStamp = tuple[int, datetime]
StandardKey = tuple[int | None, int | None, str, str]


class CalendarCache:
    """Compiled calendars by id, rebuilt when the calendar's version moves on.

    The stamp includes the creation time as well as the version: a calendar deleted and created
    again can get the same id (SQLite reuses the highest rowid) and the same version number.
    """

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[CalendarStamp, CompiledCalendar]] = {}

    @staticmethod
    def _stamp(calendar: Calendar) -> CalendarStamp:
        return (calendar.version, calendar.created_at)

    def get(self, calendar: Calendar) -> CompiledCalendar:
        stamp = self._stamp(calendar)
        hit = self._compiled.get(calendar.pk)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        compiled = calendar.compile()
        self._compiled[calendar.pk] = (stamp, compiled)
        return compiled


calendars = CalendarCache()


def find_standard(
    item_id: int | None, content_id: int | None, channel: str, priority: str
) -> ServiceStandard | None:
    """The service standard for a ticket: content-specific before item-wide, exact priority
    before "every priority"; None when the item sets no target for the channel. Only standards
    with a channel and a response or resolution target count (issue 8: a standard may be
    text only, or state only a deadline or a staffing level)."""
    if item_id is None:
        return None
    candidates = ServiceStandard.objects.filter(
        Q(content__isnull=True) | Q(content_id=content_id),
        Q(priority=priority) | Q(priority=""),
        Q(response_minutes__isnull=False) | Q(resolution_minutes__isnull=False),
        item_id=item_id,
        channel=channel,
    ).select_related("calendar")
    return pick_standard(candidates, content_id, channel, priority)


def pick_standard(
    standards: Iterable[ServiceStandard], content_id: int | None, channel: str, priority: str
) -> ServiceStandard | None:
    """``find_standard`` among standards of one item already in memory."""

    def rank(standard: ServiceStandard) -> tuple[bool, bool, int, int]:
        return (
            standard.content_id is None,
            standard.priority == "",
            standard.position,
            standard.pk,
        )

    candidates = [
        s
        for s in standards
        if s.channel == channel
        and s.sets_sla  # a text-only standard, or one with only a deadline, sets no clock
        and s.content_id in (None, content_id)
        and s.priority in ("", priority)
    ]
    return min(candidates, key=rank, default=None)


@dataclass(frozen=True)
class PolicyChoice:
    standard: ServiceStandard | None
    calendar: Calendar | None
    policy: Policy | None
    default: DefaultTarget | None = None

    @property
    def time_basis(self) -> str:
        source = self.standard or self.default
        return source.time_basis if source is not None else ""


NO_POLICY = PolicyChoice(None, None, None)


def _seconds(minutes: int | None) -> int | None:
    return minutes * 60 if minutes is not None else None


class PolicyResolver:
    """Looks up the standard, calendar and compiled calendar for tickets, with caches so a
    batch (an import, a recomputation) reads each standard and calendar once."""

    def __init__(self) -> None:
        self._standards: dict[StandardKey, ServiceStandard | None] = {}
        self._default: Calendar | None = None
        self._default_read = False
        self._of_item: dict[int, list[ServiceStandard]] = {}
        self._defaults: dict[tuple[str, str], DefaultTarget] | None = None

    def preload(self, item_ids: Iterable[int]) -> None:
        """Read the standards of these items at once (a query per 1,000 items), so choosing
        for any channel and priority of theirs asks the database nothing more (imports)."""
        wanted = sorted(set(item_ids) - set(self._of_item))
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            for item_id in chunk:
                self._of_item[item_id] = []
            for standard in ServiceStandard.objects.filter(item_id__in=chunk).select_related(
                "calendar"
            ):
                self._of_item[standard.item_id].append(standard)

    def default_calendar(self) -> Calendar | None:
        if not self._default_read:
            self._default = Calendar.objects.filter(is_default=True).first()
            self._default_read = True
        return self._default

    def standard(
        self, item_id: int | None, content_id: int | None, channel: str, priority: str
    ) -> ServiceStandard | None:
        key = (item_id, content_id, channel, priority)
        if key not in self._standards:
            if item_id is not None and item_id in self._of_item:
                self._standards[key] = pick_standard(
                    self._of_item[item_id], content_id, channel, priority
                )
            else:
                self._standards[key] = find_standard(item_id, content_id, channel, priority)
        return self._standards[key]

    def default_target(self, ticket_type: str, priority: str) -> DefaultTarget | None:
        """The organisation's default for a ticket type and priority (all read in one query,
        once per resolver); None when there is none or it sets no target."""
        if self._defaults is None:
            self._defaults = {(d.type, d.priority): d for d in DefaultTarget.objects.all()}
        target = self._defaults.get((ticket_type, priority))
        return target if target is not None and target.has_target else None

    def choose(
        self,
        item_id: int | None,
        content_id: int | None,
        channel: str,
        priority: str,
        ticket_type: str = "",
    ) -> PolicyChoice:
        """The checklist's standard for the ticket, else the default for its ``ticket_type``
        and priority (when a type is given), else no policy at all."""
        standard = self.standard(item_id, content_id, channel, priority)
        if standard is not None:
            calendar = standard.calendar or self.default_calendar()
            policy = _policy(standard, calendar)
            return PolicyChoice(standard, calendar, policy)
        default = self.default_target(ticket_type, priority) if ticket_type else None
        if default is None:
            return NO_POLICY
        calendar = self.default_calendar()
        return PolicyChoice(None, calendar, _policy(default, calendar), default)


def _policy(source: ServiceStandard | DefaultTarget, calendar: Calendar | None) -> Policy:
    share = settings.OPSBOOK_SLA_WARNING_PERCENT / 100
    response = _seconds(source.response_minutes)
    resolution = _seconds(source.resolution_minutes)
    if source.time_basis == TimeBasis.CALENDAR:
        return Policy(response, resolution, ROUND_THE_CLOCK, False, share)
    compiled = calendars.get(calendar) if calendar is not None else None
    return Policy(response, resolution, compiled, True, share)
