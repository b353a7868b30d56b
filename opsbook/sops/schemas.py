"""Input and output shapes of /api/sops/."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from opsbook.core.api import Id
from opsbook.core.text import MultiLine, SingleLine

from .choices import Evidence


class StepIn(Schema):
    name: Annotated[SingleLine, Field(min_length=1, max_length=200)]
    responsible_role: str = ""
    responsible_user_id: Id | None = None
    time_limit_minutes: int | None = Field(None, ge=1, le=60 * 24 * 365)
    evidence: Evidence = Evidence.NONE
    checklist: list[Annotated[SingleLine, Field(max_length=200)]] = Field(
        default_factory=list, max_length=30
    )


class ProcedureIn(Schema):
    name: Annotated[SingleLine, Field(min_length=1, max_length=200)]
    description: Annotated[MultiLine, Field(max_length=5000)] = ""
    steps: list[StepIn] = Field(min_length=1, max_length=50)
    item_ids: list[Id] = Field(default_factory=list, max_length=1000)
    content_ids: list[Id] = Field(default_factory=list, max_length=1000)
    ticket_types: list[str] = Field(default_factory=list, max_length=20)
    note: Annotated[SingleLine, Field(max_length=200)] = ""


class ProcedurePatch(Schema):
    """Only what is sent changes; ``steps`` that differ make a new version."""

    name: Annotated[SingleLine, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[MultiLine, Field(max_length=5000)] | None = None
    steps: list[StepIn] | None = Field(None, min_length=1, max_length=50)
    item_ids: list[Id] | None = Field(None, max_length=1000)
    content_ids: list[Id] | None = Field(None, max_length=1000)
    ticket_types: list[str] | None = Field(None, max_length=20)
    is_active: bool | None = None
    note: Annotated[SingleLine, Field(max_length=200)] = ""
    expected_version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The version your steps are based on: 409 if newer."
    )


class StepOut(Schema):
    id: int
    position: int
    name: str
    responsible_role: str
    responsible_user_id: int | None
    time_limit_minutes: int | None
    evidence: str
    checklist: list[str]


class VersionOut(Schema):
    number: int
    created_at: datetime
    created_by_id: int | None
    note: str
    steps: list[StepOut]


class ProcedureOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    latest_version: int | None
    item_ids: list[int]
    content_ids: list[int]
    ticket_types: list[str]


class ProcedureDetailOut(ProcedureOut):
    versions: list[VersionOut]


class StepRunOut(Schema):
    id: int
    step: StepOut
    state: str
    started_at: datetime | None
    due_at: datetime | None
    overdue: bool
    done_at: datetime | None
    done_by_id: int | None
    note: str
    link: str
    attachment_name: str
    checked: list[int]


class RunOut(Schema):
    id: int
    procedure_id: int
    procedure: str
    version: int
    calendar_id: int | None
    started_at: datetime
    completed_at: datetime | None
    ticket_id: int | None
    occurrence_id: int | None
    steps: list[StepRunOut]


class StepDoneIn(Schema):
    """Completing a step as JSON; a file as evidence is sent as multipart/form-data instead
    (fields ``note``, ``link``, ``checked`` repeated, ``file``)."""

    note: Annotated[MultiLine, Field(max_length=5000)] = ""
    link: Annotated[SingleLine, Field(max_length=1000)] = ""
    checked: list[int] = Field(default_factory=list, max_length=30)
