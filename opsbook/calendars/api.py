"""The business calendars' HTTP API, mounted at /api/calendars/.

Staff read (customer contacts get 403 on every route); administrators change. Routes fetch
through ``access.py`` and write through ``services.py``, like the calendar pages; a write that
sends the ``version`` it read answers 409 when someone saved in between.
"""

from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status as HttpStatus

from opsbook.core.api import Id, Message, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard, require

from . import access, services
from .health import health_for_request
from .models import Calendar, CalendarException
from .schemas import (
    CalendarDetailOut,
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    CalendarPut,
    ExceptionIn,
    ExceptionOut,
    ExceptionPatch,
    ExceptionPut,
    HealthOut,
    Year,
    YearIn,
    YearOut,
)

router = Router(tags=["calendars"])

READ_ERRORS = {401: Message, 403: Message, 404: Message}
WRITE_ERRORS = {**READ_ERRORS, 409: Message, 422: ValidationErrors}
RENAMED = {"pattern_weekday": "hours_as_on"}


router.add_decorator(
    api_guard(access.can_view_calendars, lambda: _("Business calendars are for staff only.")),
    mode="operation",
)


def _require_admin(request) -> None:
    require(
        access.can_edit_calendars(request.user), _("Only administrators change business calendars.")
    )


def _exceptions(year: int | None = None, first: int | None = None, last: int | None = None):
    qs = CalendarException.objects.prefetch_related("windows")
    if year is not None:
        qs = qs.filter(date__year=year)
    if first is not None:
        qs = qs.filter(date__year__gte=first)
    if last is not None:
        qs = qs.filter(date__year__lte=last)
    return qs


def _calendars(request):
    return access.calendars_for_user(request.user).prefetch_related("windows", "years")


def _detail(request, pk: int, **years) -> Calendar:
    calendar = access.get_calendar_for_user(request.user, pk)
    qs = _calendars(request).prefetch_related(
        Prefetch("exceptions", _exceptions(**years), to_attr="exception_list")
    )
    return qs.get(pk=calendar.pk)


def _weekly(windows) -> list:
    return [(w.weekday, *w.window()) for w in windows]


# --- Calendars --------------------------------------------------------------------------------


@router.get("/", response={200: list[CalendarOut], **READ_ERRORS})
def list_calendars(request):
    """Every calendar with its weekly windows, years and health warnings (no exceptions: read
    one calendar for those)."""
    health_for_request(request)
    return list(_calendars(request))


@router.get("/health", response={200: HealthOut, **READ_ERRORS})
def calendar_health(request):
    """The warnings `opsbook calendar health` prints: missing or incomplete years (the next
    year from 1 November on), no calendar, no default calendar."""
    messages = health_for_request(request).messages
    return {"ok": not messages, "warnings": messages}


@router.post("/", response={201: CalendarDetailOut, **WRITE_ERRORS})
def create_calendar(request, payload: CalendarIn):
    _require_admin(request)
    values = payload.model_dump(exclude={"windows"})
    with as_field_errors():
        calendar = services.do_create_calendar(
            request.user, windows=_weekly(payload.windows), source="api", **values
        )
    return HttpStatus(201, _detail(request, calendar.pk))


@router.get("/{calendar_id}", response={200: CalendarDetailOut, **READ_ERRORS})
def get_calendar(
    request,
    calendar_id: Id,
    year: Year | None = None,
    from_year: Year | None = None,
    to_year: Year | None = None,
):
    """One calendar with its exceptions: all of them, or those of ``year``, or of
    ``from_year``–``to_year``."""
    return _detail(request, calendar_id, year=year, first=from_year, last=to_year)


@router.put("/{calendar_id}", response={200: CalendarDetailOut, **WRITE_ERRORS})
def replace_calendar(request, calendar_id: Id, payload: CalendarPut):
    """Replace the fields and the weekly windows; ``version`` is required."""
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    _require_admin(request)
    values = payload.model_dump(exclude={"windows", "version"})
    with as_field_errors():
        services.do_update_calendar(
            request.user,
            calendar,
            expected_version=payload.version,
            windows=_weekly(payload.windows),
            source="api",
            **values,
        )
    return _detail(request, calendar.pk)


@router.patch("/{calendar_id}", response={200: CalendarDetailOut, **WRITE_ERRORS})
def update_calendar(request, calendar_id: Id, payload: CalendarPatch):
    """Change the fields given; ``windows``, when given, replaces every weekly window."""
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    _require_admin(request)
    values = payload.model_dump(exclude_unset=True, exclude={"windows", "version"})
    for name in ("name", "time_zone", "is_default", "description"):
        if name in values and values[name] is None:
            values.pop(name)
    windows = _weekly(payload.windows) if payload.windows is not None else None
    with as_field_errors():
        services.do_update_calendar(
            request.user,
            calendar,
            expected_version=payload.version,
            windows=windows,
            source="api",
            **values,
        )
    return _detail(request, calendar.pk)


