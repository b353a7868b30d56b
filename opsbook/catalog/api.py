"""The checklist's HTTP API, mounted at /api/catalog/.

Routes fetch through ``access.py`` (so a record outside the caller's scope is a 404) and write
through ``services.py`` (validation, optimistic locking, audit). Customer contacts are refused
every route here with a 403; docs/developers/api.md lists the rules.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from opsbook.accounts.access import can_manage_catalog, can_view_catalog
from opsbook.accounts.models import Team, User
from opsbook.audit.models import AuditEntry
from opsbook.audit.schemas import AuditEntryOut
from opsbook.calendars.models import Calendar
from opsbook.core.api import (
    Message,
    Pagination,
    ValidationErrors,
    as_field_errors,
    invalid,
)

from . import services
from .access import (
    can_edit_content,
    can_edit_item,
    categories_for_user,
    contents_for_user,
    get_category_for_user,
    get_content_for_user,
    get_item_by_code_for_user,
    get_item_for_user,
    items_for_user,
)
from .choices import Status
from .excel.exporter import export_catalog, write_template
from .excel.importer import import_catalog
from .frequency import FrequencyError, parse_frequency
from .models import (
    Checkpoint,
    Kpi,
    Ownership,
    Resource,
    ServiceContent,
    ServiceItem,
    ServiceStandard,
)
from .schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    ContentFilters,
    ContentIn,
    ContentOut,
    ContentPatch,
    FrequencyOut,
    ImportReportOut,
    ItemDetailOut,
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemPatch,
    KpiOut,
    PartsIn,
    StandardOut,
    category_paths,
)

router = Router(tags=["catalog"])

READ_ERRORS = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS = {**READ_ERRORS, 422: ValidationErrors}
PAYLOAD = ("body", "payload")
RENAMED = {"category": "category_id", "parent": "parent_id"}
PART_NAMES = frozenset(services.PART_MODELS)
ITEM_TYPE = ServiceItem._meta.label_lower
ITEM_FIRST = F("content_id").asc(nulls_first=True)  # the item's own parts, then by content


def _staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_catalog(request.user):
            raise PermissionDenied(_("The service checklist is for staff only."))
        return view(request, *args, **kwargs)

    return wrapper


router.add_decorator(_staff_only, mode="operation")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))


# --- Reading with a fixed number of queries ----------------------------------------------------


def _part_prefetches(*, item_level: bool) -> list[Prefetch]:
    scope = Q(content__isnull=True) if item_level else Q()
    return [
        Prefetch(
            "ownerships",
            Ownership.objects.filter(scope).select_related("user", "team"),
            to_attr="owner_list",
        ),
        Prefetch(
            "standards",
            ServiceStandard.objects.filter(scope).select_related("calendar"),
            to_attr="standard_list",
        ),
        Prefetch("kpis", Kpi.objects.filter(scope), to_attr="kpi_list"),
        Prefetch("checkpoints", Checkpoint.objects.filter(scope), to_attr="checkpoint_list"),
        Prefetch("resources", Resource.objects.filter(scope), to_attr="resource_list"),
    ]


def _content_prefetch() -> Prefetch:
    return Prefetch(
        "contents",
        ServiceContent.objects.prefetch_related(*_part_prefetches(item_level=False)),
        to_attr="content_list",
    )


def _item_detail(request: HttpRequest, pk: int) -> ServiceItem:
    item = get_item_for_user(request.user, pk)
    prefetch_related_objects([item], *_part_prefetches(item_level=True), _content_prefetch())
    return item


def _content_detail(request: HttpRequest, pk: int) -> ServiceContent:
    content = get_content_for_user(request.user, pk)
    prefetch_related_objects([content], *_part_prefetches(item_level=False))
    return content


# --- Turning input into service arguments ------------------------------------------------------


def _find_user(ref) -> User | None:
    """A user by id (a number) or username (a string)."""
    field = "pk" if isinstance(ref, int) else "username"
    return User.objects.filter(**{field: ref}).first()


def _find_team(ref) -> Team | None:
    field = "pk" if isinstance(ref, int) else "name"
    return Team.objects.filter(**{field: ref}).first()


def _query_ref(text: str) -> int | str:
    """A query string names a user or team by id when it is all digits, by name otherwise."""
    return int(text) if text.isdigit() else text


def _owners(rows, prefix) -> list[Ownership]:
    owners = []
    for i, row in enumerate(rows):
        if row.user is not None:
            user = _find_user(row.user)
            if user is None or not user.is_staff_member:
                raise invalid(
                    [*prefix, "owners", i, "user"],
                    _("%(user)s is not an active staff member.") % {"user": row.user},
                )
            owners.append(Ownership(user=user, is_primary=row.primary))
        else:
            team = _find_team(row.team)
            if team is None:
                raise invalid(
                    [*prefix, "owners", i, "team"],
                    _("There is no team %(team)s.") % {"team": row.team},
                )
            owners.append(Ownership(team=team, is_primary=row.primary))
    return owners


def _parts(payload: PartsIn, prefix=PAYLOAD) -> services.Parts:
    parts = services.Parts()
    if payload.owners is not None:
        parts.owners = _owners(payload.owners, prefix)
    if payload.standards is not None:
        parts.standards = []
        for i, row in enumerate(payload.standards):
            values = row.model_dump() | {"priority": row.priority or "", "calendar": None}
            if row.calendar:
                values["calendar"] = Calendar.objects.filter(name=row.calendar).first()
                if values["calendar"] is None:
                    raise invalid(
                        [*prefix, "standards", i, "calendar"],
                        _("There is no calendar %(name)s.") % {"name": row.calendar},
                    )
            parts.standards.append(ServiceStandard(**values))
    if payload.kpis is not None:
        parts.kpis = [Kpi(**row.model_dump()) for row in payload.kpis]
    if payload.checkpoints is not None:
        parts.checkpoints = [Checkpoint(**row.model_dump()) for row in payload.checkpoints]
    if payload.resources is not None:
        parts.resources = [Resource(**row.model_dump()) for row in payload.resources]
    return parts


def _values(request: HttpRequest, payload, *, partial: bool) -> dict:
    """Field values for a service call: nested parts and ``version`` left out, ids looked up."""
    values = payload.model_dump(exclude_unset=partial, exclude={*PART_NAMES, "version"})
    if values.get("code") is None:
        values.pop("code", None)
    if "delivery_mode" in values and values["delivery_mode"] is None:
        values["delivery_mode"] = ""
    if "category_id" in values:
        pk = values.pop("category_id")
        category = categories_for_user(request.user).filter(pk=pk).first()
        if category is None:
            raise invalid([*PAYLOAD, "category_id"], _("There is no category %(id)s.") % {"id": pk})
        values["category"] = category
    return values


def _check_dates(entry, values: dict) -> None:
    """End before start is a field error on ``end_date`` (the database constraint would only
    say the row is invalid)."""
    start = values.get("start_date", entry.start_date if entry else None)
    end = values.get("end_date", entry.end_date if entry else None)
    if start and end and end < start:
        raise invalid([*PAYLOAD, "end_date"], _("The end date is before the start date."))


# --- Categories -------------------------------------------------------------------------------
def _category_ref(request, pk):
    if pk is None:
        return None
    category = categories_for_user(request.user).filter(pk=pk).first()
    if category is None:
        raise invalid([*PAYLOAD, "parent_id"], _("There is no category %(id)s.") % {"id": pk})
    return category


@router.get("/categories", response={200: list[CategoryOut], **READ_ERRORS})
def list_categories(request):
    """Every category, parents before their children (sorted by path)."""
    paths = category_paths(request)
    categories = list(categories_for_user(request.user))
    return sorted(categories, key=lambda c: [*paths[c.pk]])


@router.post("/categories", response={201: CategoryOut, **WRITE_ERRORS})
def create_category(request, payload: CategoryIn):
    _require(can_manage_catalog(request.user))
    values = payload.model_dump()
    values["parent"] = _category_ref(request, values.pop("parent_id"))
    with as_field_errors(rename=RENAMED):
        category = services.do_create_category(request.user, source="api", **values)
    return HttpStatus(201, category)


@router.get("/categories/{category_id}", response={200: CategoryOut, **READ_ERRORS})
def get_category(request, category_id: int):
    return get_category_for_user(request.user, category_id)


@router.patch("/categories/{category_id}", response={200: CategoryOut, **WRITE_ERRORS})
def update_category(request, category_id: int, payload: CategoryPatch):
    category = get_category_for_user(request.user, category_id)
    _require(can_manage_catalog(request.user))
    values = payload.model_dump(exclude_unset=True)
    if "parent_id" in values:
        values["parent"] = _category_ref(request, values.pop("parent_id"))
    with as_field_errors(rename=RENAMED):
        return services.do_update_category(request.user, category, source="api", **values)


# --- Items ------------------------------------------------------------------------------------


def _filter_items(request, qs, f: ItemFilters):
    if f.q:
        qs = qs.search(f.q)
    if f.category is not None:
        category = categories_for_user(request.user).filter(pk=f.category).first()
        qs = qs.in_category(category) if category else qs.none()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.tier:
        qs = qs.filter(tier=f.tier)
    if f.frequency_period:
        qs = qs.filter(frequency_period=f.frequency_period)
    if f.owner:
        user = _find_user(_query_ref(f.owner))
        qs = qs.owned_by(user) if user else qs.none()
    if f.team:
        team = _find_team(_query_ref(f.team))
        if team is None:
            qs = qs.none()
        else:
            owned = Ownership.objects.filter(Q(team=team) | Q(user__team=team), item=OuterRef("pk"))
            qs = qs.filter(Exists(owned))
    if f.due_for_review is not None:
        due = ServiceItem.objects.due_for_review(timezone.localdate()).values("pk")
        qs = qs.filter(pk__in=due) if f.due_for_review else qs.exclude(pk__in=due)
    if f.updated_since:
        since = f.updated_since
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        qs = qs.filter(updated_at__gte=since)
    return qs


@router.get("/items", response={200: list[ItemOut], **READ_ERRORS, 422: ValidationErrors})
@paginate(Pagination)
def list_items(request, filters: Query[ItemFilters]):
    """Service items, in checklist order, with their item-level owners and parts."""
    qs = _filter_items(request, items_for_user(request.user), filters)
    return qs.select_related("category").prefetch_related(*_part_prefetches(item_level=True))


@router.post("/items", response={201: ItemDetailOut, **WRITE_ERRORS})
def create_item(request, payload: ItemIn):
    _require(can_manage_catalog(request.user))
    values = _values(request, payload, partial=False)
    _check_dates(None, values)
    parts = _parts(payload)
    with as_field_errors(rename=RENAMED):
        item = services.do_create_item(request.user, parts=parts, source="api", **values)
    return HttpStatus(201, _item_detail(request, item.pk))


@router.get("/items/by-code/{code}", response={200: ItemDetailOut, **READ_ERRORS})
def get_item_by_code(request, code: str):
    item = get_item_by_code_for_user(request.user, code)
    return _item_detail(request, item.pk)


@router.get("/items/{item_id}", response={200: ItemDetailOut, **READ_ERRORS})
def get_item(request, item_id: int):
    """One item with its content; each piece of content carries its own owners and parts."""
    return _item_detail(request, item_id)


@router.patch("/items/{item_id}", response={200: ItemDetailOut, 409: Message, **WRITE_ERRORS})
def update_item(request, item_id: int, payload: ItemPatch):
    """Change the fields given; each nested list given replaces the item's parts of that kind.
    Send the ``version`` you read to get a 409 instead of overwriting someone else's change."""
    item = get_item_for_user(request.user, item_id)
    _require(can_edit_item(request.user, item))
    values = _values(request, payload, partial=True)
    if values.get("status") == Status.RETIRED:
        _require(can_manage_catalog(request.user))
    _check_dates(item, values)
    parts = _parts(payload)
    with as_field_errors(rename=RENAMED):
        services.do_update_item(
            request.user,
            item,
            parts=parts,
            expected_version=payload.version,
            source="api",
            **values,
        )
    return _item_detail(request, item.pk)


