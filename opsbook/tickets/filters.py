"""Ticket list filters: parsed from a query string (or a plain dict, for the API) into a
validated ``TicketFilters`` through an allow-list, then applied to a queryset.

Nothing from the input becomes SQL: every parameter is looked up by name in ``PARAMETERS``,
every value is checked against its choices or converted to an integer, a date or bounded text,
and orderings come from ``ORDERINGS``. A bad value is reported with a message naming it and is
left out (``parse``), or refused as a whole (``parse_strict``, ``filters_from_dict``).

Query parameters::

    status=new&status=waiting (or status=new,waiting)   type  channel  priority
    item=<id>  customer=<id>  assignee=me|none|<id>  team=<id>  sla=<SlaState>  tag=<name>
    created_from=YYYY-MM-DD  created_to=YYYY-MM-DD  q=<text>  ordering=<key of ORDERINGS>
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from opsbook.accounts.access import is_staff_member
from opsbook.catalog.choices import Channel, Priority

from .choices import PAUSED_STATUSES, RUNNING_STATUSES, SlaState, Status, TicketType
from .models import SavedFilter, Ticket
from .querysets import sla_state_q

MAX_ID = 2**63 - 1
MAX_TEXT = 100
MAX_TAG = 50
MAX_FILTER_NAME = 100
MAX_SAVED_QUERY = 1000
ME, NOBODY = "me", "none"
DEFAULT_ORDERING = "-created_at"
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
MET_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})
NUMBER = re.compile(r"#?(\d{1,18})")


@dataclass(frozen=True)
class Ordering:
    label: StrOrPromise
    order_by: tuple  # expressions or field names, always ending in a unique tie-breaker


def _due(name: str) -> tuple:
    return (F(name).asc(nulls_last=True), F("id").asc())


# The orderings people may choose. Newest first matches ticket_created_idx and every
# "<column>, -created_at, -id" index; the others need the indexes named in the UI report.
ORDERINGS: dict[str, Ordering] = {
    "-created_at": Ordering(gettext_lazy("Newest first"), ("-created_at", "-id")),
    "created_at": Ordering(gettext_lazy("Oldest first"), ("created_at", "id")),
    "resolution_due_at": Ordering(
        gettext_lazy("Resolution due soonest"), _due("resolution_due_at")
    ),
    "response_due_at": Ordering(gettext_lazy("Response due soonest"), _due("response_due_at")),
    "priority": Ordering(
        gettext_lazy("Priority, most urgent first"), ("priority_rank", "-created_at", "-id")
    ),
    "updated_at": Ordering(gettext_lazy("Recently updated"), ("-updated_at", "-id")),
}


@dataclass(frozen=True)
class TicketFilters:
    """A validated set of list filters; empty values mean "any"."""

    status: tuple[str, ...] = ()
    type: str = ""
    channel: str = ""
    priority: str = ""
    item: int | None = None
    customer: int | None = None
    assignee: str = ""  # "me", "none" or a user id as text
    team: int | None = None
    sla: str = ""
    tag: str = ""
    created_from: date | None = None
    created_to: date | None = None
    q: str = ""
    ordering: str = DEFAULT_ORDERING
    # Who "me" is; set by parse() from the user, not a query parameter.
    me: int | None = field(default=None, compare=False, repr=False)

    @property
    def assignee_id(self) -> int | None:
        if self.assignee == ME:
            return self.me
        if self.assignee and self.assignee != NOBODY:
            return int(self.assignee)
        return None

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (the ordering does not)."""
        return any(getattr(self, f.name) for f in fields(self) if f.name not in {"ordering", "me"})

    def items(self) -> list[tuple[str, str]]:
        """The filters as (parameter, value) pairs in a fixed order (status repeated)."""
        pairs: list[tuple[str, str]] = [("status", s) for s in self.status]
        for name in ("type", "channel", "priority"):
            if getattr(self, name):
                pairs.append((name, getattr(self, name)))
        for name in ("item", "customer"):
            if getattr(self, name) is not None:
                pairs.append((name, str(getattr(self, name))))
        if self.assignee:
            pairs.append(("assignee", self.assignee))
        if self.team is not None:
            pairs.append(("team", str(self.team)))
        for name in ("sla", "tag"):
            if getattr(self, name):
                pairs.append((name, getattr(self, name)))
        for name in ("created_from", "created_to"):
            if getattr(self, name) is not None:
                pairs.append((name, getattr(self, name).isoformat()))
        if self.q:
            pairs.append(("q", self.q))
        if self.ordering != DEFAULT_ORDERING:
            pairs.append(("ordering", self.ordering))
        return pairs

    def to_query_dict(self) -> QueryDict:
        query = QueryDict(mutable=True)
        for name, value in self.items():
            query.appendlist(name, value)
        return query

    def to_query(self) -> str:
        """The canonical query string (what a saved filter stores)."""
        return self.to_query_dict().urlencode()