# --- Exceptions -------------------------------------------------------------------------------


@router.get("/{calendar_id}/exceptions", response={200: list[ExceptionOut], **READ_ERRORS})
def list_exceptions(request, calendar_id: Id, year: Year | None = None):
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    return list(_exceptions(year=year).filter(calendar=calendar))


@router.post("/{calendar_id}/exceptions", response={201: ExceptionOut, **WRITE_ERRORS})
def create_exception(request, calendar_id: Id, payload: ExceptionIn):
    """Add an exception; a date that already has one is a 422 (change it with PUT or PATCH)."""
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    _require_admin(request)
    with as_field_errors(rename=RENAMED):
        exc = services.do_set_exception(
            request.user,
            calendar,
            date=payload.date,
            kind=payload.kind,
            name=payload.name,
            pattern_weekday=payload.hours_as_on,
            windows=[w.window() for w in payload.windows],
            expected_version=payload.version,
            create_only=True,
            source="api",
        )
    return HttpStatus(201, _exceptions().get(pk=exc.pk))


@router.get("/{calendar_id}/exceptions/{day}", response={200: ExceptionOut, **READ_ERRORS})
def get_exception(request, calendar_id: Id, day: date):
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    return access.get_exception_by_date(calendar, day)


def _change_exception(request, calendar_id: Id, day: date, values: dict, version):
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    exc = access.get_exception_by_date(calendar, day)
    _require_admin(request)
    with as_field_errors(rename=RENAMED):
        saved = services.do_update_exception(
            request.user, exc, expected_version=version, source="api", **values
        )
    return _exceptions().get(pk=saved.pk)


@router.put("/{calendar_id}/exceptions/{day}", response={200: ExceptionOut, **WRITE_ERRORS})
def replace_exception(request, calendar_id: Id, day: date, payload: ExceptionPut):
    """Replace the exception on ``day``; a different ``date`` moves it."""
    values = {
        "date": payload.date or day,
        "kind": payload.kind,
        "name": payload.name,
        "pattern_weekday": payload.hours_as_on,
        "windows": [w.window() for w in payload.windows],
    }
    return _change_exception(request, calendar_id, day, values, payload.version)


@router.patch("/{calendar_id}/exceptions/{day}", response={200: ExceptionOut, **WRITE_ERRORS})
def update_exception(request, calendar_id: Id, day: date, payload: ExceptionPatch):
    """Change the fields given. Changing ``kind`` clears what no longer fits it (the weekday of
    a make-up workday, the windows of special hours) unless the request sets them."""
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    exc = access.get_exception_by_date(calendar, day)
    given = payload.model_dump(exclude_unset=True)
    kind = given.get("kind") or exc.kind
    kind_changed = kind != exc.kind
    if "windows" in given and payload.windows is not None:
        windows = [w.window() for w in payload.windows]
    elif kind_changed:
        windows = []
    else:
        windows = [(w.start, w.end) for w in exc.windows.all()]
    if "hours_as_on" in given:
        pattern = payload.hours_as_on
    else:
        pattern = None if kind_changed else exc.pattern_weekday
    values = {
        "date": given.get("date") or day,
        "kind": kind,
        "name": given["name"] if given.get("name") is not None else exc.name,
        "pattern_weekday": pattern,
        "windows": windows,
    }
    return _change_exception(request, calendar_id, day, values, payload.version)


@router.delete("/{calendar_id}/exceptions/{day}", response={204: None, **WRITE_ERRORS})
def delete_exception(request, calendar_id: Id, day: date, version: int | None = None):
    """The day follows the weekly windows again. ``?version=`` guards against a stale read."""
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    exc = access.get_exception_by_date(calendar, day)
    _require_admin(request)
    services.do_delete_exception(request.user, exc, expected_version=version, source="api")
    return 204, None


# --- Covered years ----------------------------------------------------------------------------


@router.get("/{calendar_id}/years", response={200: list[YearOut], **READ_ERRORS})
def list_years(request, calendar_id: Id):
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    return list(calendar.years.all())


@router.put("/{calendar_id}/years/{year}", response={200: YearOut, **WRITE_ERRORS})
def set_year(request, calendar_id: Id, year: Year, payload: YearIn):
    """Mark ``year`` covered (``complete``: all holidays and make-up workdays are entered) or
    incomplete."""
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    _require_admin(request)
    with as_field_errors():
        return services.do_set_year(
            request.user,
            calendar,
            year,
            complete=payload.complete,
            note=payload.note,
            expected_version=payload.version,
            source="api",
        )


@router.delete("/{calendar_id}/years/{year}", response={204: None, **WRITE_ERRORS})
def delete_year(request, calendar_id: Id, year: Year, version: int | None = None):
    """The year is no longer covered (its exceptions stay)."""
    calendar = access.get_calendar_for_user(request.user, calendar_id)
    row = access.get_year(calendar, year)
    _require_admin(request)
    services.do_delete_year(request.user, row, expected_version=version, source="api")
    return 204, None
