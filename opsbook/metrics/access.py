"""Who may see and change metrics, and permission-scoped lookups for the manual metrics and
targets pages and API.

Rules (docs/users/manual-metrics.md):
* every member of staff (admin, manager, agent, viewer) reads metrics, manual values and targets;
* administrators and managers define manual metrics, enter and import their values, and set
  the organisation's targets;
* customer contacts see none of it: the pages do not exist for them (404), the API answers 403.

Services check again themselves (``check_can_manage``); an ``actor`` of ``None`` is the system
(a command, the demo loader, a test factory) and is not checked.
"""

from django.db.models import QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import STAFF_ROLES, Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.choices import Channel, Priority
from opsbook.catalog.models import Category, ServiceContent, ServiceItem
from opsbook.core.permissions import require
from opsbook.core.text import has_control_characters
from opsbook.tickets.choices import TicketType

from .models import ManualMetric, ManualValue, Target
from .registry import Dimension

MAX_DIMENSION_VALUES = 5000  # offered in a target's code list
HOURS = tuple(f"{hour:02d}" for hour in range(24))  # the hour of day's codes, "00"–"23"


def can_view_metrics(user) -> bool:
    return is_staff_member(user)


def can_manage_metrics(user) -> bool:
    """Define manual metrics, enter their values, set targets: administrators and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def is_hidden_from(user) -> bool:
    """The metrics pages do not exist for customers' contacts (404, not 403)."""
    return not is_staff_member(user)


def check_can_manage(actor) -> None:
    """For services: PermissionDenied unless ``actor`` manages metrics (``None``: the system)."""
    if actor is not None:
        require(can_manage_metrics(actor))


# --- Manual metrics ----------------------------------------------------------------------------


def manual_metrics_for_user(user):
    if not can_view_metrics(user):
        return ManualMetric.objects.none()
    return ManualMetric.objects.all()


def get_manual_metric_for_user(user, code: str) -> ManualMetric:
    if not isinstance(code, str) or has_control_characters(code) or len(code) > 60:
        raise Http404  # no code holds one (and PostgreSQL refuses a NUL in a query)
    try:
        return manual_metrics_for_user(user).get(code=code)
    except (ManualMetric.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def manual_values_for_user(user, metric: ManualMetric):
    if not can_view_metrics(user):
        return ManualValue.objects.none()
    return ManualValue.objects.filter(metric=metric).select_related("entered_by")


def get_manual_value_for_user(user, metric: ManualMetric, pk) -> ManualValue:
    try:
        return manual_values_for_user(user, metric).get(pk=pk)
    except (ManualValue.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Targets -------------------------------------------------------------------------------------


def targets_for_user(user):
    if not can_view_metrics(user):
        return Target.objects.none()
    return Target.objects.select_related("updated_by")


def get_target_for_user(user, pk) -> Target:
    try:
        return targets_for_user(user).get(pk=pk)
    except (Target.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# --- The codes a dimension takes -----------------------------------------------------------------


def dimension_values(dimension: str, *, limit: int = MAX_DIMENSION_VALUES) -> list[tuple[str, str]]:
    """(code, label) of the real values of ``dimension``: the stable codes figures are keyed
    by (category and item codes, channel and ticket type values, team names, user names,
    customer codes). Staff only call this (the views and API are guarded)."""
    coded: dict[str, QuerySet] = {
        Dimension.CATEGORY: Category.objects.exclude(code=None),
        Dimension.ITEM: ServiceItem.objects.all(),
        Dimension.CONTENT: ServiceContent.objects.all(),
        Dimension.CUSTOMER: Customer.objects.all(),
    }
    if dimension in coded:
        rows = coded[dimension].order_by("code").values_list("code", "name")[:limit]
        return [(str(code), f"{code} {name}") for code, name in rows]
    if dimension == Dimension.CHANNEL:
        return [(value, str(label)) for value, label in Channel.choices]
    if dimension == Dimension.TYPE:
        return [(value, str(label)) for value, label in TicketType.choices]
    if dimension == Dimension.PRIORITY:
        return [(value, str(label)) for value, label in Priority.choices]
    if dimension == Dimension.HOUR:
        return [(hour, f"{hour}:00–{hour}:59") for hour in HOURS]
    if dimension == Dimension.TEAM:
        return [
            (name, name)
            for name in Team.objects.order_by("name").values_list("name", flat=True)[:limit]
        ]
    if dimension == Dimension.OWNER:
        people = User.objects.filter(role__in=STAFF_ROLES).order_by("username")
        return [
            (username, f"{display or username} ({username})")
            for username, display in people.values_list("username", "display_name")[:limit]
        ]
    return []


def dimension_code_exists(dimension: str, code: str) -> bool:
    """Whether ``code`` is a real value of ``dimension`` (see ``dimension_values``)."""
    if not code:
        return False
    if dimension == Dimension.CATEGORY:
        return Category.objects.filter(code=code).exists()
    if dimension == Dimension.ITEM:
        return ServiceItem.objects.filter(code=code).exists()
    if dimension == Dimension.CONTENT:
        return ServiceContent.objects.filter(code=code).exists()
    if dimension == Dimension.CHANNEL:
        return code in Channel.values
    if dimension == Dimension.TYPE:
        return code in TicketType.values
    if dimension == Dimension.PRIORITY:
        return code in Priority.values
    if dimension == Dimension.HOUR:
        return code in HOURS
    if dimension == Dimension.TEAM:
        return Team.objects.filter(name=code).exists()
    if dimension == Dimension.OWNER:
        return User.objects.filter(role__in=STAFF_ROLES, username=code).exists()
    if dimension == Dimension.CUSTOMER:
        return Customer.objects.filter(code=code).exists()
    return False


def dimension_label(dimension: str, code: str) -> str:
    """How a page names one code of a dimension (the code itself when it is gone)."""
    for value, label in _fixed_labels(dimension):
        if value == code:
            return label
    return code


def _fixed_labels(dimension: str) -> list[tuple[str, str]]:
    if dimension in (Dimension.CHANNEL, Dimension.TYPE, Dimension.PRIORITY, Dimension.HOUR):
        return dimension_values(dimension)
    return []
