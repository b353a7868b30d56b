"""The automatic draft: a template + a month (+ the template's scope) → the report's document
(``document.py``), and the services that create a report and rebuild its draft.

How the figures are collected, so a draft costs a small fixed number of engine calls whatever
the number of rows (the issue asks it within 2× of the metrics overview of the same month):

1. every block of every section says what it needs (``plan``): metric keys for the report's
   scope, keys cut by a dimension, keys whose trailing months it reads (trends, anomalies);
2. the context runs the engine once for all the keys (``evaluate``: current, previous month,
   same month last year, targets), once per dimension asked for, and the trailing months of
   every series key together, three months per family query;
3. the blocks build their tables and charts from those results (no queries per row).

``build_document`` only reads. ``do_create_report`` and ``do_build_draft`` write (one
transaction each, audited).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from opsbook.audit.models import Action
from opsbook.audit.services import record
from opsbook.metrics import engine, registry
from opsbook.metrics.periods import Period, PeriodError, org_tz
from opsbook.metrics.periods import parse as parse_period
from opsbook.metrics.registry import WINDOWS, Value, Windows

from . import blocks as block_registry
from . import formatting, narrative
from .access import can_edit_report, can_manage_reports
from .choices import EDITABLE_STATUSES, TemplateKind
from .deadlines import deadline_for
from .document import SCHEMA, Definition, Document, FigureData, Section, figure_ref
from .models import Report, ReportSection, ReportTemplate

SERIES_MONTHS = 13  # twelve trailing months and this one: trends and anomalies


class DraftError(ValidationError):
    """A draft that cannot be made (a future month, a report no longer editable)."""


@dataclass
class DraftContext:
    """What the blocks of one draft share: the template, month, scope, clock and language; the
    engine results (fetched once, by ``prepare``); the figures shown so far, by ref."""

    template: ReportTemplate
    period: Period
    scope: dict[str, str]
    now: datetime
    language: str = "zh-hans"
    figures: dict[str, FigureData] = field(default_factory=dict)
    # Refs each section's blocks showed (for its narrative), by section key.
    section_refs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    section: str = ""
    # Facts the blocks found (anomalies, open actions…), for the derived report.* figures.
    counts: dict[str, int] = field(default_factory=dict)
    # Names the narratives may say that no figure carries ({"top_category": "网络服务"}).
    facts: dict[str, str] = field(default_factory=dict)
    # What the blocks asked for.
    keys: list[str] = field(default_factory=list)
    cuts: dict[str, list[str]] = field(default_factory=dict)
    series_keys: list[str] = field(default_factory=list)
    # What the engine answered.
    overview: engine.Overview | None = None
    by: dict[str, engine.Overview] = field(default_factory=dict)
    _series: dict[str, list[Value]] = field(default_factory=dict)
    _labels: dict[str, dict[str, str]] = field(default_factory=dict)
    engine_calls: int = 0

    # --- planning ------------------------------------------------------------------------
    def available(self, key: str) -> bool:
        """The metric exists and can be filtered by the report's scope."""
        metric = registry.get(key)
        return metric is not None and set(self.scope) <= set(metric.dimensions)

    def want(self, *keys: str) -> None:
        for key in keys:
            if self.available(key) and key not in self.keys:
                self.keys.append(key)

    def want_cut(self, dimension: str, *keys: str) -> None:
        found = self.cuts.setdefault(dimension, [])
        for key in keys:
            metric = registry.get(key)
            if (
                self.available(key)
                and metric is not None
                and dimension in metric.dimensions
                and key not in found
            ):
                found.append(key)

    def want_series(self, *keys: str) -> None:
        for key in keys:
            if self.available(key) and key not in self.series_keys:
                self.series_keys.append(key)

    @property
    def closed(self) -> bool:
        return self.period.is_closed(self.now)

    # --- the engine, a fixed number of times ----------------------------------------------
    def prepare(self) -> None:
        if self.keys:
            self.overview = engine.evaluate(self.keys, self.period, scope=self.scope, now=self.now)
            self.engine_calls += 1
        for dimension, keys in self.cuts.items():
            if keys:
                self.by[dimension] = engine.evaluate(
                    keys, self.period, by=dimension, scope=self.scope, now=self.now
                )
                self.engine_calls += 1
        if self.series_keys:
            self._series = _series_many(
                self.series_keys, self.period.trailing(SERIES_MONTHS), self.scope, self.now
            )
            self.engine_calls += 1

    def trailing(self, key: str, months: int = 12) -> list[Value]:
        """The values of ``key`` for the ``months`` months up to and including this one."""
        values = self._series.get(key)
        if values is None:
            return []
        return values[-months:]

    def history(self, key: str, months: int = 12) -> list[float | None]:
        """The values of the ``months`` months before this one (oldest first)."""
        values = self._series.get(key)
        if values is None:
            return []
        return [v.value for v in values[:-1][-months:]]

    # --- figures ---------------------------------------------------------------------------
    def engine_figure(self, key: str, extra: dict[str, str] | None = None) -> engine.Figure | None:
        if not extra:
            return self.overview.figures.get(key) if self.overview else None
        ((dimension, code),) = extra.items()
        overview = self.by.get(dimension)
        if overview is None or key not in overview.figures:
            return None
        return (overview.figures[key].by or {}).get(code)

    def figure(
        self, key: str, extra: dict[str, str] | None = None, *, name: str = ""
    ) -> FigureData | None:
        """The document's figure of ``key`` (cut by ``extra`` when given), added to the
        document's figures and to the current section's refs."""
        ref = figure_ref(key, extra)
        if ref in self.figures:
            self._cite(ref)
            return self.figures[ref]
        found = self.engine_figure(key, extra)
        if found is None:
            return None
        data = self.figure_data(key, found, extra, name=name)
        self.figures[ref] = data
        self._cite(ref)
        return data

    def figure_data(
        self, key: str, found: engine.Figure, extra: dict[str, str] | None, *, name: str = ""
    ) -> FigureData:
        metric = found.metric
        full = {**self.scope, **(extra or {})}
        with translation.override(self.language):
            metric_name = str(metric.name)
        if extra and not name:
            ((dimension, code),) = extra.items()
            name = f"{metric_name}（{self.label(dimension, code)}）"
        return {
            "ref": figure_ref(key, extra),
            "key": key,
            "name": name or metric_name,
            "unit": metric.unit,
            "higher_is_better": metric.higher_is_better,
            "scope": full,
            "value": found.value,
            "previous": found.previous,
            "change": found.change,
            "change_pct": found.change_pct,
            "last_year": found.last_year,
            "target": found.target,
            "status": found.status,
            "display": formatting.display(
                unit=metric.unit,
                value_=found.value,
                previous=found.previous,
                change_=found.change,
                change_pct_=found.change_pct,
                last_year=found.last_year,
                target=found.target,
                language=self.language,
            ),
            "link": engine.drill_url(key, self.period, scope=full),
        }

    def add_count(self, ref: str, name: str, number: int | None) -> FigureData:
        """A derived count (``report.targets_missed``…) that narratives may cite."""
        data: FigureData = {
            "ref": ref,
            "key": ref,
            "name": name,
            "unit": registry.Unit.COUNT,
            "higher_is_better": None,
            "scope": dict(self.scope),
            "value": None if number is None else float(number),
            "previous": None,
            "change": None,
            "change_pct": None,
            "last_year": None,
            "target": None,
            "status": None,
            "display": formatting.display(
                unit=registry.Unit.COUNT,
                value_=number,
                previous=None,
                change_=None,
                change_pct_=None,
                last_year=None,
                target=None,
                language=self.language,
            ),
            "link": "",
        }
        self.figures[ref] = data
        return data

    def _cite(self, ref: str) -> None:
        refs = self.section_refs[self.section]
        if ref not in refs:
            refs.append(ref)

    def metric_name(self, key: str) -> str:
        metric = registry.get(key)
        if metric is None:
            return key
        with translation.override(self.language):
            return str(metric.name)

    # --- labels of dimension codes (one query per dimension) --------------------------------
    def label(self, dimension: str, code: str) -> str:
        if dimension not in self._labels:
            self._labels[dimension] = _labels_of(dimension, self.language)
        if code == registry.NONE_CODE:
            return "(none)" if self.language.startswith("en") else "（未分类）"
        return self._labels[dimension].get(code, code)

    def t(self, zh: str, en: str) -> str:
        """A fixed phrase of the document in its language."""
        return en if self.language.startswith("en") else zh


