"""Shapes of the checklist API. Input schemas (``…In``, ``…Patch``) are separate from output
schemas (``…Out``): what a client may send is not what it reads back.

Output schemas read model instances prepared by ``catalog/api.py``: parts are prefetched into
``owner_list``, ``standard_list``, ``kpi_list``, ``checkpoint_list`` and ``resource_list``, and
category paths come from one query per request (``category_paths``).
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator, model_validator

from opsbook.core.api import INT_MAX, Id, IdOrName
from opsbook.core.text import MultiLine, SingleLine

from .choices import (
    Channel,
    DeliveryMode,
    FrequencyPeriod,
    KpiDirection,
    Priority,
    ResourceKind,
    Status,
    Tier,
    TimeBasis,
)
from .kpi_metrics import KpiMetric
from .models import Category

# --- Category paths, one query per request ----------------------------------------------------

PATHS_CACHE = "_opsbook_category_paths"  # the attribute of the request that holds them


def category_paths(request: HttpRequest) -> dict[int, list[str]]:
    """Every category's path (names, root first), loaded once per request and cached on it."""
    cached = getattr(request, PATHS_CACHE, None)
    if cached is not None:
        return cached
    rows = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")
    }
    paths: dict[int, list[str]] = {}

    def path(pk: int) -> list[str]:
        if pk not in paths:
            name, parent = rows[pk]
            paths[pk] = [*path(parent), name] if parent is not None else [name]
        return paths[pk]

    for pk in rows:
        path(pk)
    setattr(request, PATHS_CACHE, paths)
    return paths


def _paths(context) -> dict[int, list[str]]:
    return category_paths(context["request"])


# --- Output -----------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    path: list[str] = Field(description="Names from the root down to this category.")
    description: str
    sort_order: int

    @staticmethod
    def resolve_path(obj, context) -> list[str]:
        return _paths(context)[obj.pk]


class CategoryRef(Schema):
    id: int
    name: str
    path: list[str]

    @staticmethod
    def resolve_path(obj, context) -> list[str]:
        return _paths(context)[obj.pk]


class OwnerOut(Schema):
    user_id: int | None
    username: str | None
    display: str = Field(description="The user's display name, or the team's name.")
    team_id: int | None
    team: str | None
    primary: bool

    @staticmethod
    def resolve_username(obj) -> str | None:
        return obj.user.username if obj.user_id else None

    @staticmethod
    def resolve_display(obj) -> str:
        return obj.user.label if obj.user_id else obj.team.name

    @staticmethod
    def resolve_team(obj) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_primary(obj) -> bool:
        return obj.is_primary


class StandardOut(Schema):
    content_id: int | None = Field(description="Null: the standard covers the whole item.")
    text: str = Field(description="The standard as the team wrote it.")
    channel: Channel | None = Field(description="Null: no channel (sets no SLA clock).")
    priority: Priority | None = Field(description="Null: every priority.")
    response_minutes: int | None
    resolution_minutes: int | None
    time_basis: TimeBasis
    calendar: str | None = Field(description="Calendar name; null: the default calendar.")
    description: str
    followup_minutes: int | None
    lead_days: int | None = Field(description="Due this many days ahead.")
    due_day: int | None = Field(description="Due by this day of each month.")
    min_staff: int | None
    text_only: bool = Field(description="True: nothing measurable was read from the text.")

    @staticmethod
    def resolve_priority(obj) -> str | None:
        return obj.priority or None

    @staticmethod
    def resolve_channel(obj) -> str | None:
        return obj.channel or None

    @staticmethod
    def resolve_text_only(obj) -> bool:
        return not obj.has_structure

    @staticmethod
    def resolve_calendar(obj) -> str | None:
        return obj.calendar.name if obj.calendar_id else None


