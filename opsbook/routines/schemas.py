"""The routines API's input and output shapes (input apart from output)."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from opsbook.core.api import Id
from opsbook.core.text import MultiLine

from .choices import OccurrenceStatus
from .services import MAX_LINK, MAX_NOTE

Note = Annotated[MultiLine, Field(max_length=MAX_NOTE)]
# Where an occurrence came from (``choices.Source``), inline: the tickets' ``Source`` component
# already has that name in the OpenAPI document.
OccurrenceSource = Literal["schedule", "manual", "ticket"]


# --- output -----------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    username: str
    name: str


class TeamRef(Schema):
    id: int
    name: str


class EvidenceOut(Schema):
    id: str
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_at: datetime
    download_url: str


class OccurrenceOut(Schema):
    id: int
    content: Ref
    item: Ref
    source: OccurrenceSource
    period_start: date
    period_end: date
    index: int
    planned_on: date
    due_on: date
    due_at: datetime
    status: OccurrenceStatus
    late: bool = Field(description="Open past its due time, or done after it.")
    assignee: PersonRef | None
    owners: list[PersonRef]
    team: TeamRef | None
    ticket_id: int | None
    sop_run_id: int | None
    effort_minutes: int | None
    completed_at: datetime | None
    completed_by: PersonRef | None
    note: str
    link: str
    skip_reason: str
    evidence: list[EvidenceOut]
    url: str = Field(description="The occurrence's page.")


class OccurrencePage(Schema):
    items: list[OccurrenceOut]
    count: int


class CoverageRowOut(Schema):
    key: int | None = Field(description="The content, user or item id; null: nobody assigned.")
    code: str
    label: str
    planned: int
    done_on_time: int
    done_late: int
    skipped: int
    missed: int
    open: int
    late: int = Field(description="Open and past the due time (also counted in open).")
    rate: float | None = Field(description="Done (on time or late) in % of the settled work.")
    list_url: str = Field(description="The occurrence list filtered to this row's work.")


class CoverageOut(Schema):
    start: date
    end: date
    by: Literal["content", "owner", "item"]
    rows: list[CoverageRowOut]
    total: CoverageRowOut


# --- input ------------------------------------------------------------------------------------


class OccurrenceFilterQuery(Schema):
    status: list[str] = Field(
        default_factory=list,
        description="open, late, done, done_on_time, done_late, skipped, missed, cancelled "
        "(repeat or separate with commas; OR-ed).",
    )
    scope: str = Field("", description="mine, team or all (the default).")
    content: str = ""
    item: str = ""
    ticket: str = ""
    assignee: str = Field("", description="A user id, me or none.")
    due_from: str = Field("", description="YYYY-MM-DD, included.")
    due_to: str = Field("", description="YYYY-MM-DD, included.")
    month: str = Field("", description="YYYY-MM: the month's first to last day.")
    source: str = ""


class CompleteIn(Schema):
    note: Note = ""
    link: Annotated[str, Field(max_length=MAX_LINK)] = ""


class SkipIn(Schema):
    reason: Note


class ReopenIn(Schema):
    reason: Note = ""


class ReassignIn(Schema):
    assignee: Id


class OccurrenceIn(Schema):
    content: Id
    due_on: date
    assignee: Id | None = None
    ticket: Id | None = None
    note: Note = ""


class CoverageQuery(Schema):
    by: Literal["content", "owner", "item"] = "content"
    item: Id | None = None
    owner: Id | None = None
    month: str = Field("", description="YYYY-MM; the current month when no period is given.")
    due_from: date | None = Field(None, description="The period's first day (with due_to).")
    due_to: date | None = Field(None, description="The period's last day, at most a year on.")