def _labels_of(dimension: str, language: str) -> dict[str, str]:
    from opsbook.accounts.models import Customer
    from opsbook.catalog.models import Category, ServiceContent, ServiceItem
    from opsbook.metrics.access import dimension_label
    from opsbook.metrics.registry import Dimension

    with translation.override(language):
        if dimension == Dimension.CATEGORY:
            return {c or "": n for c, n in Category.objects.values_list("code", "name")}
        if dimension == Dimension.ITEM:
            return {c: n for c, n in ServiceItem.objects.values_list("code", "name")}
        if dimension == Dimension.CONTENT:
            return {c: n for c, n in ServiceContent.objects.values_list("code", "name")}
        if dimension == Dimension.CUSTOMER:
            return {c: n for c, n in Customer.objects.values_list("code", "name")}
        from opsbook.metrics.access import _fixed_labels

        return {code: str(label) for code, label in _fixed_labels(dimension)} or {
            "": dimension_label(dimension, "")
        }


def _series_many(
    keys: list[str], periods: list[Period], scope: dict[str, str], now: datetime
) -> dict[str, list[Value]]:
    """``engine.series`` for many keys at once: three periods per family query (the engine
    groups the keys by family), point-in-time values of closed months from their final
    snapshots."""
    metrics = engine.resolve_metrics(keys)
    out: dict[str, list[Value]] = {key: [] for key in keys}
    for start in range(0, len(periods), 3):
        chunk = periods[start : start + 3]
        padded = chunk + [chunk[-1]] * (3 - len(chunk))
        windows = Windows(*padded)
        results = engine._compute(metrics, windows, by=None, scope=scope, now=now)
        snapshots, _closed = engine._snapshots(metrics, windows, by=None, scope=scope, now=now)
        for metric in metrics:
            for w in WINDOWS[: len(chunk)]:
                snapped = snapshots.get((metric.key, w, None))
                if metric.point_in_time and snapped is not None:
                    out[metric.key].append(snapped)
                    continue
                value = results.get(metric.key, {}).get(w, {}).get(None, Value(None))
                if metric.unit == registry.Unit.COUNT and value.value is None:
                    value = Value(0.0, 0.0, None, 0)
                out[metric.key].append(value)
    return out