@router.post("/items/{item_id}/retire", response={200: ItemDetailOut, **READ_ERRORS})
def retire_item(request, item_id: int):
    """Retire the item and its content; nothing is deleted and the history stays."""
    item = get_item_for_user(request.user, item_id)
    _require(can_manage_catalog(request.user))
    services.do_retire_item(request.user, item, source="api")
    return _item_detail(request, item.pk)


@router.get("/items/{item_id}/standards", response={200: list[StandardOut], **READ_ERRORS})
def list_item_standards(request, item_id: int):
    """Service standards of the item and of its content (``content_id`` tells which)."""
    item = get_item_for_user(request.user, item_id)
    return ServiceStandard.objects.filter(item=item).order_by(ITEM_FIRST, "position", "pk")


@router.get("/items/{item_id}/kpis", response={200: list[KpiOut], **READ_ERRORS})
def list_item_kpis(request, item_id: int):
    """KPIs of the item and of its content (``content_id`` tells which)."""
    item = get_item_for_user(request.user, item_id)
    return Kpi.objects.filter(item=item).order_by(ITEM_FIRST, "position", "pk")


@router.get("/items/{item_id}/history", response={200: list[AuditEntryOut], **READ_ERRORS})
@paginate(Pagination)
def item_history(request, item_id: int):
    """Changes to the item and to its content, newest first."""
    item = get_item_for_user(request.user, item_id)
    key = str(item.pk)
    return AuditEntry.objects.filter(
        Q(object_type=ITEM_TYPE, object_id=key) | Q(parent_type=ITEM_TYPE, parent_id=key)
    )


