"""Checklist pages. Thin: fetch through access, check permissions there, write through services.

htmx requests get a partial of the same template (``template#partial``), never a second template.
"""

import copy
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from opsbook.accounts.access import can_manage_catalog, can_view_catalog
from opsbook.audit.models import AuditEntry
from opsbook.core.errors import ConflictError
from opsbook.core.uploads import StagedUploads

from . import access, services
from .choices import DeliveryMode, Status, Tier
from .excel import exporter, importer
from .forms import (
    BulkUpdateForm,
    CategoryForm,
    ContentForm,
    ImportUploadForm,
    ItemFilterForm,
    ItemForm,
    part_formsets,
    parts_from,
)
from .frequency import FrequencyError, parse_frequency
from .models import Ownership, ServiceContent, ServiceItem

ITEMS_PER_PAGE = 50
HISTORY_LIMIT = 200


def _requires(allowed):
    """A view decorator: anonymous users get the login page, signed-in users for whom
    ``allowed(user)`` is false get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Signed-in staff only (customer contacts get 403); managers and admins only.
staff_required = _requires(can_view_catalog)
manager_required = _requires(can_manage_catalog)


def _template(request, name: str, partial: str) -> str:
    """The partial for an htmx swap; the whole page otherwise (including history restores)."""
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return f"{name}#{partial}"
    return name


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- The tree ---------------------------------------------------------------------------------


def _in_tree_order(items, categories):
    """Order items as the category tree is drawn, then by their own order and code."""
    if not categories:
        return items.order_by("sort_order", "code")
    position = Case(
        *[When(category_id=c.pk, then=Value(i)) for i, c in enumerate(categories)],
        default=Value(len(categories)),
        output_field=IntegerField(),
    )
    return items.annotate(tree_position=position).order_by("tree_position", "sort_order", "code")


def _with_tree_rows(items):
    """Everything a tree row shows, in a fixed number of queries whatever the page size."""
    primary = Ownership.objects.filter(is_primary=True).select_related("user", "team")
    contents = ServiceContent.objects.prefetch_related(
        Prefetch("ownerships", queryset=primary, to_attr="primary_owners")
    )
    return items.select_related("category").prefetch_related(
        Prefetch(
            "ownerships", queryset=primary.filter(content__isnull=True), to_attr="primary_owners"
        ),
        Prefetch("contents", queryset=contents, to_attr="content_list"),
    )


def _filtered_items(request, categories):
    form = ItemFilterForm(request.GET or None, categories=categories)
    form.is_valid()
    items = form.filter(
        access.items_for_user(request.user), user=request.user, today=timezone.localdate()
    )
    return form, items


@staff_required
@require_GET
def tree(request):
    categories = access.category_tree_for_user(request.user)
    form, items = _filtered_items(request, categories)
    items = _with_tree_rows(_in_tree_order(items, categories))
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    paths = {c.pk: c.path_text for c in categories}
    for item in page.object_list:
        item.category_path = paths.get(item.category_id, str(item.category))
    can_manage = can_manage_catalog(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "can_manage": can_manage,
        "bulk_form": BulkUpdateForm(initial={"return_query": query.urlencode()})
        if can_manage
        else None,
        "query": query.urlencode(),
    }
    response = render(request, _template(request, "catalog/tree.html", "results"), context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@manager_required
@require_POST
def bulk_update(request):
    items = access.items_for_user(request.user)
    form = BulkUpdateForm(request.POST, items=items)
    back = reverse("catalog:tree")
    return_query = QueryDict(request.POST.get("return_query", "")).urlencode()
    if return_query:
        back = f"{back}?{return_query}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    selected = list(form.cleaned_data["items"])
    try:
        services.do_bulk_update_items(request.user, selected, **form.values())
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        count = len(selected)
        messages.success(
            request,
            ngettext("%(count)d item was updated.", "%(count)d items were updated.", count)
            % {"count": count},
        )
    return redirect(back)


# --- One item ---------------------------------------------------------------------------------


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
    for name, model in services.PART_MODELS.items():
        labels[name] = capfirst(str(model._meta.verbose_name_plural))
    return labels


def _shown(name: str, value) -> list[str]:
    if value in (None, "", []):
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    choices = CHOICE_LABELS.get(name)
    if choices is not None and value in choices.values:
        return [str(choices(value).label)]
    return [str(value)]


def _history(item: ServiceItem) -> list[tuple[AuditEntry, list[Change]]]:
    entries = AuditEntry.objects.filter(
        Q(object_type="catalog.serviceitem", object_id=str(item.pk))
        | Q(parent_type="catalog.serviceitem", parent_id=str(item.pk))
    )[:HISTORY_LIMIT]
    labels = _field_labels()
    return [
        (
            entry,
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
    contents = list(item.contents.all())
    for content in contents:
        content.parts = parts[content.pk]
        content.can_edit = access.can_edit_content(request.user, content)
        content.can_retire = can_manage and content.status != Status.RETIRED
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
    }
    return render(request, "catalog/item_detail.html", context)


# --- Editing items and content ----------------------------------------------------------------


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
                _add_errors(form, exc)
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


# --- Categories -------------------------------------------------------------------------------


@manager_required
def categories(request):
    tree = access.category_tree_for_user(request.user)
    form = CategoryForm(request.POST or None, categories=tree)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.do_create_category(request.user, **form.values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Category %(name)s was created.") % {"name": category})
            return redirect("catalog:categories")
    return render(request, "catalog/categories.html", {"categories": tree, "form": form})


@manager_required
def category_edit(request, pk):
    found = access.get_category_for_user(request.user, pk)
    tree = access.category_tree_for_user(request.user)
    category = next(c for c in tree if c.pk == found.pk)
    form = CategoryForm(request.POST or None, instance=copy.copy(category), categories=tree)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_category(request.user, category, **form.values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Category %(name)s was saved.") % {"name": category})
            return redirect("catalog:categories")
    return render(request, "catalog/category_form.html", {"category": category, "form": form})


# --- Excel: export, template, import wizard ---------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGED = StagedUploads("imports", "catalog_import")


@dataclass
class PreviewRow:
    number: int
    cells: list[tuple[str, bool]]  # (text, has a problem)
    has_problem: bool


def _preview(report) -> dict:
    """The parsed rows as a table, with the cells that have a problem marked."""
    at_cell = {(p.row, p.column) for p in report.problems}
    at_row = {p.row for p in report.problems if p.row is not None}
    columns = report.columns or (list(report.rows[0]["values"]) if report.rows else [])
    rows = [
        PreviewRow(
            number=row["row"],
            cells=[
                (row["values"].get(column, ""), (row["row"], column) in at_cell)
                for column in columns
            ],
            has_problem=row["row"] in at_row,
        )
        for row in report.rows
    ]
    levels = {
        "categories": _("Categories"),
        "items": _("Service items"),
        "contents": _("Service content"),
    }
    summary = [(levels.get(level, level), counts) for level, counts in report.summary.items()]
    return {"columns": columns, "rows": rows, "summary": summary}


def _xlsx_response(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    filename = f"{stem}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
def export(request):
    """The items the tree shows for the same filters, as a workbook."""
    categories = access.category_tree_for_user(request.user)
    _form, items = _filtered_items(request, categories)
    data = exporter.export_catalog(items=items)
    return _xlsx_response(data, "opsbook-checklist")


@staff_required
@require_GET
def template(request):
    return _xlsx_response(exporter.write_template(), "opsbook-checklist-template")


def _stored_upload(request, expected_token: str | None = None) -> tuple[Path, str] | None:
    """The current user's pending upload and its original name, if still there and fresh."""
    stored = STAGED.load(request, expected_token)
    return (stored[0], str(stored[1].get("filename", ""))) if stored else None


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@manager_required
def import_upload(request):
    """Step 1: upload a workbook. The file is kept privately and checked in a dry run."""
    STAGED.sweep()
    if request.method == "POST" and _declared_length(request) > settings.IMPORT_MAX_BYTES + 65536:
        # Refuse before Django reads (and spools to disk) an upload that is far too large.
        messages.error(
            request,
            _("The file is larger than the %(limit)d MB limit.")
            % {"limit": settings.IMPORT_MAX_BYTES // 1048576},
        )
        return redirect("catalog:import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        STAGED.discard(request)
        STAGED.store(request, form.cleaned_data["file"])
        return redirect("catalog:import_preview")
    return render(
        request,
        "catalog/import.html",
        {"form": form, "max_bytes": settings.IMPORT_MAX_BYTES, "step": "upload"},
    )


@manager_required
@require_GET
def import_preview(request):
    """Step 2: what the import would do, and every problem, without writing anything."""
    stored = _stored_upload(request)
    if stored is None:
        messages.error(request, _("The uploaded file is gone or expired. Upload it again."))
        return redirect("catalog:import")
    path, filename = stored
    report = importer.import_catalog(path.read_bytes(), filename, actor=request.user, dry_run=True)
    return render(
        request,
        "catalog/import.html",
        {
            "report": report,
            "filename": filename,
            "preview": _preview(report),
            "step": "preview",
            "upload_token": STAGED.token(request),
        },
    )


@manager_required
@require_POST
def import_confirm(request):
    """Step 3: run the import for real, then forget the file."""
    stored = _stored_upload(request, expected_token=request.POST.get("upload", ""))
    if stored is None:
        messages.error(
            request,
            _(
                "The file you previewed is gone, expired or was replaced by another upload. "
                "Upload it again."
            ),
        )
        return redirect("catalog:import")
    path, filename = stored
    report = importer.import_catalog(path.read_bytes(), filename, actor=request.user)
    STAGED.discard(request)
    if report.ok:
        messages.success(request, _("%(file)s was imported.") % {"file": filename})
    return render(
        request,
        "catalog/import.html",
        {"report": report, "filename": filename, "preview": _preview(report), "step": "done"},
    )


@manager_required
@require_POST
def import_cancel(request):
    STAGED.discard(request)
    messages.info(request, _("The import was cancelled; the uploaded file was deleted."))
    return redirect("catalog:import")