# --- the document ---------------------------------------------------------------------------


def scope_label(template: ReportTemplate, language: str = "zh-hans") -> str:
    en = language.startswith("en")
    if template.kind == TemplateKind.CUSTOMER and template.customer is not None:
        return f"Customer: {template.customer.name}" if en else f"客户：{template.customer.name}"
    if template.kind == TemplateKind.TEAM and template.team is not None:
        return f"Team: {template.team.name}" if en else f"团队：{template.team.name}"
    return "All services" if en else "全部服务"


def report_title(template: ReportTemplate, period: Period, language: str = "zh-hans") -> str:
    """2026年11月运营服务月报; a customer's: 2026年11月Acme服务报告."""
    label = formatting.month_label(period.start.year, period.start.month, language)
    en = language.startswith("en")
    if template.kind == TemplateKind.CUSTOMER and template.customer is not None:
        name = template.customer.name
        return f"{name} service report, {label}" if en else f"{label}{name}服务报告"
    if template.kind == TemplateKind.TEAM and template.team is not None:
        name = template.team.name
        return f"{name} operations report, {label}" if en else f"{label}{name}运营服务月报"
    return f"Operations service report, {label}" if en else f"{label}运营服务月报"


def check_period(period: Period | str, now: datetime) -> Period:
    """A month that has started (a month still in progress is drafted "to date")."""
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except PeriodError as exc:
            raise DraftError(str(exc)) from None
    if period.kind != "month":
        raise DraftError(
            _("A monthly report covers a month (2026-11), not %(code)s.") % {"code": period.code}
        )
    if period.start_at() > now:
        raise DraftError(
            _("%(code)s has not started yet; a report covers a past month or this one.")
            % {"code": period.code}
        )
    return period


def _template_sections(template: ReportTemplate) -> list[Any]:
    return list(template.sections.select_related("owner").order_by("position", "id"))


