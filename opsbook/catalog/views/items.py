"""One item's page (its content, parts and history), editing items and content, retiring them,
and the frequency hint shown while typing."""

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.accounts.access import can_manage_catalog
from opsbook.audit.models import AuditEntry
from opsbook.core import clock
from opsbook.core.errors import ConflictError

from .. import access, kpi_actuals, services, wording
from ..choices import DeliveryMode, Status, Tier
from ..forms import ContentForm, ItemForm, part_formsets, parts_from
from ..frequency import FrequencyError, parse_frequency
from ..models import ServiceContent, ServiceItem
from .common import add_errors, manager_required, staff_required

HISTORY_LIMIT = 200


@dataclass
class Change:
    label: str
    before: list[str]
    after: list[str]


CHOICE_LABELS = {"status": Status, "tier": Tier, "delivery_mode": DeliveryMode}


def _field_labels() -> dict[str, str]:
    labels = {}
    for model in (ServiceContent, ServiceItem):
        for field in model._meta.get_fields():
            if hasattr(field, "verbose_name"):
                labels[field.name] = capfirst(str(field.verbose_name))
    for name, part_model in services.PART_MODELS.items():
        labels[name] = capfirst(str(part_model._meta.verbose_name_plural))
    return labels


def _shown(name: str, value) -> list[str]:
    """A stored value as the reader says it: parts ("phone response<=5m …" as stored) in words
    ("电话：响应≤5分钟…"), choices by their label."""
    if value in (None, "", []):
        return []
    if isinstance(value, list):
        return [wording.part_text(name, v) for v in value]
    choices = CHOICE_LABELS.get(name)
    if choices is not None and value in choices.values:
        return [str(choices(value).label)]
    return [str(value)]


@dataclass
class HistoryEntry:
    entry: AuditEntry
    actor: str  # the person's name then, or "系统"
    source: str  # where the change came from, "" for the web pages
    changes: list[Change]


def _history(item: ServiceItem) -> list[HistoryEntry]:
    entries = AuditEntry.objects.filter(
        Q(object_type="catalog.serviceitem", object_id=str(item.pk))
        | Q(parent_type="catalog.serviceitem", parent_id=str(item.pk))
    )[:HISTORY_LIMIT]
    labels = _field_labels()
    return [
        HistoryEntry(
            entry,
            wording.actor_text(entry.actor_label),
            wording.source_text(entry.source),
            [
                Change(labels.get(name, name), _shown(name, before), _shown(name, after))
                for name, (before, after) in entry.changes.items()
            ],
        )
        for entry in entries
    ]


@staff_required
@require_GET
def item_detail(request, pk):
    item = access.get_item_for_user(request.user, pk)
    parts = access.parts_by_content(item)
    can_manage = can_manage_catalog(request.user)
    contents: list[Any] = list(item.contents.all())  # with what the page shows of each
    for content in contents:
        content.parts = parts[content.pk]
        content.can_edit = access.can_edit_content(request.user, content)
        content.can_retire = can_manage and content.status != Status.RETIRED
    _attach_actuals(item, parts[None].kpis, contents)
    context = {
        "item": item,
        "category_path": {
            c.pk: c.path_text for c in access.category_tree_for_user(request.user)
        }.get(item.category_id, str(item.category)),
        "parts": parts[None],
        "contents": contents,
        "history": _history(item),
        "can_edit": access.can_edit_item(request.user, item),
        "can_manage": can_manage,
        "can_retire": can_manage and item.status != Status.RETIRED,
        "review": _review_state(item, clock.localdate()),
    }
    return render(request, "catalog/item_detail.html", context)


def _attach_actuals(item, item_kpis, contents) -> None:
    """Give each measured KPI on the page its ``actual`` (this month against its target, last
    month, twelve months of history): one batch for the whole page."""
    refs = [kpi_actuals.ref(k, item.code) for k in item_kpis]
    for content in contents:
        refs += [kpi_actuals.ref(k, item.code, content.code) for k in content.parts.kpis]
    found = kpi_actuals.actuals(refs, now=clock.now())
    for kpi in [*item_kpis, *(k for c in contents for k in c.parts.kpis)]:
        kpi.actual = found.get(kpi.pk)


def _review_state(item, today) -> dict | None:
    """Whether the item's review is due (today) or overdue (by how many days); None when it is
    not due yet, has no date or the item is retired (the rule of ``due_for_review``)."""
    due = item.next_review_date
    if due is None or due > today or item.status == Status.RETIRED:
        return None
    return {"overdue": due < today, "days": (today - due).days}


