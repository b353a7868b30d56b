"""Calendar pages. Thin: fetch through ``access``, write through ``services``; templates get
``can_edit`` and never check roles. htmx requests for another year get the exceptions partial of
the same template."""

import contextlib
from datetime import date
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.core.uploads import StagedUploads

from . import access, services
from .businesstime import format_window, format_years
from .choices import ExceptionKind, Weekday
from .forms import (
    CalendarForm,
    ExceptionForm,
    ExportForm,
    ImportForm,
    NewCalendarForm,
    VersionedForm,
    WeeklyHoursForm,
    YearForm,
    year_choices,
)
from .health import health_for_request
from .models import Calendar
from .notice import export_ics, read_notice

STAGED = StagedUploads("calendar-imports", "calendar_import")


def _requires(allowed):
    """Anonymous users get the login page; signed-in users for whom ``allowed`` is false, 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = _requires(access.can_view_calendars)
admin_required = _requires(access.can_edit_calendars)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _save(request, form, save, context: dict, template: str):
    """Call ``save`` when the form is valid; map service errors to the form; 409 on a conflict
    (what the user typed stays on the page)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            return save()
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
            context["conflict"] = True
            status = 409
    context["form"] = form
    return render(request, template, context, status=status)


# --- List and detail --------------------------------------------------------------------------


@staff_required
@require_GET
def calendar_list(request):
    health = health_for_request(request)
    calendars = list(
        access.calendars_for_user(request.user)
        .prefetch_related("years")
        .annotate(exception_count=Count("exceptions"))
    )
    for calendar in calendars:
        calendar.covered_text = format_years(r.year for r in calendar.years.all() if r.complete)
        calendar.warnings = health.by_calendar.get(calendar.pk, [])
    context = {
        "calendars": calendars,
        "general_warnings": health.general,
        "can_edit": access.can_edit_calendars(request.user),
    }
    return render(request, "calendars/list.html", context)


def _hours_label(exc, weekly) -> str:
    if exc.kind == ExceptionKind.HOLIDAY:
        return _("closed")
    windows = exc.resolved_windows(weekly)
    text = ", ".join(format_window(s, e) for s, e in windows) or _("closed")
    if exc.kind == ExceptionKind.WORKDAY:
        day = Weekday(exc.pattern_weekday or Weekday.MONDAY).label
        return _("as on %(day)s: %(hours)s") % {"day": day, "hours": text}
    return text


def _selected_year(request, years: list[int]) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if year in year_choices(years, today) else today.year