# --- parsing ----------------------------------------------------------------------------------


def _values(data, name: str) -> list[str]:
    """Every non-empty value given for ``name`` (QueryDict lists, dict scalars or lists)."""
    if isinstance(data, QueryDict):
        raw = data.getlist(name)
    else:
        value = data.get(name) if isinstance(data, Mapping) else None
        if value is None:
            raw = []
        elif isinstance(value, list | tuple | set | frozenset):
            raw = list(value)
        else:
            raw = [value]
    return [str(v).strip() for v in raw if v is not None and str(v).strip() != ""]


class _Errors:
    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)


def _one(data, name: str, errors: _Errors) -> str:
    values = _values(data, name)
    if len(values) > 1:
        errors.add(
            name,
            _("Give one value for %(name)s, not %(count)d.")
            % {
                "name": name,
                "count": len(values),
            },
        )
        return ""
    return values[0] if values else ""


def _choice(data, name: str, choices, errors: _Errors) -> str:
    value = _one(data, name, errors)
    if value and value not in choices.values:
        errors.add(
            name,
            _("%(value)s is not a known %(name)s. Use one of: %(choices)s.")
            % {"value": _shown(value), "name": name, "choices": ", ".join(choices.values)},
        )
        return ""
    return value


def _shown(value: str) -> str:
    """A bad value quoted in a message, cut short (it is escaped where it is shown)."""
    return repr(value[:40] + ("…" if len(value) > 40 else ""))


def _id(value: str, name: str, errors: _Errors) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        errors.add(
            name,
            _("%(value)s is not a valid id for %(name)s.")
            % {
                "value": _shown(value),
                "name": name,
            },
        )
        return None
    return int(value)


def _date(value: str, name: str, errors: _Errors) -> date | None:
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        errors.add(name, _("%(value)s is not a date like 2026-01-31.") % {"value": _shown(value)})
        return None


def _status(data, errors: _Errors) -> tuple[str, ...]:
    statuses: list[str] = []
    for value in _values(data, "status"):
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if part not in Status.values:
                errors.add(
                    "status",
                    _("%(value)s is not a status. Use one of: %(choices)s.")
                    % {"value": _shown(part), "choices": ", ".join(Status.values)},
                )
            elif part not in statuses:
                statuses.append(part)
    # In the order of the status machine, so equal filters have equal query strings.
    return tuple(s for s in Status.values if s in statuses)


def _assignee(value: str, user, errors: _Errors) -> tuple[str, int | None]:
    me = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    if not value or value == NOBODY:
        return value, me
    if value == ME:
        if me is None:
            errors.add("assignee", _("“me” needs a signed-in user."))
            return "", None
        return ME, me
    pk = _id(value, "assignee", errors)
    return (str(pk) if pk is not None else ""), me


