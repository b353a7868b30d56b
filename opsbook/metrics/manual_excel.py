"""Manual metric values from a workbook, and the template to fill in.

One sheet (指标数值 / values, else the first that is not a help sheet), one row per value, with
the columns 指标代码 (metric code), 期间 (period: 2026-11, 2026-W45, 2026-Q4, 2026, 2026-11-05,
as the metric is entered per), 数值 (value) and 来源 (source). Headers in Chinese or English.

All or nothing: every row is checked first (the metric exists, the period is of its kind, the
number is a number in the metric's range, the source is given, no period twice), each problem
named by sheet, row and column; only a file without problems is written, in one transaction,
through ``services.do_set_manual_value`` (so the same rules and audit entries as the page).
Importing the same file again changes nothing (a value is set per metric and period).

A rate's value is a fraction 0–1 or a percentage written with % (98.5%); a cell Excel formats
as a percentage arrives as the fraction. Durations are in seconds.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.tabular.cells import cell_text, is_empty
from opsbook.core.tabular.files import ImportFileError, Limits
from opsbook.core.tabular.headers import Column, Headers, find_header
from opsbook.core.tabular.pipeline import Pipeline, Report
from opsbook.core.tabular.problems import Problem
from opsbook.core.tabular.reading import SheetRules, basename, read_table
from opsbook.core.tabular.xlsx import neutralise, new_workbook

from . import services
from .access import can_manage_metrics
from .models import ManualMetric, ManualValue
from .periods import Period, PeriodError, PeriodKind, of_kind
from .registry import Unit
from .services import PERIOD_EXAMPLES

SHEET_NAMES = ("指标数值", "values", "手工指标", "manual metrics", "数值")
HEADERS = Headers(
    (
        Column(
            "metric", "指标代码", "Metric code",
            ("指标", "代码", "指标编号", "metric", "code", "key", "指标键"),
            required=True, max_length=70, width=18,
        ),
        Column(
            "period", "期间", "Period",
            ("月份", "时间", "统计期间", "周期", "month", "date"),
            required=True, max_length=30, width=12,
        ),
        Column(
            "value", "数值", "Value", ("值", "实际值", "数据", "amount"), required=True, width=14
        ),
        Column(
            "source", "来源", "Source",
            ("数据来源", "出处", "source of data"),
            required=True, max_length=300, width=30,
        ),
        Column("name", "指标名称", "Metric name", ("名称", "name"), ignored=True, width=20),
        Column("note", "备注", "Note", ("notes", "remarks"), ignored=True, width=20),
    )
)  # fmt: skip
MAX_ROWS = 20_000
TEMPLATE_INSTRUCTIONS = "说明"


def sheet_rules() -> SheetRules:
    return SheetRules(
        names=SHEET_NAMES,
        limits=Limits(rows=MAX_ROWS, columns=30, uncompressed=64 * 1024 * 1024),
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=MAX_ROWS,
    )


@dataclass
class ValuesReport(Report):
    summary: dict[str, Any] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    sheet: str = ""


@dataclass
class _Row:
    row: int
    metric: ManualMetric
    period: Period
    value: Decimal
    source: str


def import_values(
    data: bytes, filename: str, *, actor, dry_run: bool = False, now: datetime | None = None
) -> ValuesReport:
    """Check (and unless ``dry_run`` write) a values file. ``actor`` None is the command line."""
    if actor is not None and not can_manage_metrics(actor):
        raise PermissionDenied
    report = ValuesReport(ok=False, dry_run=dry_run)
    name = basename(filename)
    try:
        table = read_table(data, name, sheet_rules())
    except ImportFileError as exc:
        report.problems.append(Problem(name, None, None, str(exc)))
        return report
    report.sheet = table.sheet
    _Import(report, table, actor=actor, now=clock.or_now(now)).run()
    return report


class _Import(Pipeline):
    def __init__(self, report: ValuesReport, table, *, actor, now: datetime):
        super().__init__(report)
        self.values_report = report
        self.table, self.actor, self.now = table, actor, now
        self.sheet = table.sheet
        self.rows: list[_Row] = []

    def empty_summary(self) -> dict[str, Any]:
        return {"created": 0, "updated": 0, "unchanged": 0}

    def check(self) -> None:
        header = find_header(self.table.rows, HEADERS, cell_text)
        for column in header.missing:
            self.problem(
                header.row,
                f"{column.zh} / {column.en}",
                _("This required column is missing."),
            )
        for _i, label, _c, first in header.twice:
            self.problem(
                header.row,
                label,
                _("This column appears twice (also %(first)s).") % {"first": first},
            )
        if header.missing or header.twice:
            return
        columns = header.columns()
        body = self.table.rows[header.index + 1 :]
        if not body:
            self.problem(None, None, _("The file has headers but no rows to import."))
            return
        # Codes are matched without case; an organisation has tens of manual metrics.
        metrics = {m.code.casefold(): m for m in ManualMetric.objects.all()}
        seen: dict[tuple[int, date], int] = {}
        for number, cells in body:
            found = self._read_row(number, cells, columns, metrics)
            if found is None:
                continue
            key = (found.metric.pk, found.period.start)
            if key in seen:
                self.problem(
                    number,
                    columns["period"][1],
                    _("%(metric)s %(period)s is already given on row %(row)d.")
                    % {"metric": found.metric.code, "period": found.period.code, "row": seen[key]},
                )
                continue
            seen[key] = number
            self.rows.append(found)
        if not self.problems:
            self._summarise()

    def _cell(self, cells: list, columns: dict, key: str) -> tuple[Any, str]:
        index, label = columns[key]
        return (cells[index] if index < len(cells) else ""), label

    def _read_row(self, number: int, cells: list, columns: dict, metrics: dict) -> _Row | None:
        bad = False
        raw, label = self._cell(cells, columns, "metric")
        code = cell_text(raw).removeprefix("manual.")
        metric = metrics.get(code.casefold()) if code else None
        if not code:
            self.problem(number, label, _("Required."))
            bad = True
        elif metric is None:
            self.problem(
                number,
                label,
                _("There is no manual metric with the code %(code)s.") % {"code": code},
            )
            bad = True
        raw, label = self._cell(cells, columns, "period")
        period = None
        if is_empty(raw):
            self.problem(number, label, _("Required."))
            bad = True
        elif metric is not None:
            try:
                period = read_period_cell(metric, raw)
            except ValidationError as exc:
                self.problem(number, label, exc.messages[0])
                bad = True
        raw, label = self._cell(cells, columns, "value")
        value = None
        if is_empty(raw):
            self.problem(number, label, _("Required."))
            bad = True
        elif metric is not None:
            try:
                value = read_value_cell(metric, raw)
            except ValidationError as exc:
                self.problem(number, label, exc.messages[0])
                bad = True
        raw, label = self._cell(cells, columns, "source")
        source = " ".join(cell_text(raw).split())
        if not source:
            self.problem(number, label, _("Say where the value comes from."))
            bad = True
        elif len(source) > 300:
            self.problem(number, label, _("Longer than %(limit)d characters.") % {"limit": 300})
            bad = True
        elif any(ord(ch) < 32 for ch in source):
            self.problem(number, label, _("The cell holds control characters."))
            bad = True
        if bad or metric is None or period is None or value is None:
            return None
        return _Row(number, metric, period, value, source)

    def _summarise(self) -> None:
        stored = {
            (v.metric_id, v.period_start): v
            for v in ManualValue.objects.filter(metric__in={r.metric.pk for r in self.rows})
        }
        summary = self.empty_summary()
        for row in self.rows:
            old = stored.get((row.metric.pk, row.period.start))
            if old is None:
                summary["created"] += 1
            elif old.value == row.value and old.source == row.source:
                summary["unchanged"] += 1
            else:
                summary["updated"] += 1
        self.report.summary = summary

    def write(self) -> None:
        try:
            for row in self.rows:
                services.do_set_manual_value(
                    self.actor,
                    row.metric,
                    period=row.period,
                    value=row.value,
                    source=row.source,
                    origin="import",
                    now=self.now,
                )
        except ValidationError as exc:  # someone changed a metric since the check
            raise ConflictError("; ".join(exc.messages)) from None


def read_period_cell(metric: ManualMetric, raw: Any) -> Period:
    """A period cell: a code (2026-11, 2026-Q4, 2026) or a date Excel made of one (typing
    2026-11 in Excel stores 1 November 2026), which must start a period of the metric's kind."""
    if isinstance(raw, datetime | date):
        day = raw.date() if isinstance(raw, datetime) else raw
        try:
            period = of_kind(metric.period_kind, day)
        except PeriodError:
            period = None
        if period is None or period.start != day:
            raise ValidationError(
                _("%(metric)s is entered per %(kind)s: write a period like %(example)s.")
                % {
                    "metric": metric.code,
                    "kind": PeriodKind(metric.period_kind).label,
                    "example": PERIOD_EXAMPLES[metric.period_kind],
                }
            )
        return period
    try:
        return services.read_period(metric, cell_text(raw))
    except ValidationError as exc:
        raise ValidationError(exc.messages[0]) from None


