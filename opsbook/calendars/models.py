"""Business calendars: weekly working windows, dated exceptions, and the years they cover.

A calendar is configuration, read once into a ``CompiledCalendar`` (``Calendar.compile()``)
for arithmetic in ``businesstime``. SLA clocks and schedules read only these rows, never the
holiday library at request time. Every write goes through ``services`` (validation, version
bump, audit).
"""

from collections import defaultdict
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import validate_time_zone
from opsbook.core.text import multi_line, single_line

from .businesstime import CompiledCalendar, Window, format_window
from .choices import DataSource, ExceptionKind, Weekday
from .querysets import CalendarQuerySet, CalendarYearQuerySet

FIRST_YEAR, LAST_YEAR = 1970, 2200


class Calendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True, validators=[single_line])
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Shanghai. Working hours are wall-clock times here."),
    )
    is_default = models.BooleanField(
        _("default calendar"),
        default=False,
        help_text=_("Used by service standards that do not name a calendar."),
    )
    description = models.TextField(_("description"), blank=True, validators=[multi_line])
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped by every change to the calendar, its windows, exceptions or covered years, so
    # anything computed from an older version (due times, cached timelines) can tell.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="calendar_name_not_empty"),
            models.CheckConstraint(condition=~Q(time_zone=""), name="calendar_tz_not_empty"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="calendar_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def weekly_windows(self) -> dict[int, list[Window]]:
        weekly: dict[int, list[Window]] = defaultdict(list)
        for window in self.windows.all():
            weekly[window.weekday].append((window.start, window.end))
        return dict(weekly)

    def compile(self) -> CompiledCalendar:
        """Everything business-time arithmetic needs, in four queries."""
        weekly = self.weekly_windows()
        exceptions = {
            exc.date: exc.resolved_windows(weekly)
            for exc in self.exceptions.prefetch_related("windows")
        }
        covered = self.years.covered().values_list("year", flat=True)
        return CompiledCalendar(self.time_zone, weekly, exceptions, covered)


class TimeWindow(models.Model):
    """A wall-clock working window; an end of 00:00 means midnight at the end of the day."""

    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")) | Q(end=time(0)),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return format_window(self.start, self.end)


class WorkingWindow(TimeWindow):
    calendar = models.ForeignKey(
        Calendar, models.CASCADE, related_name="windows", verbose_name=_("calendar")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working window")
        verbose_name_plural = _("working windows")
        constraints = [
            *TimeWindow.Meta.constraints,
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="window_weekday_iso"
            ),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start"], name="window_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {super().__str__()}"


class CalendarException(models.Model):
    """A date that does not follow the weekly windows.

    * holiday: closed all day.
    * workday (调休 make-up day): open with the windows of ``pattern_weekday`` (Monday unless
      the notice says otherwise), so a make-up Saturday keeps the lunch break.
    * special hours: open with its own windows (``ExceptionWindow`` rows) only.
    """

    calendar = models.ForeignKey(
        Calendar, models.CASCADE, related_name="exceptions", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=15, choices=ExceptionKind.choices)
    name = models.CharField(
        _("name"), max_length=100, blank=True, validators=[single_line], help_text=_("e.g. 春节")
    )
    pattern_weekday = models.PositiveSmallIntegerField(
        _("hours as on"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("Make-up workdays use the working windows of this weekday."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=DataSource.choices, default=DataSource.MANUAL
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="exception_unique_date"),
            models.CheckConstraint(
                condition=(
                    Q(kind=ExceptionKind.WORKDAY, pattern_weekday__gte=1, pattern_weekday__lte=7)
                    | (~Q(kind=ExceptionKind.WORKDAY) & Q(pattern_weekday__isnull=True))
                ),
                name="exception_pattern_only_for_workday",
            ),
        ]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{self.date.isoformat()} {label}"

    def resolved_windows(self, weekly: dict[int, list[Window]]) -> list[Window]:
        """The windows this date has, given the calendar's weekly windows."""
        if self.kind == ExceptionKind.HOLIDAY:
            return []
        if self.kind == ExceptionKind.WORKDAY:
            return list(weekly.get(self.pattern_weekday or Weekday.MONDAY, []))
        return [(w.start, w.end) for w in self.windows.all()]


class ExceptionWindow(TimeWindow):
    exception = models.ForeignKey(
        CalendarException, models.CASCADE, related_name="windows", verbose_name=_("exception")
    )

    class Meta:
        ordering = ["exception", "start"]
        verbose_name = _("special-hours window")
        verbose_name_plural = _("special-hours windows")
        constraints = [*TimeWindow.Meta.constraints]


class CalendarYear(models.Model):
    """One year whose official data (holidays, make-up workdays) has been entered.

    A year without a complete row is not guessed: arithmetic still follows the weekly windows,
    and results that touch it are flagged ``calendar_incomplete``.
    """

    calendar = models.ForeignKey(
        Calendar, models.CASCADE, related_name="years", verbose_name=_("calendar")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    source = models.CharField(_("source"), max_length=20, choices=DataSource.choices)
    complete = models.BooleanField(
        _("complete"),
        default=True,
        help_text=_("All holidays and make-up workdays of the year are entered."),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Where the data came from, e.g. the State Council notice."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CalendarYearQuerySet.as_manager()

    class Meta:
        ordering = ["calendar", "year"]
        verbose_name = _("covered year")
        verbose_name_plural = _("covered years")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="calendar_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.year}"


class YearWarningDismissal(models.Model):
    """A person chose to stop seeing the banner's warnings about one year's calendar data.

    Per person and per year: the warnings about the next year come back as usual, and the
    calendar pages (and ``opsbook calendar health``) keep showing every warning.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="calendar_year_dismissals",
        verbose_name=_("user"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    dismissed_at = models.DateTimeField(_("dismissed at"))

    class Meta:
        ordering = ["user", "year"]
        verbose_name = _("dismissed calendar warning")
        verbose_name_plural = _("dismissed calendar warnings")
        constraints = [
            models.UniqueConstraint(fields=["user", "year"], name="calendar_dismissal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.year}"
