"""A report's scope applied to problems, actions and tickets.

A scope uses the metrics dimension codes: ``{"customer": Customer.code, "team": Team.name,
"item": ServiceItem.code, "category": Category.code}`` (an empty scope is the whole
organisation). Tickets are filtered on their own fields, as the metrics do. A problem is in a
scope when its own fields match every dimension (affected customers, affected services, its
service category or an affected service's category, its team), or when one of its linked
tickets is in the scope. An action is in a scope when its problem is, or when its own metric
scope names the same codes.
"""

from collections.abc import Mapping

from django.db.models import Exists, OuterRef, Q

from opsbook.metrics.families.common import ticket_scope_q
from opsbook.metrics.registry import NONE_CODE, Dimension
from opsbook.tickets.models import Ticket

from .models import Problem, ProblemTicket

# The dimensions a report's scope may use here.
DIMENSIONS = (Dimension.CUSTOMER, Dimension.TEAM, Dimension.ITEM, Dimension.CATEGORY)


def clean(scope: Mapping[str, str] | None) -> dict[str, str]:
    scope = dict(scope or {})
    unknown = set(scope) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"Cannot scope problems by {', '.join(sorted(unknown))}.")
    return {str(k): str(v) for k, v in scope.items()}


def tickets_q(scope: Mapping[str, str] | None) -> Q:
    """Tickets in the scope."""
    return ticket_scope_q(clean(scope))


def _own_fields_q(scope: Mapping[str, str]) -> Q:
    q = Q()
    customers = Problem.customers.through.objects.filter(problem=OuterRef("pk"))
    items = Problem.items.through.objects.filter(problem=OuterRef("pk"))
    for dimension, code in scope.items():
        if dimension == Dimension.CUSTOMER:
            q &= Q(
                ~Exists(customers)
                if code == NONE_CODE
                else Exists(customers.filter(customer__code=code))
            )
        elif dimension == Dimension.ITEM:
            q &= Q(
                ~Exists(items)
                if code == NONE_CODE
                else Exists(items.filter(serviceitem__code=code))
            )
        elif dimension == Dimension.CATEGORY:
            if code == NONE_CODE:
                q &= Q(category__isnull=True)
            else:
                q &= Q(category__code=code) | Q(
                    Exists(items.filter(serviceitem__category__code=code))
                )
        elif dimension == Dimension.TEAM:
            q &= Q(team__isnull=True) if code == NONE_CODE else Q(team__name=code)
    return q


def problems_q(scope: Mapping[str, str] | None) -> Q:
    """Problems in the scope."""
    scope = clean(scope)
    if not scope:
        return Q()
    linked = ProblemTicket.objects.filter(
        problem=OuterRef("pk"),
        ticket__in=Ticket.objects.filter(ticket_scope_q(scope)).values("pk"),
    )
    return _own_fields_q(scope) | Q(Exists(linked))


def actions_q(scope: Mapping[str, str] | None) -> Q:
    """Actions in the scope: their problem is, or their own metric scope names the codes."""
    scope = clean(scope)
    if not scope:
        return Q()
    own = Q()
    for dimension, code in scope.items():
        own &= Q(**{f"scope__{dimension}": code})
    return Q(problem__in=Problem.objects.filter(problems_q(scope)).values("pk")) | own