def read_value_cell(metric: ManualMetric, raw: Any) -> Decimal:
    """A value cell as stored. A rate: a fraction 0–1, or a percentage written with %."""
    percent = False
    if isinstance(raw, bool):
        raise ValidationError(_("Not a number: %(text)s.") % {"text": cell_text(raw)})
    if isinstance(raw, int | float):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = cell_text(raw).replace(",", "").replace("，", "").replace("％", "%").strip()
        if text.endswith("%"):
            percent, text = True, text[:-1].strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Not a number: %(text)s.") % {"text": cell_text(raw)}) from None
    if not number.is_finite():
        raise ValidationError(_("Not a number: %(text)s.") % {"text": cell_text(raw)})
    if percent:
        if metric.unit != Unit.RATIO:
            raise ValidationError(_("Only a rate is written as a percentage."))
        number = number / 100
    elif metric.unit == Unit.RATIO and number > 1:
        raise ValidationError(
            _(
                "A rate is written as a fraction (0.985) or a percentage (98.5%%); "
                "%(text)s is neither."
            )
            % {"text": cell_text(raw)}
        )
    # Floats from Excel carry binary noise (0.1 + 0.2): four decimal places are kept.
    if isinstance(raw, float):
        number = number.quantize(Decimal("0.0001"))
    try:
        return services.read_value(metric, number)
    except ValidationError as exc:
        raise ValidationError(exc.messages[0]) from None


