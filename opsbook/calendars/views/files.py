"""A calendar as an .ics file, and the import wizard for a year's notice (upload, preview,
confirm)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.core.errors import ConflictError
from opsbook.core.middleware import body_limit
from opsbook.core.text import clean_single_line
from opsbook.core.uploads import StagedUploads

from .. import access
from ..businesstime import format_window
from ..choices import ExceptionKind, Weekday
from ..forms import ExportForm, ImportForm
from ..models import FIRST_YEAR, LAST_YEAR, Calendar
from ..notice import export_ics, read_notice
from ..notice_import import do_import_notice
from .common import admin_required, staff_required

STAGED = StagedUploads("calendar-imports", "calendar_import")


@staff_required
@require_GET
def calendar_export(request, pk):
    calendar = access.get_calendar_for_user(request.user, pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("calendars:detail", pk=calendar.pk)
    first, last = form.cleaned_data["first_year"], form.cleaned_data["last_year"]
    data = export_ics(calendar, first, last)
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    years = str(first) if first == last else f"{first}-{last}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{clean_single_line(calendar.name)}-{years}.ics"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _stored_upload(request, calendar: Calendar, expected_token: str | None = None):
    """(path, file name, year to mark covered) of the user's pending upload for this calendar,
    if still there and fresh; ``expected_token`` must name that very upload."""
    stored = STAGED.load(request, expected_token, calendar_id=calendar.pk)
    if stored is None:
        return None
    path, info = stored
    mark = info.get("mark_covered")
    return path, str(info.get("filename", "")), mark if isinstance(mark, int) else None


# The preview's columns and the notice fields whose problems mark them.
_CELL_FIELDS = {
    "date": ("date",),
    "kind": ("kind",),
    "name": ("name",),
    "hours": ("windows", "pattern_weekday"),
}
_ORDER = {"refused": 0, "added": 1, "replaced": 1, "unchanged": 2, "": 2}


def _hours(kind, pattern_weekday, windows, weekly) -> str:
    if kind == ExceptionKind.HOLIDAY:
        return _("closed")
    if kind == ExceptionKind.WORKDAY:
        day = Weekday(pattern_weekday or Weekday.MONDAY)
        shown = ", ".join(format_window(s, e) for s, e in weekly.get(day.value, []))
        return _("as on %(day)s: %(hours)s") % {"day": day.label, "hours": shown or "—"}
    return ", ".join(format_window(s, e) for s, e in windows)


def _where(location) -> tuple:
    return (location.sheet, location.row, location.line)


def _import_context(calendar, result) -> dict:
    """The entries to show, refused first, then those that add or replace an exception (with
    what it was), then the unchanged; cells with a problem are marked."""
    weekly = calendar.weekly_windows()
    changes = {
        **dict.fromkeys(result.added, "added"),
        **dict.fromkeys(result.updated, "replaced"),
        **dict.fromkeys(result.unchanged, "unchanged"),
    }
    labels = {
        "refused": _("refused"),
        "added": _("added"),
        "replaced": _("replaced"),
        "unchanged": _("unchanged"),
    }
    bad: dict[tuple, dict[str, list[str]]] = {}
    for problem in result.problems:
        where = problem.location
        if where.row is None and where.line is None:
            continue
        bad.setdefault(_where(where), {}).setdefault(problem.field or "", []).append(
            problem.message
        )
    rows = []
    for entry in result.entries:
        fields = bad.get(_where(entry.location))
        status = "refused" if fields is not None else changes.get(entry.date, "")
        was = result.replaced.get(entry.date)
        previous = ""
        if was is not None:
            kind, name, pattern, windows = was
            previous = " · ".join(
                bit
                for bit in (
                    str(ExceptionKind(kind).label),
                    name,
                    _hours(kind, pattern, windows, weekly),
                )
                if bit
            )
        rows.append(
            {
                "entry": entry,
                "weekday": Weekday(entry.date.isoweekday()).label,
                "kind": ExceptionKind(entry.kind).label,
                "hours": _hours(entry.kind, entry.pattern_weekday, entry.windows, weekly),
                "status": status,
                "change": labels.get(status, ""),
                "previous": previous,
                "bad": {
                    cell: " ".join(m for f in names for m in (fields or {}).get(f, []))
                    for cell, names in _CELL_FIELDS.items()
                    if fields and any(f in fields for f in names)
                },
                "row_problem": " ".join((fields or {}).get("", [])),
            }
        )
    rows.sort(key=lambda r: (_ORDER[r["status"]], r["entry"].date))
    # A file refused while it was read was never compared with the calendar: no rows to show.
    if not result.ok and not any(r["status"] for r in rows):
        rows = []
    return {"calendar": calendar, "result": result, "rows": rows}


def _year_asked(request) -> dict:
    """``?year=2027`` (the health banner's link) proposes to mark that year covered."""
    year = request.GET.get("year", "")
    if year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR:
        return {"mark_covered": int(year)}
    return {}


@body_limit("IMPORT_MAX_BYTES")
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
    form = ImportForm(request.POST or None, request.FILES or None, initial=_year_asked(request))
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
    result = do_import_notice(
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
        result = do_import_notice(
            request.user,
            calendar,
            notice,
            mark_covered=mark_covered,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ConflictError as exc:
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
