"""Import the service checklist from Excel or CSV: validate everything, then write it all at once.

The import is a ``core.tabular`` pipeline over data held in memory:

1. find the header and read the rows, parse every cell and group the rows into items and their
   content (``collect``);
2. load the catalog once (categories, items, content, parts, users, teams) and match: items by
   code, else by category path and name; content by code, else by item and name (``matching``);
3. plan: generate missing codes, compare each record and each kind of part with the database,
   check the final state's unique names and date order (``planning``);
4. unless there was a problem or this is a dry run, write everything in one transaction with bulk
   inserts and updates, one audit entry per created or changed record (``writer``).

Owner names no user or team has are problems unless ``owners`` says what to do with them
(create a staff member of that name, or use an existing user or team; ``owners.OwnerChoices``):
the staff members are then created in the same transaction, and only for names still unknown,
so importing again with the same choices creates nobody.

Any problem anywhere means nothing is written. Importing the same file twice changes nothing.
Records in the database that the file does not mention are left alone. A column the file does
not have leaves that field alone; an empty cell in a column it has clears the field (status and
tier excepted: empty keeps them, or gives new records the default).
"""

from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from opsbook.accounts.access import can_create_staff
from opsbook.core.tabular.cells import cell_text
from opsbook.core.tabular.files import ImportFileError
from opsbook.core.tabular.headers import find_header
from opsbook.core.tabular.pipeline import Report, paused_gc
from opsbook.core.tabular.problems import MAX_PROBLEMS, Problem
from opsbook.core.tabular.reading import Table, basename, read_table

from ..access import check_can_manage
from . import preview, writer
from .cells import CellReader
from .collect import PREVIEW_ROWS
from .columns import HEADERS, sheet_rules
from .owners import OwnerChoices, OwnerDirectory
from .planning import Planning

__all__ = [
    "MAX_PROBLEMS",
    "PREVIEW_ROWS",
    "ImportFileError",
    "ImportReport",
    "OwnerChoices",
    "Problem",
    "cell_text",
    "import_catalog",
]

HEADER_SEARCH_ROWS = 10


def _empty_summary() -> dict[str, Any]:
    return {
        level: {"created": 0, "updated": 0, "unchanged": 0}
        for level in ("categories", "items", "contents")
    }


def _empty_readings() -> dict[str, dict[str, int]]:
    return {kind: {"structured": 0, "text": 0} for kind in ("standards", "kpis")}


@dataclass
class ImportReport(Report):
    """What an import found and did. ``summary`` counts records per level; ``rows`` previews
    rows for the wizard, refused and changed rows first (``preview.preview_rows``);
    ``owner_names`` lists the owner names no user or team has, and those the import was told
    what to do with; ``created_owners`` the staff members the import created."""

    summary: dict[str, Any] = field(default_factory=_empty_summary)
    unknown_owners: list[str] = field(default_factory=list)
    owner_names: list[dict] = field(default_factory=list)
    created_owners: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the recognised headers, in file order
    # Not problems: standards kept as text only and qualitative KPIs, to complete by hand later.
    notices: list[Problem] = field(default_factory=list)
    # standards / kpis → structured (read into structure) and text (kept as text only).
    readings: dict[str, dict[str, int]] = field(default_factory=_empty_readings)

    def as_dict(self) -> dict:
        return asdict(self)


def import_catalog(
    data: bytes,
    filename: str,
    *,
    actor,
    dry_run: bool = False,
    source: str = "import",
    owners: OwnerChoices | None = None,
) -> ImportReport:
    """Validate ``data`` (an .xlsx or .csv) and, if it has no problem, write it in one go.
    PermissionDenied unless ``actor`` manages the checklist (``None``: the system), or when
    ``owners`` creates staff members and ``actor`` may not."""
    check_can_manage(actor)
    if owners is not None and owners.creates and actor is not None and not can_create_staff(actor):
        raise PermissionDenied(_("Only administrators and managers may add staff members."))
    report = ImportReport(ok=False, dry_run=dry_run)
    name = basename(filename)
    with paused_gc():
        try:
            table = read_table(data, name, sheet_rules())
        except ImportFileError as exc:
            report.problems.append(Problem(sheet=name, row=None, column=None, message=str(exc)))
            return report
        _Import(table, report, actor=actor, source=source, owners=owners).run()
    return report


