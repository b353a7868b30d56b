"""Checklist list filters, one parser for the page and the API: parsed into a validated
``ItemFilters`` through an allow-list, then applied to a queryset (``apply``).

Nothing from the input becomes SQL: every parameter is looked up by name, every value is
checked against its choices or converted to an id, a date or bounded text.

* The tree page (``parse``) reads its query string; a bad value is reported, with the message
  the filter form shows for it, and left out (the list is not narrowed by it)::

      q=<text>  status=<Status>|all (default: not retired)  tier=<Tier>
      period=<FrequencyPeriod>|on_demand  category=<id>  owner=mine|user:<id>|team:<id>  due=on
      unread=standards|kpis|any (text-only standards, qualitative KPIs)

* The API (``from_api``) reads the values its query schema has already typed (a bad value is a
  422 there); a category, person or team that does not exist matches nothing::

      q  status  tier  frequency_period  category=<id>  owner=<id or username>
      team=<id or name>  due_for_review=true|false  updated_since=<datetime>
      unread=standards|kpis|any

Content (the API's /contents list) has its own small set: ``apply_content_filters``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms import ChoiceField
from django.utils import timezone

from opsbook.accounts.models import Team, User

from .access import categories_for_user
from .choices import FrequencyKind, FrequencyPeriod, Status, Tier
from .models import Category, Kpi, Ownership, ServiceContent, ServiceItem, ServiceStandard
from .querysets import ItemQuerySet
from .refs import find_team, find_user, query_ref

ON_DEMAND = "on_demand"
UNREAD = ("standards", "kpis", "any")  # text-only standards, qualitative KPIs, either
ANY_STATUS = "all"
MINE = "mine"
MAX_TEXT = 100
TEXT_VALIDATORS = (MaxLengthValidator(MAX_TEXT), ProhibitNullCharactersValidator())


@dataclass(frozen=True)
class ItemFilters:
    """A validated set of checklist filters; empty values mean "any"."""

    q: str = ""
    status: str = ""  # one Status
    hide_retired: bool = False  # the page's default when no status is chosen
    tier: str = ""
    period: str = ""  # a FrequencyPeriod, or ON_DEMAND
    category: Category | None = None  # the category and everything below it
    owner: User | None = None  # items the person owns, directly or through their team
    owner_user_id: int | None = None  # items one person owns directly
    team_id: int | None = None  # items a team owns, or one of its members
    due: bool | None = None  # True: due for review; False: not due
    updated_since: datetime | None = None
    unread: str = ""  # one of UNREAD: items with text-only standards / qualitative KPIs
    nothing: bool = False  # a category, person or team named does not exist: match nothing


Problems = dict[str, list[str]]


# --- the page ---------------------------------------------------------------------------------


def parse(data, *, user, categories: Iterable[Category]) -> tuple[ItemFilters, Problems]:
    """The valid filters in the tree page's query string and a message per bad value (bad
    values are left out). ``categories`` are those the user sees; ``user`` is who "mine" is."""
    problems: Problems = {}
    status = _choice(data, "status", {"", ANY_STATUS, *Status.values}, problems)
    by_pk = {str(c.pk): c for c in categories}
    category = _choice(data, "category", {"", *by_pk}, problems)
    owner, owner_user_id, team_id = _owner(_value(data, "owner"), user, problems)
    return ItemFilters(
        q=_text(_value(data, "q"), "q", problems),
        status=status if status != ANY_STATUS else "",
        hide_retired=status == "",
        tier=_choice(data, "tier", {"", *Tier.values}, problems),
        period=_choice(data, "period", {"", ON_DEMAND, *FrequencyPeriod.values}, problems),
        category=by_pk.get(category),
        owner=owner,
        owner_user_id=owner_user_id,
        team_id=team_id,
        due=_checked(data.get("due")) or None,
        unread=_choice(data, "unread", {"", *UNREAD}, problems),
    ), problems


def _value(data, name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value)


def _invalid_choice(value: str) -> str:
    return str(ChoiceField.default_error_messages["invalid_choice"] % {"value": value})


def _choice(data, name: str, allowed: set[str], problems: Problems) -> str:
    value = _value(data, name)
    if value not in allowed:
        problems.setdefault(name, []).append(_invalid_choice(value))
        return ""
    return value


def _text(value: str, name: str, problems: Problems) -> str:
    value = value.strip()
    messages = []
    for validator in TEXT_VALIDATORS:
        try:
            validator(value)
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        problems.setdefault(name, []).extend(messages)
        return ""
    return value


def _checked(value) -> bool:
    """A checkbox's value as the browser sends it ("on"); "false" and empty are unchecked."""
    if isinstance(value, str):
        return value.lower() != "false" and value != ""
    return bool(value)