class KpiOut(Schema):
    content_id: int | None
    text: str = Field(description="The KPI as the team wrote it.")
    name: str
    unit: str
    target: float | None = Field(description="Null: a qualitative KPI.")
    direction: KpiDirection
    description: str
    metric: str | None = Field(description="The metric it is measured by; null: none.")
    qualitative: bool

    @staticmethod
    def resolve_metric(obj) -> str | None:
        return obj.metric or None

    @staticmethod
    def resolve_qualitative(obj) -> bool:
        return obj.target is None


class CheckpointOut(Schema):
    due_date: date
    title: str
    done: bool


class ResourceOut(Schema):
    kind: ResourceKind
    description: str


class PartsOut(Schema):
    owners: list[OwnerOut]
    standards: list[StandardOut]
    kpis: list[KpiOut]
    checkpoints: list[CheckpointOut]
    resources: list[ResourceOut]

    @staticmethod
    def resolve_owners(obj):
        return obj.owner_list

    @staticmethod
    def resolve_standards(obj):
        return obj.standard_list

    @staticmethod
    def resolve_kpis(obj):
        return obj.kpi_list

    @staticmethod
    def resolve_checkpoints(obj):
        return obj.checkpoint_list

    @staticmethod
    def resolve_resources(obj):
        return obj.resource_list


