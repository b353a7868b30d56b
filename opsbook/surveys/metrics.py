"""The "surveys" metric family: NPS, response rate and responses, computed in SQL.

Definitions (docs/users/surveys.md):

* ``surveys.nps``: the NPS answers of responses submitted in P: % promoters (9–10) − %
  detractors (0–6), from −100 to 100; null without answers. A survey has at most one NPS
  question, so the answers counted are the responses listed by the drill-down.
* ``surveys.response_rate``: invitations sent in P that got a response (whenever, as of the
  computation) / invitations sent in P; null when none was sent.
* ``surveys.responses``: responses submitted in P.

The customer dimension is the contact's organisation when invited (``Customer.code``).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opsbook.metrics.periods import Period
from opsbook.metrics.registry import (
    NONE_CODE,
    Dimension,
    Family,
    Metric,
    Results,
    Scope,
    Unit,
    Value,
    Windows,
)

from .choices import DETRACTOR_MAX, PROMOTER_MIN, QuestionKind
from .models import Answer, Invitation, Response

NPS = "surveys.nps"
RESPONSE_RATE = "surveys.response_rate"
RESPONSES = "surveys.responses"

CUSTOMER = frozenset({Dimension.CUSTOMER.value})

METRICS = (
    Metric(
        key=NPS,
        name=_("Net Promoter Score"),
        unit=Unit.NPS,
        higher_is_better=True,
        definition=_(
            "The NPS answers (0–10) of survey responses submitted in the period: the share of "
            "promoters (9–10) minus the share of detractors (0–6), times 100."
        ),
        dimensions=CUSTOMER,
        rows_of="responses",
        family="surveys",
    ),
    Metric(
        key=RESPONSE_RATE,
        name=_("Survey response rate"),
        unit=Unit.RATIO,
        higher_is_better=True,
        definition=_(
            "Survey invitations sent in the period that got a response / invitations sent in "
            "the period."
        ),
        dimensions=CUSTOMER,
        rows_of="invitations",
        family="surveys",
    ),
    Metric(
        key=RESPONSES,
        name=_("Survey responses"),
        unit=Unit.COUNT,
        higher_is_better=None,
        definition=_("Survey responses submitted in the period."),
        dimensions=CUSTOMER,
        rows_of="responses",
        family="surveys",
    ),
)


def _within(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start_at(), f"{field}__lt": period.end_at()})


def _check(by: str | None, scope: Scope) -> None:
    for dimension in [*scope, *([by] if by else [])]:
        if dimension not in CUSTOMER:
            raise ValueError(f"Survey metrics cannot be cut by {dimension!r}.")


def _scoped(queryset: QuerySet, customer_field: str, scope: Scope) -> QuerySet:
    code = scope.get(Dimension.CUSTOMER)
    if code is None:
        return queryset
    if code == NONE_CODE:
        return queryset.filter(**{f"{customer_field}__isnull": True})
    return queryset.filter(**{f"{customer_field}__code": code})


def _grouped(
    queryset: QuerySet, customer_field: str, by: str | None, aggregates: dict[str, Any]
) -> dict[str | None, dict[str, int]]:
    """The aggregates over everything (key None) and, with ``by``, per customer code."""
    found: dict[str | None, dict[str, int]] = {None: queryset.aggregate(**aggregates)}
    if by:
        rows = queryset.values(code=F(f"{customer_field}__code")).annotate(**aggregates)
        for row in rows.order_by():
            code = row.pop("code")
            found[code if code is not None else NONE_CODE] = row
    return found


def nps_value(promoters: int, detractors: int, answers: int) -> Value:
    if not answers:
        return Value(None, numerator=promoters - detractors, denominator=0, count=0)
    return Value(
        100.0 * (promoters - detractors) / answers,
        numerator=promoters - detractors,
        denominator=answers,
        count=answers,
    )


class SurveysFamily(Family):
    name = "surveys"
    metrics = METRICS

    def compute(
        self,
        keys: Iterable[str],
        windows: Windows,
        *,
        by: str | None,
        scope: Scope,
        now: datetime,
    ) -> Results:
        _check(by, scope)
        wanted = set(keys)
        results: Results = {}
        spans = windows.items()
        if NPS in wanted:
            answers = _scoped(
                Answer.objects.filter(question__kind=QuestionKind.NPS, score__isnull=False),
                "response__customer",
                scope,
            )
            answers = answers.filter(_any(spans, "response__submitted_at"))
            aggregates: dict[str, Any] = {}
            for name, period in spans:
                inside = _within("response__submitted_at", period)
                aggregates[f"{name}_n"] = Count("pk", filter=inside)
                aggregates[f"{name}_p"] = Count("pk", filter=inside & Q(score__gte=PROMOTER_MIN))
                aggregates[f"{name}_d"] = Count("pk", filter=inside & Q(score__lte=DETRACTOR_MAX))
            grouped = _grouped(answers, "response__customer", by, aggregates)
            results[NPS] = {
                name: {
                    code: nps_value(row[f"{name}_p"], row[f"{name}_d"], row[f"{name}_n"])
                    for code, row in grouped.items()
                }
                for name, _period in spans
            }
        if RESPONSE_RATE in wanted:
            invitations = _scoped(Invitation.objects.all(), "customer", scope)
            invitations = invitations.filter(_any(spans, "sent_at"))
            aggregates = {}
            for name, period in spans:
                inside = _within("sent_at", period)
                aggregates[f"{name}_n"] = Count("pk", filter=inside)
                aggregates[f"{name}_r"] = Count("pk", filter=inside & Q(responded_at__isnull=False))
            grouped = _grouped(invitations, "customer", by, aggregates)
            results[RESPONSE_RATE] = {
                name: {
                    code: _rate(row[f"{name}_r"], row[f"{name}_n"]) for code, row in grouped.items()
                }
                for name, _period in spans
            }
        if RESPONSES in wanted:
            responses = _scoped(Response.objects.all(), "customer", scope)
            responses = responses.filter(_any(spans, "submitted_at"))
            aggregates = {
                f"{name}_n": Count("pk", filter=_within("submitted_at", period))
                for name, period in spans
            }
            grouped = _grouped(responses, "customer", by, aggregates)
            results[RESPONSES] = {
                name: {
                    code: Value(
                        float(row[f"{name}_n"]),
                        numerator=float(row[f"{name}_n"]),
                        count=row[f"{name}_n"],
                    )
                    for code, row in grouped.items()
                }
                for name, _period in spans
            }
        return results

    def rows(self, key: str, period: Period, *, scope: Scope, part: str, now: datetime) -> QuerySet:
        """NPS and responses: the responses (with an NPS answer, for NPS) submitted in P.
        Response rate: the invitations sent in P that got a response (``part="value"``) or
        all of them (``part="denominator"``)."""
        _check(None, scope)
        if key in (NPS, RESPONSES):
            responses = Response.objects.filter(_within("submitted_at", period))
            if key == NPS:
                nps_answers = Answer.objects.filter(
                    question__kind=QuestionKind.NPS, score__isnull=False
                )
                responses = responses.filter(pk__in=nps_answers.values("response_id"))
            return _scoped(responses, "customer", scope).order_by("-submitted_at", "-id")
        if key == RESPONSE_RATE:
            invitations = Invitation.objects.filter(_within("sent_at", period))
            if part != "denominator":
                invitations = invitations.filter(responded_at__isnull=False)
            return _scoped(invitations, "customer", scope).order_by("-sent_at", "-id")
        raise KeyError(key)


def _any(spans: list[tuple[str, Period]], field: str) -> Q:
    found = Q()
    for _name, period in spans:
        found |= _within(field, period)
    return found


def _rate(numerator: int, denominator: int) -> Value:
    return Value(
        numerator / denominator if denominator else None,
        numerator=float(numerator),
        denominator=float(denominator),
        count=denominator,
    )


FAMILY = SurveysFamily()