def _owner(value: str, user, problems: Problems) -> tuple[User | None, int | None, int | None]:
    """(owner through a team, direct owner id, team id): "mine", "user:<id>" of a staff member
    or "team:<id>" of a team."""
    if value == "":
        return None, None, None
    if value == MINE:
        return user, None, None
    kind, _sep, pk = value.partition(":")
    if pk.isascii() and pk.isdigit() and pk == str(int(pk)):
        if kind == "user" and User.objects.staff().filter(pk=int(pk)).exists():
            return None, int(pk), None
        if kind == "team" and Team.objects.filter(pk=int(pk)).exists():
            return None, None, int(pk)
    problems.setdefault("owner", []).append(_invalid_choice(value))
    return None, None, None


# --- the API ----------------------------------------------------------------------------------


def from_api(values: Mapping, *, user) -> ItemFilters:
    """Filters from the API's typed query values (``schemas.ItemFilters``)."""
    nothing = False
    category = None
    if values.get("category") is not None:
        category = categories_for_user(user).filter(pk=values["category"]).first()
        nothing = nothing or category is None
    owner = None
    if values.get("owner"):
        owner = find_user(query_ref(values["owner"]))
        nothing = nothing or owner is None
    team = None
    if values.get("team"):
        team = find_team(query_ref(values["team"]))
        nothing = nothing or team is None
    since = values.get("updated_since")
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    return ItemFilters(
        q=values.get("q") or "",
        status=values.get("status") or "",
        tier=values.get("tier") or "",
        period=values.get("frequency_period") or "",
        category=category,
        owner=owner,
        team_id=team.pk if team else None,
        due=values.get("due_for_review"),
        updated_since=since,
        unread=values.get("unread") or "",
        nothing=nothing,
    )


# --- applying ---------------------------------------------------------------------------------


def apply(items: ItemQuerySet, f: ItemFilters, *, today: date) -> ItemQuerySet:
    """``items`` narrowed by ``f``; "due for review" is decided as of ``today``."""
    if f.nothing:
        return items.none()
    if f.hide_retired:
        items = items.exclude(status=Status.RETIRED)
    for name, value in (("status", f.status), ("tier", f.tier)):
        if value:
            items = items.filter(**{name: value})
    if f.period == ON_DEMAND:
        items = items.filter(frequency_kind=FrequencyKind.ON_DEMAND)
    elif f.period:
        items = items.filter(frequency_period=f.period)
    if f.category is not None:
        items = items.in_category(f.category)
    items = _by_owner(items, f)
    if f.due:
        items = items.due_for_review(today)
    elif f.due is False:
        due = ServiceItem.objects.due_for_review(today).values("pk")
        items = items.exclude(pk__in=due)
    if f.updated_since is not None:
        items = items.filter(updated_at__gte=f.updated_since)
    if f.unread:
        items = _unread(items, f.unread)
    return items.search(f.q)


def _unread(items: ItemQuerySet, which: str) -> ItemQuerySet:
    """Items (through their own or their content's parts) with a standard kept as text only,
    a qualitative KPI, or either."""
    text_only = ServiceStandard.objects.filter(
        item=OuterRef("pk"),
        response_minutes__isnull=True,
        resolution_minutes__isnull=True,
        followup_minutes__isnull=True,
        lead_days__isnull=True,
        due_day__isnull=True,
        min_staff__isnull=True,
    )
    qualitative = Kpi.objects.filter(item=OuterRef("pk"), target__isnull=True)
    if which == "standards":
        return items.filter(Exists(text_only))
    if which == "kpis":
        return items.filter(Exists(qualitative))
    return items.filter(Exists(text_only) | Exists(qualitative))


def _by_owner(items: ItemQuerySet, f: ItemFilters) -> ItemQuerySet:
    if f.owner is not None:
        items = items.owned_by(f.owner)
    if f.owner_user_id is not None:
        owned = Ownership.objects.filter(user_id=f.owner_user_id, item=OuterRef("pk"))
        items = items.filter(Exists(owned))
    if f.team_id is not None:
        match = Q(team_id=f.team_id) | Q(user__team_id=f.team_id)
        items = items.filter(Exists(Ownership.objects.filter(match, item=OuterRef("pk"))))
    return items


def apply_content_filters(contents: QuerySet[ServiceContent], values: Mapping) -> QuerySet:
    """The API's content list: ``item`` (id), ``q`` (code, name, description), ``status`` and
    ``owner`` (id or username: content they own, directly or through their team)."""
    if values.get("item") is not None:
        contents = contents.filter(item_id=values["item"])
    if values.get("q"):
        text = values["q"].strip()
        contents = contents.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(description__icontains=text)
        )
    if values.get("status"):
        contents = contents.filter(status=values["status"])
    if values.get("owner"):
        user = find_user(query_ref(values["owner"]))
        if user is None:
            return contents.none()
        match = Q(user=user) | Q(team_id=user.team_id) if user.team_id else Q(user=user)
        contents = contents.filter(Exists(Ownership.objects.filter(match, content=OuterRef("pk"))))
    return contents