def build_document(
    template: ReportTemplate, period: Period, *, now: datetime, language: str = "zh-hans"
) -> Document:
    """The report's document for ``period`` from the data as it stands (pure read)."""
    period = check_period(period, now)
    context = DraftContext(template, period, template.scope(), now, language)
    sections = _template_sections(template)
    planned: list[tuple[Any, list[tuple[Any, dict[str, Any]]]]] = []
    for section in sections:
        chosen = []
        for spec in section.blocks or []:
            kind = block_registry.get(spec.get("type", ""))
            options = kind.clean(dict(spec.get("options") or {}))
            chosen.append((kind, options))
            plan = getattr(kind, "plan", None)
            if plan is not None:
                plan(context, options)
        planned.append((section, chosen))
    context.prepare()

    out_sections: list[Section] = []
    for section, chosen in planned:
        context.section = section.key
        built = []
        for kind, options in chosen:
            built.extend(kind.build(context, options))
        out_sections.append(
            {
                "key": section.key,
                "title": section.title,
                "owner": _display_name(section.owner),
                "narrative": None,
                "blocks": built,
            }
        )
    _derived_figures(context)
    definitions = _definitions(context, template)
    start, end = period.start, period.end
    tz = org_tz()
    document: Document = {
        "schema": SCHEMA,
        "title": report_title(template, period, language),
        "organisation": getattr(settings, "OPSBOOK_ORGANISATION", "") or "Opsbook",
        "period": {
            "code": period.code,
            "label": formatting.month_label(start.year, start.month, language),
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
        "scope": dict(context.scope),
        "scope_label": scope_label(template, language),
        "template": {"code": template.code, "name": template.name},
        "status": "draft",
        "version": 0,
        "generated_at": now.astimezone(tz).isoformat(timespec="seconds"),
        "language": language,
        "to_date": not context.closed,
        "sections": out_sections,
        "figures": context.figures,
        "definitions": definitions,
        "layout": dict(template.layout or {}),
    }
    document["section_refs"] = {k: list(v) for k, v in context.section_refs.items()}
    document["facts"] = dict(context.facts)
    return document


def _display_name(user) -> str:
    if user is None:
        return ""
    return str(getattr(user, "label", None) or user)


DERIVED_NAMES = {
    "targets_met": ("达标指标数", "Targets met"),
    "targets_missed": ("未达标指标数", "Targets missed"),
    "anomalies": ("异常波动数", "Anomalies"),
    "open_actions": ("进行中的改进措施数", "Open improvement actions"),
    "done_actions": ("已完成的改进措施数", "Improvement actions done"),
    "overdue_actions": ("逾期的改进措施数", "Overdue improvement actions"),
    "proposals": ("建议新增措施数", "Proposed actions"),
    "problems": ("主要问题数", "Main problems"),
    "goals": ("进行中的目标数", "Goals running"),
    "next_goals": ("下月到期的目标数", "Goals due next month"),
}


def _derived_figures(context: DraftContext) -> None:
    """Counts the narratives cite (unit count, refs under ``report.``): targets met and missed
    among the report's own figures (not their cuts by channel, item…), and what the blocks
    counted (anomalies flagged, improvement actions open, done and overdue…), each only when
    the report has the block that counts it."""
    shown = [
        f
        for f in context.figures.values()
        if "@" not in f["ref"] and not f["ref"].startswith("report.")
    ]
    counts = {
        "targets_met": sum(1 for f in shown if f["status"] == "met"),
        "targets_missed": sum(1 for f in shown if f["status"] == "missed"),
        **context.counts,
    }
    for key, number in counts.items():
        zh, en = DERIVED_NAMES.get(key, (key, key))
        context.add_count(f"report.{key}", context.t(zh, en), number)


def _definitions(context: DraftContext, template: ReportTemplate) -> list[Definition]:
    seen: list[str] = []
    for figure in context.figures.values():
        if figure["ref"].startswith("report.") or figure["key"] in seen:
            continue
        seen.append(figure["key"])
    out: list[Definition] = []
    label = scope_label(template, context.language)
    for key in seen:
        metric = registry.get(key)
        if metric is None:
            continue
        with translation.override(context.language):
            name, definition = str(metric.name), str(metric.definition)
        out.append(
            {
                "key": key,
                "name": name,
                "unit": metric.unit,
                "definition": definition,
                "scope_label": label,
            }
        )
    return out


# --- narratives -----------------------------------------------------------------------------


def _facts(document: Document) -> dict[str, str]:
    facts = {
        "period": document["period"]["label"],
        "scope": document["scope_label"],
        "title": document["title"],
    }
    facts.update(document.get("facts") or {})
    if document.get("to_date") and document.get("generated_at"):
        # A month still in progress: the paragraph says the figures run to the drafting day.
        day = date.fromisoformat(str(document["generated_at"])[:10])
        facts["to_date"] = f"{day.month}月{day.day}日"
    return facts


def narrative_refs(document: Document, key: str) -> list[str]:
    """The refs a section's paragraph speaks of: the figures of the report's own scope the
    section shows (cuts by channel, item… stay in the tables), then the derived counts."""
    shown = [r for r in document.get("section_refs", {}).get(key, []) if "@" not in r]
    derived = [r for r in document["figures"] if r.startswith("report.")]
    return shown + derived


def apply_narratives(document: Document, rows: list[ReportSection], narrated: set[str]) -> None:
    """Each narrated section's generated paragraph (stored on its row as ``generated``) and,
    when its owner edited it, the edit re-rendered with the new figures and its warnings
    recomputed; sections take their titles and owners from the report's rows."""
    figures = document["figures"]
    language = document["language"]
    facts = _facts(document)
    by_key = {row.key: row for row in rows}
    for section in document["sections"]:
        row = by_key.get(section["key"])
        if row is not None:
            section["title"] = row.title
            section["owner"] = _display_name(row.owner) or section["owner"]
        if section["key"] not in narrated:
            continue
        generated = narrative.generate(
            section["key"],
            narrative_refs(document, section["key"]),
            figures,
            language=language,
            facts=facts,
        )
        edited = bool(row is not None and row.is_edited)
        if row is not None:
            row.generated = generated
        source = row.edited if (row is not None and edited) else generated
        section["narrative"] = (
            narrative.compose(source, figures, edited=edited, language=language) if source else None
        )


# --- services -------------------------------------------------------------------------------


def do_create_report(
    template: ReportTemplate, period: Period | str, *, actor, now: datetime, source: str = "web"
) -> Report:
    """A new report of ``template`` for a month: its sections copied from the template (with
    their owners), its deadline, its title; then its first draft built. ``actor`` None: the
    scheduler."""
    if actor is not None and not can_manage_reports(actor):
        raise PermissionDenied(_("Only administrators and managers create reports."))
    period = check_period(period, now)
    if not template.is_active:
        raise DraftError(_("The template %(name)s is retired.") % {"name": template.name})
    exists = DraftError(
        _("%(template)s already has a report for %(month)s.")
        % {"template": template.name, "month": period.code}
    )
    with transaction.atomic():
        if Report.objects.filter(template=template, period=period.code).exists():
            raise exists
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    template=template,
                    period=period.code,
                    title=report_title(template, period),
                    deadline=deadline_for(template, period),
                    created_at=now,
                    created_by=actor,
                    updated_at=now,
                )
        except IntegrityError:
            raise exists from None  # someone created it between the check and the insert
        ReportSection.objects.bulk_create(
            ReportSection(
                report=report,
                position=position,
                key=section.key,
                title=section.title,
                owner=section.owner,
            )
            for position, section in enumerate(_template_sections(template))
        )
        record(actor=actor, action=Action.CREATE, obj=report, source=source)
        _rebuild(report, period, actor=actor, now=now, source=source, audit=False)
    return report