@staff_required
@require_GET
def calendar_detail(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    weekly = calendar.weekly_windows()
    years = list(calendar.years.all())
    exception_years = [d.year for d in calendar.exceptions.dates("date", "year")]
    choices = year_choices([*exception_years, *(r.year for r in years)], timezone.localdate())
    year = _selected_year(request, choices)
    exceptions = list(calendar.exceptions.filter(date__year=year).prefetch_related("windows"))
    for exc in exceptions:
        exc.hours_label = _hours_label(exc, weekly)
        exc.weekday_label = Weekday(exc.date.isoweekday()).label
    counts = {kind: sum(e.kind == kind for e in exceptions) for kind in ExceptionKind.values}
    year_row = next((r for r in years if r.year == year), None)
    health = health_for_request(request)
    context = {
        "calendar": calendar,
        "weekly": [
            (day.label, ", ".join(format_window(s, e) for s, e in weekly.get(day.value, [])))
            for day in Weekday
        ],
        "years": years,
        "covered_text": format_years(r.year for r in years if r.complete),
        "year": year,
        "year_choices": choices,
        "year_row": year_row,
        "exceptions": exceptions,
        "counts": counts,
        "warnings": [*health.general, *health.by_calendar.get(calendar.pk, [])],
        "can_edit": access.can_edit_calendars(request.user),
        "export_form": ExportForm(),
        "delete_form": VersionedForm(calendar=calendar),
    }
    template = "calendars/detail.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template = f"{template}#exceptions"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Editing the calendar ---------------------------------------------------------------------


@admin_required
def calendar_create(request):
    form = NewCalendarForm(request.POST or None)

    def save():
        calendar = services.do_create_calendar(
            request.user, windows=form.hours.windows(), **form.values()
        )
        messages.success(request, _("%(name)s was created.") % {"name": calendar})
        return redirect("calendars:detail", pk=calendar.pk)

    context = {"title": _("New business calendar"), "hours_form": form.hours}
    return _save(request, form, save, context, "calendars/calendar_form.html")


@admin_required
def calendar_edit(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    form = CalendarForm(request.POST or None, calendar=calendar)

    def save():
        services.do_update_calendar(
            request.user, calendar, expected_version=form.expected_version, **form.values()
        )
        messages.success(request, _("%(name)s was saved.") % {"name": calendar})
        return redirect("calendars:detail", pk=calendar.pk)

    context = {"title": _("Edit %(name)s") % {"name": calendar}, "calendar": calendar}
    return _save(request, form, save, context, "calendars/calendar_form.html")


@admin_required
def calendar_hours(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    form = WeeklyHoursForm(request.POST or None, calendar=calendar)

    def save():
        services.do_set_weekly_windows(
            request.user, calendar, form.windows(), expected_version=form.expected_version
        )
        messages.success(
            request, _("The weekly hours of %(name)s were saved.") % {"name": calendar}
        )
        return redirect("calendars:detail", pk=calendar.pk)

    context = {"title": _("Weekly hours of %(name)s") % {"name": calendar}, "calendar": calendar}
    return _save(request, form, save, context, "calendars/hours_form.html")


# --- Exceptions -------------------------------------------------------------------------------


def _detail_for(calendar, day: date | None = None):
    url = redirect("calendars:detail", pk=calendar.pk).url
    return redirect(f"{url}?year={day.year}" if day else url)


@admin_required
def exception_create(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    initial = {}
    with contextlib.suppress(ValueError, TypeError):
        initial["date"] = date.fromisoformat(request.GET.get("date", ""))
    form = ExceptionForm(request.POST or None, calendar=calendar, initial=initial)

    def save():
        exc = services.do_set_exception(
            request.user,
            calendar,
            expected_version=form.expected_version,
            create_only=True,
            **form.values(),
        )
        messages.success(request, _("%(exception)s was saved.") % {"exception": exc})
        return _detail_for(calendar, exc.date)

    context = {"title": _("New exception in %(name)s") % {"name": calendar}, "calendar": calendar}
    return _save(request, form, save, context, "calendars/exception_form.html")


@admin_required
def exception_edit(request, pk, exception_pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    exc = access.get_exception_for_user(request.user, calendar, exception_pk)
    form = ExceptionForm(request.POST or None, calendar=calendar, exception=exc)

    def save():
        saved = services.do_update_exception(
            request.user, exc, expected_version=form.expected_version, **form.values()
        )
        messages.success(request, _("%(exception)s was saved.") % {"exception": saved})
        return _detail_for(calendar, saved.date)

    context = {
        "title": _("Edit %(exception)s") % {"exception": exc},
        "calendar": calendar,
        "exception": exc,
    }
    return _save(request, form, save, context, "calendars/exception_form.html")


@admin_required
@require_POST
def exception_delete(request, pk, exception_pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    exc = access.get_exception_for_user(request.user, calendar, exception_pk)
    form = VersionedForm(request.POST, calendar=calendar)
    if not form.is_valid():
        messages.error(request, _("The page was out of date. Reload and try again."))
        return _detail_for(calendar, exc.date)
    try:
        services.do_delete_exception(request.user, exc, expected_version=form.expected_version)
    except services.ConflictError as exc_conflict:
        messages.error(request, str(exc_conflict))
    else:
        messages.success(
            request,
            _("%(exception)s was deleted; the day follows the weekly hours again.")
            % {"exception": exc},
        )
    return _detail_for(calendar, exc.date)


# --- Covered years ----------------------------------------------------------------------------


@admin_required
def calendar_years(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    initial = {}
    with contextlib.suppress(ValueError, TypeError):
        initial["year"] = int(request.GET.get("year", ""))
    form = YearForm(request.POST or None, calendar=calendar, initial=initial)

    def save():
        row = services.do_set_year(
            request.user,
            calendar,
            form.cleaned_data["year"],
            complete=form.cleaned_data["complete"],
            note=form.cleaned_data["note"],
            expected_version=form.expected_version,
        )
        if row.complete:
            text = _("%(year)s is marked covered in %(name)s.")
        else:
            text = _("%(year)s is marked incomplete in %(name)s.")
        messages.success(request, text % {"year": row.year, "name": calendar})
        return _detail_for(calendar, date(row.year, 1, 1))

    context = {
        "calendar": calendar,
        "years": list(calendar.years.all()),
        "delete_form": VersionedForm(calendar=calendar),
    }
    return _save(request, form, save, context, "calendars/years.html")


@admin_required
@require_POST
def year_delete(request, pk, year):
    calendar = access.get_calendar_for_user(request.user, pk)
    row = access.get_year(calendar, year)
    form = VersionedForm(request.POST, calendar=calendar)
    if not form.is_valid():
        messages.error(request, _("The page was out of date. Reload and try again."))
    else:
        try:
            services.do_delete_year(request.user, row, expected_version=form.expected_version)
        except services.ConflictError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(year)s is no longer marked covered.") % {"year": row.year}
            )
    return redirect("calendars:years", pk=calendar.pk)


# --- Export -----------------------------------------------------------------------------------


@staff_required
@require_GET
def calendar_export(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("calendars:detail", pk=calendar.pk)
    first, last = form.cleaned_data["first_year"], form.cleaned_data["last_year"]
    data = export_ics(calendar, first, last)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    years = str(first) if first == last else f"{first}-{last}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{calendar.name}-{years}.ics"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Import -----------------------------------------------------------------------------------


def _stored_upload(request, calendar: Calendar, expected_token: str | None = None):
    """(path, file name, year to mark covered) of the user's pending upload for this calendar,
    if still there and fresh; ``expected_token`` must name that very upload."""
    stored = STAGED.load(request, expected_token, calendar_id=calendar.pk)
    if stored is None:
        return None
    path, info = stored
    mark = info.get("mark_covered")
    return path, str(info.get("filename", "")), mark if isinstance(mark, int) else None


def _import_context(calendar, result) -> dict:
    weekly = calendar.weekly_windows()
    changes = {
        **dict.fromkeys(result.added, _("added")),
        **dict.fromkeys(result.updated, _("replaced")),
        **dict.fromkeys(result.unchanged, _("unchanged")),
    }
    rows = []
    for entry in sorted(result.entries, key=lambda e: e.date):
        if entry.kind == ExceptionKind.HOLIDAY:
            hours = _("closed")
        elif entry.kind == ExceptionKind.WORKDAY:
            day = Weekday(entry.pattern_weekday or Weekday.MONDAY)
            windows = ", ".join(format_window(s, e) for s, e in weekly.get(day.value, []))
            hours = _("as on %(day)s: %(hours)s") % {"day": day.label, "hours": windows or "—"}
        else:
            hours = ", ".join(format_window(s, e) for s, e in entry.windows)
        rows.append(
            {
                "entry": entry,
                "weekday": Weekday(entry.date.isoweekday()).label,
                "kind": ExceptionKind(entry.kind).label,
                "hours": hours,
                "change": changes.get(entry.date, ""),
            }
        )
    return {"calendar": calendar, "result": result, "rows": rows}


@admin_required
def import_upload(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    STAGED.sweep()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (
        request.method == "POST"
        and declared.isdigit()
        and int(declared) > (settings.IMPORT_MAX_BYTES + 65536)
    ):
        messages.error(
            request,
            _("The file is larger than the %(limit)d MB limit.")
            % {"limit": settings.IMPORT_MAX_BYTES // 1048576},
        )
        return redirect("calendars:import", pk=calendar.pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        STAGED.discard(request)
        data = form.cleaned_data
        STAGED.store(
            request, data["file"], calendar_id=calendar.pk, mark_covered=data["mark_covered"]
        )
        return redirect("calendars:import_preview", pk=calendar.pk)
    context = {"calendar": calendar, "form": form, "step": "upload"}
    return render(request, "calendars/import.html", context)


@admin_required
@require_GET
def import_preview(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    stored = _stored_upload(request, calendar)
    if stored is None:
        messages.error(request, _("The uploaded file is gone or expired. Upload it again."))
        return redirect("calendars:import", pk=calendar.pk)
    path, filename, mark_covered = stored
    notice = read_notice(path.read_bytes(), filename)
    result = services.do_import_notice(
        request.user, calendar, notice, dry_run=True, mark_covered=mark_covered
    )
    context = _import_context(calendar, result)
    context.update(
        step="preview",
        upload_token=STAGED.token(request),
        version=calendar.version,
    )
    return render(request, "calendars/import.html", context)


@admin_required
@require_POST
def import_confirm(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    stored = _stored_upload(request, calendar, expected_token=request.POST.get("upload", ""))
    if stored is None:
        messages.error(
            request,
            _(
                "The file you previewed is gone, expired or was replaced by another upload. "
                "Upload it again."
            ),
        )
        return redirect("calendars:import", pk=calendar.pk)
    path, filename, mark_covered = stored
    version = request.POST.get("version", "")
    notice = read_notice(path.read_bytes(), filename)
    try:
        result = services.do_import_notice(
            request.user,
            calendar,
            notice,
            mark_covered=mark_covered,
            expected_version=int(version) if version.isdigit() else None,
        )
    except services.ConflictError as exc:
        messages.error(request, f"{exc} {_('The preview below is up to date.')}")
        return redirect("calendars:import_preview", pk=calendar.pk)
    STAGED.discard(request)
    if result.ok:
        messages.success(request, _("%(file)s was imported.") % {"file": filename})
    context = _import_context(calendar, result)
    context["step"] = "done"
    return render(request, "calendars/import.html", context)


@admin_required
@require_POST
def import_cancel(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    STAGED.discard(request)
    messages.info(request, _("The import was cancelled; the uploaded file was deleted."))
    return redirect("calendars:detail", pk=calendar.pk)
