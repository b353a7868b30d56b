"""Who may see and change business calendars, and permission-scoped lookups.

* staff (administrators, managers, agents, viewers) read every calendar: SLA clocks count in them;
* administrators alone change them (hours, holidays, covered years, imports);
* administrators and managers see the health warnings on every page (they act on them);
* administrators and managers load the official holidays (``opsbook calendar sync-cn``): the
  sync only adds public data and never overrides an exception entered by hand or imported;
* customer contacts see none of it: the pages answer 403 and a record is never looked up for them.

Services check these themselves (``check_can_edit``, ``check_can_sync``). There an ``actor`` of
``None`` is the system itself: a management command, the demo loader, a data fix or a test
factory, acting for nobody (the audit trail names no user). Pages and the API always pass the
signed-in user, never ``None``.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from opsbook.accounts.access import is_admin, is_staff_member
from opsbook.accounts.choices import Role
from opsbook.core.permissions import require

from .models import Calendar, CalendarException, CalendarYear


def can_view_calendars(user) -> bool:
    return is_staff_member(user)


def can_edit_calendars(user) -> bool:
    return is_admin(user)


def can_see_calendar_health(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_sync_official_calendar(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def check_can_edit(actor) -> None:
    """For services: PermissionDenied unless ``actor`` may change calendars (``None``: the
    system, see the module's docstring)."""
    if actor is not None:
        require(can_edit_calendars(actor), _("Only administrators change business calendars."))


def check_can_sync(actor) -> None:
    """For the China sync: PermissionDenied unless ``actor`` may load the official holidays."""
    if actor is not None:
        require(can_sync_official_calendar(actor))


def calendars_for_user(user):
    if not can_view_calendars(user):
        return Calendar.objects.none()
    return Calendar.objects.all()


def get_calendar_for_user(user, pk) -> Calendar:
    try:
        return calendars_for_user(user).get(pk=pk)
    except (Calendar.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_exception_for_user(user, calendar: Calendar, pk) -> CalendarException:
    """An exception of ``calendar`` (already fetched for the user) by id; 404 otherwise."""
    try:
        return CalendarException.objects.select_related("calendar").get(calendar=calendar, pk=pk)
    except (CalendarException.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_exception_by_date(calendar: Calendar, day) -> CalendarException:
    try:
        return CalendarException.objects.select_related("calendar").get(calendar=calendar, date=day)
    except (CalendarException.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_year(calendar: Calendar, year: int) -> CalendarYear:
    try:
        return CalendarYear.objects.select_related("calendar").get(calendar=calendar, year=year)
    except (CalendarYear.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