def _text(value: str, name: str, limit: int, errors: _Errors) -> str:
    value = " ".join(value.split())
    if "\x00" in value:  # PostgreSQL cannot compare with it
        errors.add(name, _("Null characters are not allowed."))
        return ""
    if len(value) > limit:
        errors.add(
            name,
            _("%(name)s is longer than %(limit)d characters.")
            % {
                "name": name,
                "limit": limit,
            },
        )
        return ""
    return value


def parse(data, *, user=None) -> tuple[TicketFilters, dict[str, list[str]]]:
    """The valid filters in ``data`` and a message per bad value (bad values are left out).

    ``data`` is a QueryDict or a mapping of names to a string or a list of strings; names that
    are not filters (page, per_page, limit …) are ignored. ``user`` is who "assignee=me" means.
    """
    errors = _Errors()
    assignee, me = _assignee(_one(data, "assignee", errors), user, errors)
    created_from = _date(_one(data, "created_from", errors), "created_from", errors)
    created_to = _date(_one(data, "created_to", errors), "created_to", errors)
    if created_from and created_to and created_to < created_from:
        errors.add("created_to", _("The end date is before the start date."))
        created_to = None
    ordering = _one(data, "ordering", errors) or DEFAULT_ORDERING
    if ordering not in ORDERINGS:
        errors.add(
            "ordering",
            _("%(value)s is not a known ordering. Use one of: %(choices)s.")
            % {"value": _shown(ordering), "choices": ", ".join(ORDERINGS)},
        )
        ordering = DEFAULT_ORDERING
    filters = TicketFilters(
        status=_status(data, errors),
        type=_choice(data, "type", TicketType, errors),
        channel=_choice(data, "channel", Channel, errors),
        priority=_choice(data, "priority", Priority, errors),
        item=_id(_one(data, "item", errors), "item", errors),
        customer=_id(_one(data, "customer", errors), "customer", errors),
        assignee=assignee,
        team=_id(_one(data, "team", errors), "team", errors),
        sla=_choice(data, "sla", SlaState, errors),
        tag=_text(_one(data, "tag", errors), "tag", MAX_TAG, errors),
        created_from=created_from,
        created_to=created_to,
        q=_text(_one(data, "q", errors), "q", MAX_TEXT, errors),
        ordering=ordering,
        me=me,
    )
    return filters, errors.by_field


def parse_strict(data, *, user=None) -> TicketFilters:
    """Like ``parse``, but any bad value raises ValidationError (a message list per field)."""
    filters, errors = parse(data, user=user)
    if errors:
        raise ValidationError({name: list(messages) for name, messages in errors.items()})
    return filters


def filters_from_dict(values: Mapping, *, user=None) -> TicketFilters:
    """For the API: filters from a plain dict (a value may be a string or a list of strings).
    Raises ValidationError keyed by parameter name when a value is bad."""
    return parse_strict(dict(values), user=user)


def with_me(filters: TicketFilters, user) -> TicketFilters:
    """The same filters with "me" meaning ``user`` (for a saved filter used by its owner)."""
    return replace(filters, me=getattr(user, "pk", None))


# --- applying ---------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _search(text: str) -> Q:
    """Title contains the text; or the number (#123 / 123); or the exact external id."""
    condition = Q(title__icontains=text) | Q(external_id=text)
    number = NUMBER.fullmatch(text)
    if number and int(number.group(1)) <= MAX_ID:
        condition |= Q(pk=int(number.group(1)))
    return condition


