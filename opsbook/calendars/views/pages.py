"""The calendar list, one calendar's page, and editing a calendar and its weekly hours.

htmx requests for another year get the exceptions partial of the same template."""

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opsbook.core import clock

from .. import access, services
from ..businesstime import format_window, format_years
from ..choices import ExceptionKind, Weekday
from ..forms import (
    CalendarForm,
    ExportForm,
    NewCalendarForm,
    VersionedForm,
    WeeklyHoursForm,
    year_choices,
)
from ..health import health_for_request
from .common import admin_required, save_form, staff_required


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
    today = clock.localdate()
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
    choices = year_choices([*exception_years, *(r.year for r in years)], clock.localdate())
    year = _selected_year(request, choices)
    # Each exception gets the labels the page shows (not stored, hence Any).
    exceptions: list[Any] = list(
        calendar.exceptions.filter(date__year=year).prefetch_related("windows")
    )
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
    return save_form(request, form, save, context, "calendars/calendar_form.html")


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
    return save_form(request, form, save, context, "calendars/calendar_form.html")


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
    return save_form(request, form, save, context, "calendars/hours_form.html")
