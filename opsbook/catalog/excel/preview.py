"""What the import wizard shows of a file once it is checked: the rows to look at first and the
owner names that need a decision.

Rows: refused rows (a problem in one of their cells) first, then the rows that create or change
something, then the rest, each group in file order, at most ``PREVIEW_ROWS``. Each row carries
its cells as written, its status, what changes in it (field: old → new) and the columns of its
bad cells. Item-level changes are shown on the row that names the item first.

Owner names: every name no user or team has, and every name the import was told what to do with
(``OwnerChoices``), once, with the rows that use it.
"""

from collections import defaultdict
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from opsbook.core.tabular.cells import cell_text

from ..models import ServiceContent, ServiceItem
from . import parts
from . import textformats as tf
from .collect import PREVIEW_ROWS
from .columns import normalize
from .textformats import split_names

REFUSED, CREATED, UPDATED, UNCHANGED = "refused", "created", "updated", "unchanged"
_ORDER = {REFUSED: 0, CREATED: 1, UPDATED: 1, UNCHANGED: 2, "": 2}
MAX_ROWS_PER_OWNER = 20  # row numbers listed per owner name; the count follows


def preview_rows(job, data_rows, limit: int = PREVIEW_ROWS) -> list[dict]:
    """The rows to show, in the order to show them (see the module's docstring)."""
    bad: dict[int, list[str | None]] = defaultdict(list)
    for problem in job.report.problems:
        if problem.row is not None and problem.sheet == job.sheet:
            bad[problem.row].append(problem.column)
    plans: dict[int, list[tuple[str, Any]]] = defaultdict(list)  # row → [(level, plan)]
    drafts = job.drafts
    item_plans = getattr(job, "item_plans", None)
    if item_plans is not None and len(item_plans) == len(drafts):
        contents = [content for draft in drafts for content in draft.contents]
        for draft, plan in zip(drafts, item_plans, strict=True):
            plans[draft.first_row].append(("item", plan))
        if len(contents) == len(job.content_plans):
            for content, plan in zip(contents, job.content_plans, strict=True):
                plans[content.row].append(("content", plan))
    status: dict[int, str] = {}
    for number, _cells in data_rows:
        if number in bad:
            status[number] = REFUSED
        elif number in plans:
            found = [plan for _level, plan in plans[number]]
            if any(plan.db is None for plan in found):
                status[number] = CREATED
            elif any(plan.changed for plan in found):
                status[number] = UPDATED
            else:
                status[number] = UNCHANGED
        else:
            status[number] = ""
    chosen = sorted(status, key=lambda n: (_ORDER[status[n]], n))[:limit]
    wanted = set(chosen)
    cells = {number: raw for number, raw in data_rows if number in wanted}
    describe = _Describer(job)
    rows = []
    for number in chosen:
        raw = cells[number]
        width = len(raw)
        changes: list[dict] = []
        created: list[str] = []
        for level, plan in plans.get(number, ()):
            if plan.db is None:
                created.append(describe.record(level, plan))
            elif plan.changed:
                changes.extend(describe.changes(level, plan))
        rows.append(
            {
                "row": number,
                "status": status[number],
                "values": {
                    label: cell_text(raw[i]) if i < width else "" for i, _c, label in job.columns
                },
                "changes": changes,
                "created": created,
                "problem_columns": sorted({c for c in bad.get(number, ()) if c}),
            }
        )
    return rows


class _Describer:
    """Fields, values and parts as a person reads them in the preview."""

    def __init__(self, job):
        self.job = job
        self.labels = {
            "item": {c.item_field: label for _i, c, label in job.columns if c.item_field},
            "content": {c.content_field: label for _i, c, label in job.columns if c.content_field},
        }
        categories = [label for _i, c, label in job.columns if c.level == "category"]
        if categories:
            self.labels["item"]["category"] = categories[0]

    def record(self, level: str, plan) -> str:
        noun = _("service item") if level == "item" else _("service content")
        return _("new %(what)s %(code)s %(name)s") % {
            "what": noun,
            "code": plan.after.get("code", ""),
            "name": plan.after.get("name", ""),
        }

    def changes(self, level: str, plan) -> list[dict]:
        model = ServiceItem if level == "item" else ServiceContent
        out = []
        for name, old in plan.before.items():
            out.append(
                {
                    "field": self._label(level, model, name),
                    "old": _value(model, name, old),
                    "new": _value(model, name, plan.after.get(name)),
                }
            )
        for kind, (_ids, old, new) in plan.parts.items():
            out.append(
                {
                    "field": self._label(level, model, kind),
                    "old": self._parts(kind, old),
                    "new": self._parts(kind, new),
                }
            )
        return out

    def _label(self, level: str, model, name: str) -> str:
        label = self.labels[level].get(name)
        if label:
            return label
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # a part kind or a path: no model field of that name
            return name

    def _parts(self, kind: str, specs) -> str:
        if not specs:
            return ""
        if kind == "owners":
            return self.job.directory.format(specs)
        named = [s if hasattr(s, "_fields") else parts.spec(kind, s) for s in specs]
        return str(tf.FORMATTERS[kind](named))


def _value(model, name: str, value) -> str:
    if value is None or value == "":
        return ""
    if name == "category" and isinstance(value, tuple):
        return " / ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    try:
        field = model._meta.get_field(name)
    except Exception:  # not a model field (the category path)
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def owner_names(job, data_rows) -> list[dict]:
    """Each owner name that needs (or had) a decision, once, with the rows using it."""
    directory = job.directory
    names: dict[str, str] = {normalize(name): name for name in job.unknown}
    for key, name in directory.chosen.items():
        names.setdefault(key, name)
    if not names:
        return []
    columns = [(i, label) for i, c, label in job.columns if c.kind == "owners"]
    rows: dict[str, list[int]] = defaultdict(list)
    seen: dict[Any, list[str]] = {}
    for number, cells in data_rows:
        width = len(cells)
        for i, _label in columns:
            raw = cells[i] if i < width else ""
            if raw == "" or raw is None:
                continue
            key = raw if raw.__class__ is str else (raw.__class__, raw)
            hits = seen.get(key)
            if hits is None:
                found = (normalize(n) for n in split_names(cell_text(raw)))
                hits = seen[key] = [k for k in dict.fromkeys(found) if k in names]
            for hit in hits:
                if not rows[hit] or rows[hit][-1] != number:
                    rows[hit].append(number)
    out: list[dict[str, Any]] = []
    for key, name in names.items():
        choice = directory.choices.get(name)
        used = rows.get(key, [])
        out.append(
            {
                "name": name,
                "rows": used[:MAX_ROWS_PER_OWNER],
                "row_count": len(used),
                "choice": choice.action if choice else "",
                "value": choice.as_value() if choice else "",
                "target": choice.label if choice else "",
            }
        )
    out.sort(key=lambda o: (o["rows"][0] if o["rows"] else 0, o["name"]))
    return out