class EntryOut(PartsOut):
    id: int
    code: str
    name: str
    description: str
    status: Status
    frequency_text: str
    frequency: dict[str, Any] | None = Field(
        description="The parsed frequency, as `opsbook frequency --json` prints it."
    )
    frequency_period: FrequencyPeriod | None
    start_date: date | None
    end_date: date | None
    notes: str
    sort_order: int
    version: int = Field(description="Send it back in a PATCH to detect concurrent edits.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_frequency_period(obj) -> str | None:
        return obj.frequency_period or None


class ItemOut(EntryOut):
    category: CategoryRef
    tier: Tier
    target_customers: str
    service_hours: str
    delivery_mode: DeliveryMode | None
    region: str
    review_cycle_months: int | None
    next_review_date: date | None

    @staticmethod
    def resolve_delivery_mode(obj) -> str | None:
        return obj.delivery_mode or None


class ItemRef(Schema):
    id: int
    code: str
    name: str


class ContentOut(EntryOut):
    item: ItemRef


class ContentInItemOut(EntryOut):
    pass


class ItemDetailOut(ItemOut):
    contents: list[ContentInItemOut]

    @staticmethod
    def resolve_contents(obj):
        return obj.content_list


# --- Input ------------------------------------------------------------------------------------

# Names, codes, titles and the parts' sentences are one line (a CR/LF or other control
# character gets a 422 naming the field); descriptions and notes may hold line breaks and tabs
# but no other control character (core/text.py; the models and forms refuse the same).
Code = Annotated[SingleLine, Field(min_length=1, max_length=40)]
Name = Annotated[SingleLine, Field(min_length=1, max_length=200)]
Text = Annotated[MultiLine, Field(max_length=10_000)]
Short = Annotated[SingleLine, Field(max_length=200)]
Line100 = Annotated[SingleLine, Field(max_length=100)]
Line300 = Annotated[SingleLine, Field(max_length=300)]
Sentence = Annotated[SingleLine, Field(max_length=500)]
Order = Annotated[int, Field(ge=0, le=2_147_483_647)]


def refuse_null(value):
    if value is None:
        raise ValueError(_("This field cannot be null."))
    return value


def blank_if_null(value):
    return "" if value is None else value


class OwnerIn(Schema):
    """One owner: a user (id or username) or a team (id or name), never both."""

    user: IdOrName | None = None
    team: IdOrName | None = None
    primary: bool = False

    @model_validator(mode="after")
    def _user_or_team(self):
        if (self.user is None) == (self.team is None):
            raise ValueError(_("Give either a user or a team."))
        return self


class StandardIn(Schema):
    """The team's sentence (``text``), its structure, or both. Text alone is read as the import
    reads it; structure alone gets its canonical text."""

    text: Sentence = ""
    channel: Channel | None = None
    priority: Priority | None = None
    response_minutes: int | None = Field(None, ge=0, le=INT_MAX)
    resolution_minutes: int | None = Field(None, ge=0, le=INT_MAX)
    time_basis: TimeBasis = TimeBasis.BUSINESS
    calendar: SingleLine | None = Field(
        None, description="Calendar name; null: the default calendar."
    )
    description: Line300 = ""
    followup_minutes: int | None = Field(None, ge=0, le=2_147_483_647)
    lead_days: int | None = Field(None, ge=0, le=32767)
    due_day: int | None = Field(None, ge=1, le=31)
    min_staff: int | None = Field(None, ge=1, le=32767)

    @model_validator(mode="after")
    def _has_text_or_structure(self):
        structure = (
            self.response_minutes,
            self.resolution_minutes,
            self.followup_minutes,
            self.lead_days,
            self.due_day,
            self.min_staff,
        )
        if not self.text.strip() and all(v is None for v in structure):
            raise ValueError(_("Write the standard, or give a target for it."))
        return self


class KpiIn(Schema):
    """The team's sentence (``text``), or name and target, or both."""

    text: Sentence = ""
    name: Line100 = ""
    unit: Annotated[SingleLine, Field(max_length=20)] = ""
    target: Annotated[Decimal, Field(max_digits=14, decimal_places=4)] | None = None
    direction: KpiDirection = KpiDirection.AT_LEAST
    description: Line300 = ""
    metric: KpiMetric | None = None

    @model_validator(mode="after")
    def _has_text_or_name(self):
        if not self.text.strip() and not self.name.strip():
            raise ValueError(_("Write the KPI, or give its name."))
        return self


class CheckpointIn(Schema):
    due_date: date
    title: Annotated[SingleLine, Field(min_length=1, max_length=200)]
    done: bool = False


class ResourceIn(Schema):
    kind: ResourceKind
    description: Annotated[SingleLine, Field(min_length=1, max_length=300)]


class PartsIn(Schema):
    """Nested lists: each one given replaces that kind of part; one left out is kept."""

    owners: list[OwnerIn] | None = None
    standards: list[StandardIn] | None = None
    kpis: list[KpiIn] | None = None
    checkpoints: list[CheckpointIn] | None = None
    resources: list[ResourceIn] | None = None


class CategoryIn(Schema):
    name: Annotated[SingleLine, Field(min_length=1, max_length=100)]
    parent_id: Id | None = None
    description: Text = ""
    sort_order: Order = 0


class CategoryPatch(Schema):
    name: Annotated[SingleLine, Field(min_length=1, max_length=100)] | None = None
    parent_id: Id | None = Field(None, description="Null moves the category to the top level.")
    description: Text | None = None
    sort_order: Order | None = None

    check_not_null = field_validator("name", "sort_order")(refuse_null)
    check_blank = field_validator("description", mode="before")(blank_if_null)


class ContentIn(PartsIn):
    code: Code | None = Field(None, description="Left out: the next free `<item code>-NN`.")
    name: Name
    description: Text = ""
    frequency_text: Line100 = ""
    start_date: date | None = None
    end_date: date | None = None
    notes: Text = ""
    status: Status = Status.ACTIVE
    sort_order: Order = 0


class ContentPatch(PartsIn):
    version: int | None = Field(
        None, description="The version you read; a 409 answers if someone saved since."
    )
    code: Code | None = None
    name: Name | None = None
    description: Text | None = None
    frequency_text: Line100 | None = None
    start_date: date | None = None
    end_date: date | None = None
    notes: Text | None = None
    status: Status | None = None
    sort_order: Order | None = None

    check_not_null = field_validator("code", "name", "status", "sort_order")(refuse_null)
    check_blank = field_validator("description", "frequency_text", "notes", mode="before")(
        blank_if_null
    )


class ItemIn(ContentIn):
    code: Code | None = Field(None, description="Left out: the next free `SVC-NNNN`.")
    category_id: int
    tier: Tier = Tier.BASIC
    target_customers: Short = ""
    service_hours: Line100 = ""
    delivery_mode: DeliveryMode | None = None
    region: Line100 = ""
    review_cycle_months: int | None = Field(None, ge=1, le=120)
    next_review_date: date | None = None


class ItemPatch(ContentPatch):
    category_id: Id | None = None
    tier: Tier | None = None
    target_customers: Short | None = None
    service_hours: Line100 | None = None
    delivery_mode: DeliveryMode | None = None
    region: Line100 | None = None
    review_cycle_months: int | None = Field(None, ge=1, le=120)
    next_review_date: date | None = None

    check_item_not_null = field_validator("category_id", "tier")(refuse_null)
    check_item_blank = field_validator(
        "target_customers", "service_hours", "region", mode="before"
    )(blank_if_null)


class UnreadParts(StrEnum):
    STANDARDS = "standards"
    KPIS = "kpis"
    ANY = "any"


class ItemFilters(Schema):
    q: str | None = Field(None, description="Words in the code, name or description.")
    category: Id | None = Field(None, description="A category id; its descendants count too.")
    status: Status | None = None
    tier: Tier | None = None
    owner: str | None = Field(
        None, description="A user id or username: items they own, directly or through a team."
    )
    team: str | None = Field(None, description="A team id or name.")
    frequency_period: FrequencyPeriod | None = None
    due_for_review: bool | None = Field(
        None, description="true: the next review date has passed (retired items excluded)."
    )
    updated_since: datetime | None = None
    unread: UnreadParts | None = Field(
        None,
        description="standards: items with a text-only standard; kpis: with a qualitative KPI; "
        "any: either.",
    )


class ContentFilters(Schema):
    item: Id | None = Field(None, description="A service item id.")
    q: str | None = None
    status: Status | None = None
    owner: str | None = Field(None, description="A user id or username.")


class FrequencyOut(Schema):
    kind: str
    period: str | None
    interval: int
    times_per_period: int | None
    weekdays: list[int]
    month_days: list[int]
    business_days_only: bool
    due_within_days: int | None
    rrule: str | None
    label_zh: str
    label_en: str


class ImportProblemOut(Schema):
    sheet: str
    row: int | None = Field(description="The row number as Excel shows it.")
    column: str | None = Field(description="The column's header as written in the file.")
    message: str


class ImportOwnerNameOut(Schema):
    name: str
    rows: list[int] = Field(description="The first rows using the name.")
    row_count: int
    choice: str = Field(description="create, user, team, or empty: not decided.")
    value: str
    target: str = Field(description="The chosen user's or team's name.")


class ImportCreatedOwnerOut(Schema):
    name: str
    username: str
    id: int


class ImportReportOut(Schema):
    ok: bool = Field(description="True: imported (or, on a dry run, would import) cleanly.")
    dry_run: bool
    problems: list[ImportProblemOut]
    summary: dict[str, dict[str, int]] = Field(
        description="categories / items / contents → created, updated, unchanged."
    )
    unknown_owners: list[str]
    owner_names: list[ImportOwnerNameOut] = Field(
        description="Owner names no user or team has, and those mapped or created by the "
        "request, each once with the rows using it."
    )
    created_owners: list[ImportCreatedOwnerOut] = Field(
        description="The staff members the import created (name only, to be invited)."
    )
    rows: list[dict[str, Any]] = Field(
        description="Rows as they were read, refused rows first, then rows that create or "
        "change something (with ``status``, ``changes`` and ``problem_columns``), then the rest."
    )
    columns: list[str] = Field(description="The recognised headers, in file order.")
    notices: list[ImportProblemOut] = Field(
        description="Not problems: standards kept as text only and qualitative KPIs."
    )
    readings: dict[str, dict[str, int]] = Field(
        description="standards / kpis → structured (read into structure), text (text only)."
    )
