"""Forms for the calendar pages. Windows are typed as text ("09:00-12:00, 13:30-18:00"), the
same grammar the import reads, so a day with a lunch break is one field, not a row editor."""

import zoneinfo
from datetime import date, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opsbook.core import clock
from opsbook.core.forms import StyledFormMixin
from opsbook.core.text import multi_line, single_line

from .businesstime import MIDNIGHT, Window
from .checks import check_windows
from .choices import ExceptionKind, Weekday
from .models import FIRST_YEAR, LAST_YEAR, Calendar
from .notice.entries import CellError, parse_windows

WINDOWS_HELP = _("e.g. 09:00-12:00, 13:30-18:00; 24:00 ends at midnight; empty: closed.")


def windows_text(windows: list[Window]) -> str:
    return ", ".join(
        f"{start:%H:%M}-{'24:00' if end == MIDNIGHT else f'{end:%H:%M}'}" for start, end in windows
    )


def _time_zone_choices():
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones() - {"localtime"})]


def _windows(value: str) -> list[Window]:
    try:
        windows = list(parse_windows(value))
    except CellError as exc:
        raise ValidationError(str(exc)) from None
    try:
        return check_windows(windows)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the calendar version the page was drawn from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, calendar: Calendar | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if calendar is not None:
            self.fields["version"].required = True
            self.initial.setdefault("version", calendar.version)

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class CalendarForm(VersionedForm):
    name = forms.CharField(label=_("name"), max_length=100, validators=[single_line])
    time_zone = forms.ChoiceField(
        label=_("time zone"),
        choices=_time_zone_choices,
        initial="Asia/Shanghai",
        help_text=_("Working hours are wall-clock times in this zone."),
    )
    description = forms.CharField(
        label=_("description"),
        required=False,
        validators=[multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_default = forms.BooleanField(
        label=_("default calendar"),
        required=False,
        help_text=_("Used by service standards that do not name a calendar."),
    )

    def __init__(self, *args, calendar: Calendar | None = None, **kwargs):
        if calendar is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": calendar.name,
                    "time_zone": calendar.time_zone,
                    "description": calendar.description,
                    "is_default": calendar.is_default,
                },
            )
        super().__init__(*args, calendar=calendar, **kwargs)

    def values(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "time_zone", "description", "is_default")
        }


class WeeklyHoursForm(VersionedForm):
    """One text field per weekday; several windows a day are separated by commas."""

    def __init__(self, *args, calendar: Calendar | None = None, **kwargs):
        super().__init__(*args, calendar=calendar, **kwargs)
        weekly = calendar.weekly_windows() if calendar is not None else {}
        for day in Weekday:
            name = f"day_{day.value}"
            self.fields[name] = forms.CharField(
                label=day.label, required=False, max_length=500, help_text=WINDOWS_HELP
            )
            self.fields[name].widget.attrs["class"] = "form-control"
            if calendar is not None:
                self.initial.setdefault(name, windows_text(weekly.get(day.value, [])))

    def day_fields(self):
        return [self[f"day_{day.value}"] for day in Weekday]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for day in Weekday:
            name = f"day_{day.value}"
            if name in cleaned:
                try:
                    cleaned[name] = _windows(cleaned[name])
                except ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned

    def windows(self) -> list[tuple[int, time, time]]:
        return [
            (day.value, start, end)
            for day in Weekday
            for start, end in self.cleaned_data.get(f"day_{day.value}", [])
        ]


class NewCalendarForm(CalendarForm):
    """A new calendar with its weekly hours (Monday–Friday with a lunch break to start from)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hours = WeeklyHoursForm(
            *args, initial={f"day_{d}": "09:00-12:00, 13:30-18:00" for d in range(1, 6)}
        )

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.hours.is_valid()])


class ExceptionForm(VersionedForm):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=ExceptionKind.choices)
    name = forms.CharField(
        label=_("name"),
        required=False,
        max_length=100,
        validators=[single_line],
        help_text=_("e.g. 春节"),
    )
    pattern_weekday = forms.TypedChoiceField(
        label=_("hours as on"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Make-up workdays only: whose working windows the day uses (Monday if empty)."),
    )
    windows = forms.CharField(
        label=_("windows"),
        required=False,
        max_length=500,
        help_text=_("Special hours only, e.g. 09:00-12:00, 13:30-16:00."),
    )

    def __init__(self, *args, exception=None, **kwargs):
        if exception is not None:
            kwargs.setdefault(
                "initial",
                {
                    "date": exception.date,
                    "kind": exception.kind,
                    "name": exception.name,
                    "pattern_weekday": exception.pattern_weekday,
                    "windows": windows_text([(w.start, w.end) for w in exception.windows.all()]),
                },
            )
        super().__init__(*args, **kwargs)

    def clean_windows(self):
        return _windows(self.cleaned_data["windows"])

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "kind": data["kind"],
            "name": data["name"],
            # Passed as typed: the service says when they do not fit the kind.
            "pattern_weekday": data["pattern_weekday"],
            "windows": data["windows"],
        }


def _year_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class YearForm(VersionedForm):
    year = _year_field(label=_("year"))
    complete = forms.BooleanField(
        label=_("complete"),
        required=False,
        initial=True,
        help_text=_("All holidays and make-up workdays of the year are entered."),
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=200,
        help_text=_("Where the data came from, e.g. the State Council notice."),
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("CSV, Excel (.xlsx) or iCalendar (.ics)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.ics,.txt"}),
    )
    mark_covered = _year_field(
        label=_("mark this year covered"),
        required=False,
        help_text=_("After importing, record that this year's holidays are complete."),
    )


class DismissYearForm(forms.Form):
    year = _year_field(label=_("year"))


class ExportForm(StyledFormMixin, forms.Form):
    first_year = _year_field(label=_("from year"))
    last_year = _year_field(label=_("to year"))

    def __init__(self, *args, **kwargs):
        today = clock.localdate()
        kwargs.setdefault("initial", {"first_year": today.year, "last_year": today.year + 1})
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year is before the first."))
        return cleaned


def year_choices(years, today: date) -> list[int]:
    """The years a calendar page offers: those with data, and this year and next."""
    return sorted({*years, today.year, today.year + 1})