# --- Content ----------------------------------------------------------------------------------


def _filter_contents(qs, f: ContentFilters):
    if f.item is not None:
        qs = qs.filter(item_id=f.item)
    if f.q:
        text = f.q.strip()
        qs = qs.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(description__icontains=text)
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.owner:
        user = _find_user(_query_ref(f.owner))
        if user is None:
            return qs.none()
        match = Q(user=user) | Q(team_id=user.team_id) if user.team_id else Q(user=user)
        qs = qs.filter(Exists(Ownership.objects.filter(match, content=OuterRef("pk"))))
    return qs


@router.get("/contents", response={200: list[ContentOut], **READ_ERRORS, 422: ValidationErrors})
@paginate(Pagination)
def list_contents(request, filters: Query[ContentFilters]):
    qs = _filter_contents(contents_for_user(request.user), filters)
    return qs.select_related("item").prefetch_related(*_part_prefetches(item_level=False))


@router.post("/items/{item_id}/contents", response={201: ContentOut, **WRITE_ERRORS})
def create_content(request, item_id: int, payload: ContentIn):
    item = get_item_for_user(request.user, item_id)
    # As in the web UI: managers, and agents who own the item, add content to it.
    _require(can_edit_item(request.user, item))
    values = _values(request, payload, partial=False)
    _check_dates(None, values)
    parts = _parts(payload)
    with as_field_errors():
        content = services.do_create_content(
            request.user, item, parts=parts, source="api", **values
        )
    return HttpStatus(201, _content_detail(request, content.pk))