class _Import(Planning):
    def __init__(
        self, table: Table, report: ImportReport, *, actor, source: str, owners: OwnerChoices | None
    ):
        super().__init__(report)
        self.owner_choices = owners
        self.table = table
        self.sheet = table.sheet
        self.actor = actor
        self.source = source
        self.unknown = {}
        self.columns = []
        self.labels = {}
        self.drafts = []
        self.data_rows: list = []

    def check(self) -> None:
        data_rows = self._read_header()
        if data_rows is not None:
            self.data_rows = data_rows
            self.directory = OwnerDirectory(choices=self.owner_choices)
            self.cells = CellReader(self.directory)
            self._collect(data_rows)
            self._notice_unread()
            if not self.drafts and not self.problems:
                self.problem(None, None, _("The sheet has a header but no rows to import."))
            self._load()
            self._match()
            self._plan()
            self.report.owner_names = preview.owner_names(self, data_rows)
        self.report.unknown_owners = list(self.unknown)

    def _notice_unread(self) -> None:
        """Count the standards and KPIs read into structure, and list a notice for each one kept
        as text only (it imports; a manager can add the structure on the item's page)."""
        readings, notices = self.report.readings, self.report.notices
        cells = []
        for draft in self.drafts:
            for kind in ("standards", "kpis"):
                cell = draft.values.get(kind)
                if cell:
                    cells.append((kind, cell[0], cell[1], cell[2]))
            for content in draft.contents:
                for kind in ("standards", "kpis"):
                    specs = content.values.get(kind)
                    if specs:
                        cells.append((kind, specs, content.row, content.labels.get(kind)))
        for kind, specs, row, label in cells:
            for spec in specs:
                if kind == "standards":
                    structured = spec.has_structure
                    message = (
                        _(
                            "%(text)s: kept as a text-only standard (no target, deadline or "
                            "staffing level could be read)."
                        )
                        % {"text": spec.text}
                        if not structured
                        else None
                    )
                else:
                    structured = not spec.is_qualitative
                    message = (
                        _("%(text)s: kept as a qualitative KPI (no target could be read).")
                        % {"text": spec.text}
                        if not structured
                        else None
                    )
                readings[kind]["structured" if structured else "text"] += 1
                if message and len(notices) < MAX_PROBLEMS:
                    notices.append(Problem(self.sheet, row, label, message))

    def run(self) -> None:
        super().run()
        if self.data_rows:
            self.report.rows = preview.preview_rows(self, self.data_rows)

    def sort_problems(self) -> None:
        order = {label: i for i, (_idx, _col, label) in enumerate(self.columns)}
        self.report.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))

    def empty_summary(self) -> dict[str, Any]:
        return _empty_summary()

    def busy_message(self) -> str:
        return writer.busy_message()

    def write(self) -> None:
        writer.write(self)

    def _read_header(self):
        rows = self.table.rows
        header = find_header(rows, HEADERS, cell_text, search=HEADER_SEARCH_ROWS)
        odd: list[tuple[int, str, str | None]] = [(i, label, None) for i, label in header.unknown]
        odd += [(i, label, first) for i, label, _column, first in header.twice]
        for _index, label, first in sorted(odd, key=lambda o: o[0]):
            if first is None:
                message = _(
                    "Unknown column. Rename it to one of the accepted headers (listed in the "
                    "template's 说明 sheet) or delete the column."
                )
            else:
                message = _("This column appears twice (also as %(other)s).") % {"other": first}
            self.problem(header.row, label, message)
        self.columns = [(i, c, label) for i, c, label in header.found if c.level != "ignored"]
        self.labels = {c.key: label for _i, c, label in self.columns}
        self.report.columns = [label for _i, _c, label in self.columns]
        for column in header.missing:
            self.problem(header.row, column.zh, _("This required column is missing."))
        if header.missing:
            return None
        return rows[header.index + 1 :]