# --- The template ---------------------------------------------------------------------------


def write_template() -> bytes:
    """The sheet to fill in (headers only) and a help sheet listing the manual metrics with
    their codes, units and the form of their periods. Text is formula-safe."""
    output = io.BytesIO()
    workbook = new_workbook(output)
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(SHEET_NAMES[0])
    for index, column in enumerate(c for c in HEADERS.columns if not c.ignored):
        sheet.write_string(0, index, f"{column.zh}/{column.en}", bold)
        # Text cells: Excel keeps 2026-11 as typed instead of making a date of it.
        sheet.set_column(index, index, column.width, text)
    sheet.freeze_panes(1, 0)
    help_sheet = workbook.add_worksheet(TEMPLATE_INSTRUCTIONS)
    lines = [
        _("One row per value: metric code, period, value, source."),
        _("The period is written as the metric is entered: %(forms)s.")
        % {"forms": ", ".join(PERIOD_EXAMPLES[k] for k in services.MANUAL_PERIOD_KINDS)},
        _("A rate is a fraction (0.985) or a percentage (98.5%); durations are in seconds."),
        _(
            "Importing again replaces the value of the same metric and period; nothing is "
            "written if any row has a problem."
        ),
    ]
    for row, line in enumerate(lines):
        help_sheet.write_string(row, 0, neutralise(str(line)))
    heads = [_("Metric code"), _("Name"), _("Unit"), _("Entered per"), _("Example period")]
    start = len(lines) + 1
    for index, head in enumerate(heads):
        help_sheet.write_string(start, index, str(head), bold)
    help_sheet.set_column(0, 0, 60)
    help_sheet.set_column(1, len(heads), 18)
    for row, metric in enumerate(ManualMetric.objects.filter(is_active=True), start + 1):
        cells = [
            metric.code,
            metric.name,
            str(Unit(metric.unit).label),
            str(PeriodKind(metric.period_kind).label),
            PERIOD_EXAMPLES.get(metric.period_kind, ""),
        ]
        for index, value in enumerate(cells):
            help_sheet.write_string(row, index, neutralise(value))
    workbook.close()
    return output.getvalue()