@router.get("/contents/{content_id}", response={200: ContentOut, **READ_ERRORS})
def get_content(request, content_id: int):
    return _content_detail(request, content_id)


@router.patch("/contents/{content_id}", response={200: ContentOut, 409: Message, **WRITE_ERRORS})
def update_content(request, content_id: int, payload: ContentPatch):
    """Change the fields given; nested lists replace the content's own parts."""
    content = get_content_for_user(request.user, content_id)
    _require(can_edit_content(request.user, content))
    values = _values(request, payload, partial=True)
    if values.get("status") == Status.RETIRED:
        _require(can_manage_catalog(request.user))
    _check_dates(content, values)
    parts = _parts(payload)
    with as_field_errors():
        services.do_update_content(
            request.user,
            content,
            parts=parts,
            expected_version=payload.version,
            source="api",
            **values,
        )
    return _content_detail(request, content.pk)


@router.post("/contents/{content_id}/retire", response={200: ContentOut, **READ_ERRORS})
def retire_content(request, content_id: int):
    content = get_content_for_user(request.user, content_id)
    _require(can_manage_catalog(request.user))
    services.do_retire_content(request.user, content, source="api")
    return _content_detail(request, content.pk)


# --- Frequency --------------------------------------------------------------------------------


@router.get("/frequency", response={200: FrequencyOut, **READ_ERRORS, 422: ValidationErrors})
def parse_frequency_text(request, text: str):
    """What a frequency phrase means (每周两次, 每月5日前, twice a week …), the same structure
    as ``opsbook frequency --json``."""
    try:
        return parse_frequency(text).as_dict()
    except FrequencyError as exc:
        raise invalid(["query", "text"], str(exc)) from None