def _edit_page(request, *, form, formsets, save, context):
    """Validate the form and its part rows, call ``save``, map service errors back to the form.

    A concurrent edit (ConflictError) keeps what the user typed and answers 409.
    """
    status = 200
    if request.method == "POST":
        valid = [form.is_valid(), *(fs.is_valid() for fs in formsets.values())]
        if all(valid):
            try:
                saved = save(form, parts_from(formsets))
            except ValidationError as exc:
                add_errors(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
                context["conflict"] = True
                status = 409
            else:
                messages.success(request, _("%(entry)s was saved.") % {"entry": saved})
                return redirect("catalog:item", pk=getattr(saved, "item_id", saved.pk))
    context.update({"form": form, "formsets": formsets})
    return render(request, "catalog/entry_form.html", context, status=status)


@manager_required
def item_create(request):
    categories = access.category_tree_for_user(request.user)
    initial = {"category": request.GET.get("category")}
    form = ItemForm(request.POST or None, initial=initial, categories=categories)
    formsets = part_formsets(request.POST or None)

    def save(form, parts):
        return services.do_create_item(request.user, parts=parts, **form.values())

    return _edit_page(
        request, form=form, formsets=formsets, save=save, context={"title": _("New service item")}
    )


@staff_required
def item_edit(request, pk):
    item = access.get_item_for_user(request.user, pk)
    if not access.can_edit_item(request.user, item):
        raise PermissionDenied
    can_manage = can_manage_catalog(request.user)
    form = ItemForm(
        request.POST or None,
        instance=copy.copy(item),  # the form must not touch the record services diff against
        categories=access.category_tree_for_user(request.user),
        can_retire=can_manage,
    )
    formsets = part_formsets(request.POST or None, access.parts_by_content(item)[None])

    def save(form, parts):
        return services.do_update_item(
            request.user,
            item,
            parts=parts,
            expected_version=form.expected_version,
            **form.values(),
        )

    context = {"title": _("Edit %(entry)s") % {"entry": item}, "item": item}
    return _edit_page(request, form=form, formsets=formsets, save=save, context=context)


@staff_required
def content_create(request, pk):
    item = access.get_item_for_user(request.user, pk)
    if not access.can_edit_item(request.user, item):
        raise PermissionDenied
    form = ContentForm(request.POST or None, can_retire=can_manage_catalog(request.user))
    formsets = part_formsets(request.POST or None)

    def save(form, parts):
        return services.do_create_content(request.user, item, parts=parts, **form.values())

    context = {"title": _("New content in %(entry)s") % {"entry": item}, "item": item}
    return _edit_page(request, form=form, formsets=formsets, save=save, context=context)


@staff_required
def content_edit(request, pk):
    content = access.get_content_for_user(request.user, pk)
    if not access.can_edit_content(request.user, content):
        raise PermissionDenied
    form = ContentForm(
        request.POST or None,
        instance=copy.copy(content),
        can_retire=can_manage_catalog(request.user),
    )
    formsets = part_formsets(
        request.POST or None, access.parts_by_content(content.item)[content.pk]
    )

    def save(form, parts):
        return services.do_update_content(
            request.user,
            content,
            parts=parts,
            expected_version=form.expected_version,
            **form.values(),
        )

    context = {"title": _("Edit %(entry)s") % {"entry": content}, "item": content.item}
    return _edit_page(request, form=form, formsets=formsets, save=save, context=context)


@manager_required
@require_POST
def item_retire(request, pk):
    item = access.get_item_for_user(request.user, pk)
    services.do_retire_item(request.user, item)
    messages.success(request, _("%(entry)s and its content were retired.") % {"entry": item})
    return redirect("catalog:item", pk=item.pk)


@manager_required
@require_POST
def content_retire(request, pk):
    content = access.get_content_for_user(request.user, pk)
    services.do_retire_content(request.user, content)
    messages.success(request, _("%(entry)s was retired.") % {"entry": content})
    return redirect("catalog:item", pk=content.item_id)


@staff_required
@require_GET
def frequency_preview(request):
    """What the parser makes of the frequency typed so far (an htmx fragment)."""
    text = request.GET.get("frequency_text", "").strip()
    context = {"frequency_text": text}
    if text:
        try:
            context["frequency"] = parse_frequency(text)
        except FrequencyError as exc:
            context["frequency_error"] = str(exc)
    return render(request, "catalog/entry_form.html#frequency_hint", context)
