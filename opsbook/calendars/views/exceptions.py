"""A calendar's exceptions (holidays, make-up workdays, special hours) and covered years."""

import contextlib
from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsbook.core.errors import ConflictError

from .. import access, services
from ..forms import ExceptionForm, VersionedForm, YearForm
from .common import admin_required, save_form


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
    return save_form(request, form, save, context, "calendars/exception_form.html")


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
    return save_form(request, form, save, context, "calendars/exception_form.html")


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
    except ConflictError as exc_conflict:
        messages.error(request, str(exc_conflict))
    else:
        messages.success(
            request,
            _("%(exception)s was deleted; the day follows the weekly hours again.")
            % {"exception": exc},
        )
    return _detail_for(calendar, exc.date)


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
    return save_form(request, form, save, context, "calendars/years.html")


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
        except ConflictError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(year)s is no longer marked covered.") % {"year": row.year}
            )
    return redirect("calendars:years", pk=calendar.pk)