# --- Export -----------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSE = {
    200: {
        "description": "An .xlsx attachment.",
        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _attachment(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    filename = f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/export",
    response={401: Message, 403: Message, 422: ValidationErrors},
    openapi_extra={"responses": XLSX_RESPONSE},
)
def export_checklist(request, filters: Query[ItemFilters]):
    """The checklist as the workbook the importer reads; the item-list filters apply."""
    items = _filter_items(request, items_for_user(request.user), filters)
    return _attachment(export_catalog(items), "opsbook-checklist")


@router.get("/template", response=READ_ERRORS, openapi_extra={"responses": XLSX_RESPONSE})
def import_template(request):
    """An empty workbook with the columns the importer reads and a sheet of examples."""
    return _attachment(write_template(), "opsbook-checklist-template")


# --- Import -----------------------------------------------------------------------------------

# Room for the multipart envelope around the file when comparing Content-Length with the limit.
MULTIPART_SLACK = 64 * 1024
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "dry_run": {"type": "boolean", "default": False},
                    },
                }
            }
        },
    }
}


def _too_large() -> HttpError:
    return HttpError(
        413,
        _("The file is larger than the %(limit)d MB limit.")
        % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
    )


@router.post(
    "/import",
    response={
        200: ImportReportOut,
        413: Message,
        422: ImportReportOut | ValidationErrors,
        **READ_ERRORS,
    },
    openapi_extra=IMPORT_BODY,
)
def import_checklist(request, dry_run: bool = False):
    """Import a checklist workbook (.xlsx or .csv) sent as the multipart field ``file``.

    All or nothing: 200 with the report when it was imported (or, with ``dry_run``, would
    import cleanly); 422 with the report's ``problems`` when it was not.
    """
    _require(can_manage_catalog(request.user))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.IMPORT_MAX_BYTES + MULTIPART_SLACK:
        raise _too_large()  # before Django reads the body
    upload = request.FILES.get("file")
    if upload is None:
        raise invalid(["body", "file"], _("Attach the workbook as the form field 'file'."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise _too_large()
    dry_run = dry_run or request.POST.get("dry_run", "").strip().lower() in TRUE_WORDS
    report = import_catalog(
        upload.read(), upload.name, actor=request.user, dry_run=dry_run, source="api"
    )
    return HttpStatus(200 if report.ok else 422, report.as_dict())