def apply(qs: QuerySet[Ticket], filters: TicketFilters, now: datetime) -> QuerySet[Ticket]:
    """``qs`` narrowed by ``filters`` and ordered by ``filters.ordering``. Dates are days in
    the current time zone; SLA states are decided as of ``now``."""
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    for name in ("type", "channel", "priority"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.item is not None:
        qs = qs.filter(item_id=filters.item)
    if filters.customer is not None:
        qs = qs.filter(customer_id=filters.customer)
    if filters.assignee == NOBODY:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        if filters.assignee_id is None:
            return qs.none()
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.sla:
        qs = qs.filter(sla_state_q(filters.sla, now))
    if filters.tag:
        tagged = Ticket.tags.through.objects.filter(ticket_id=OuterRef("pk"), tag__name=filters.tag)
        qs = qs.filter(Exists(tagged))
    if filters.created_from:
        qs = qs.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        qs = qs.filter(created_at__lt=_day_start(filters.created_to + timedelta(days=1)))
    if filters.q:
        qs = qs.filter(_search(filters.q))
    ordering = ORDERINGS[filters.ordering]
    if filters.ordering == "priority":
        qs = qs.annotate(
            priority_rank=Case(
                *[When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()],
                default=Value(len(PRIORITY_RANK)),
                output_field=IntegerField(),
            )
        )
    return qs.order_by(*ordering.order_by)


# --- one ticket's SLA state -------------------------------------------------------------------


def sla_state(ticket: Ticket, now: datetime) -> str:
    """The SlaState of one loaded ticket, decided exactly as ``Ticket.objects.in_sla_state``
    decides it in SQL (the badge and the filter always agree)."""
    has_target = (
        ticket.response_target_seconds is not None or ticket.resolution_target_seconds is not None
    )
    if ticket.status == Status.CANCELLED:
        return SlaState.NONE
    if not has_target:
        return SlaState.NO_CLOCK
    running = ticket.status in RUNNING_STATUSES
    response_open = running and ticket.first_response_at is None
    breached = (
        ticket.response_breached
        or ticket.resolution_breached
        or (response_open and ticket.response_due_at is not None and ticket.response_due_at < now)
        or (running and ticket.resolution_due_at is not None and ticket.resolution_due_at < now)
    )
    if breached:
        return SlaState.BREACHED
    if ticket.status in PAUSED_STATUSES:
        return SlaState.PAUSED
    if ticket.status in MET_STATUSES:
        return SlaState.MET
    warned = (
        response_open and ticket.response_warn_at is not None and ticket.response_warn_at <= now
    ) or (running and ticket.resolution_warn_at is not None and ticket.resolution_warn_at <= now)
    return SlaState.WARNING if warned else SlaState.OK


def next_due(ticket: Ticket) -> tuple[str, datetime | None]:
    """Which clock the badge shows ("response" until the first reply, then "resolution")
    and its due time."""
    if ticket.first_response_at is None and ticket.response_due_at is not None:
        return "response", ticket.response_due_at
    return "resolution", ticket.resolution_due_at


# --- saved filters: one user's named queries ----------------------------------------------------


def saved_filters_for(user):
    """The user's own saved filters (nobody sees another person's)."""
    if not is_staff_member(user):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(owner=user)


@transaction.atomic
def do_save_ticket_filter(owner, *, name: str, query: str) -> tuple[SavedFilter, bool]:
    """Save ``query`` (re-validated, stored in canonical form) under ``name``; a filter of the
    same name is replaced. Returns the filter and whether it is new."""
    if not is_staff_member(owner):
        raise PermissionDenied(_("Only staff save ticket filters."))
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    if len(name) > MAX_FILTER_NAME:
        raise ValidationError(
            {"name": _("A name has at most %(limit)d characters.") % {"limit": MAX_FILTER_NAME}}
        )
    parsed, errors = parse(QueryDict(str(query or "")), user=owner)
    if errors:
        raise ValidationError({"query": [m for messages in errors.values() for m in messages]})
    canonical = parsed.to_query()
    if len(canonical) > MAX_SAVED_QUERY:
        raise ValidationError({"query": _("These filters are too long to save.")})
    return SavedFilter.objects.update_or_create(
        owner=owner, name=name, defaults={"query": canonical}
    )


@transaction.atomic
def do_delete_ticket_filter(owner, saved: SavedFilter) -> None:
    if saved.owner_id != getattr(owner, "pk", None):
        raise PermissionDenied(_("This is someone else's filter."))
    saved.delete()
