"""What the API takes and answers about ticket exports (export.py)."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from ..choices import ExportFormat, ExportState


class TicketExportQuery(Schema):
    format: ExportFormat = Field(
        ExportFormat.XLSX, description="xlsx (default) or csv (UTF-8 with a BOM)."
    )


class TicketExportJobQuery(TicketExportQuery):
    """The same choice when starting a background export (its own name in the OpenAPI
    document: a component shared by a GET and a POST route is rendered twice)."""


class ExportJobOut(Schema):
    id: UUID
    format: ExportFormat
    state: ExportState = Field(description="queued, running, done, failed or expired.")
    rows_done: int
    rows_total: int = Field(description="0 until the job has counted the rows.")
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime = Field(description="The file is deleted then.")
    download: str | None = Field(description="The file's URL once done; only you can use it.")