def do_build_draft(report: Report, *, actor, now: datetime, source: str = "web") -> Report:
    """Rebuild the report's document from the data as it stands, while it is editable: the
    figures, tables and charts anew; each section's generated narrative anew; an edited
    narrative kept, re-rendered with the new figures and checked against them."""
    if report.status not in EDITABLE_STATUSES:
        raise DraftError(_("Only a draft or a returned report can be rebuilt."))
    if actor is not None and not can_edit_report(actor, report):
        raise PermissionDenied(_("You may not rebuild this report."))
    period = check_period(report.period, now)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise DraftError(_("Only a draft or a returned report can be rebuilt."))
        _rebuild(locked, period, actor=actor, now=now, source=source, audit=True)
    report.refresh_from_db()
    return report


def _rebuild(
    report: Report, period: Period, *, actor, now: datetime, source: str, audit: bool
) -> None:
    template = report.template
    document = build_document(template, period, now=now)
    rows = list(report.sections.select_related("owner").order_by("position", "id"))
    narrated = {s.key for s in template.sections.all() if s.narrative}
    apply_narratives(document, rows, narrated)
    # Sections the report has that the template no longer has, or the other way round, follow
    # the report's rows (its owners are the report's): order by the rows where they exist.
    document["title"] = report.title
    for row in rows:
        ReportSection.objects.filter(pk=row.pk).update(generated=row.generated)
    report.document = document
    report.drafted_at = now
    report.updated_at = now
    report.version += 1
    report.save(update_fields=["document", "drafted_at", "updated_at", "version"])
    if audit:
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=report,
            changes={"drafted_at": [None, now.isoformat()]},
            source=source,
        )
