"""A campaign's results, each figure from one SQL aggregate, and the responses behind it.

Pure readers returning dataclasses; the page, the API and the export show them.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from .choices import DETRACTOR_MAX, NPS_RANGE, PROMOTER_MIN, RATING_RANGE, QuestionKind
from .metrics import nps_value
from .models import Answer, Campaign, Choice, Invitation, Question, Response

GROUPS = ("promoters", "passives", "detractors")
TEXTS_SHOWN = 50


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    # (label, count, drill-down filter) in the order the question offers them.
    distribution: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    average: float | None = None
    nps: float | None = None
    groups: dict[str, int] = field(default_factory=dict)
    texts: list[Answer] = field(default_factory=list)


@dataclass
class Results:
    campaign: Campaign
    invited: int
    opened: int
    responded: int
    response_rate: float | None
    nps: float | None
    nps_answers: int
    questions: list[QuestionSummary]


def score_group(group: str) -> Q:
    return {
        "promoters": Q(score__gte=PROMOTER_MIN),
        "passives": Q(score__gt=DETRACTOR_MAX, score__lt=PROMOTER_MIN),
        "detractors": Q(score__lte=DETRACTOR_MAX),
    }[group]


def campaign_results(campaign: Campaign) -> Results:
    counts = Invitation.objects.filter(campaign=campaign).aggregate(
        invited=Count("pk"),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        responded=Count("pk", filter=Q(responded_at__isnull=False)),
    )
    questions = list(campaign.survey.questions.all())
    answers = Answer.objects.filter(response__campaign=campaign)
    by_score: dict[int, dict[int, int]] = {}
    for qid, score, n in (
        answers.filter(score__isnull=False)
        .values_list("question_id", "score")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if score is not None:
            by_score.setdefault(qid, {})[score] = n
    answered = {
        row["question_id"]: (row["n"], row["avg"])
        for row in answers.values("question_id")
        .annotate(n=Count("pk"), avg=Avg("score"))
        .order_by()
    }
    chosen: dict[int, dict[str, int]] = {}
    for qid, option, n in (
        Choice.objects.filter(answer__response__campaign=campaign)
        .values_list("answer__question_id", "option")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        chosen.setdefault(qid, {})[option] = n
    summaries = []
    nps = None
    nps_answers = 0
    for q in questions:
        n, avg = answered.get(q.pk, (0, None))
        summary = QuestionSummary(question=q, answered=n)
        scores = by_score.get(q.pk, {})
        if q.kind in (QuestionKind.NPS, QuestionKind.RATING):
            scale = NPS_RANGE if q.kind == QuestionKind.NPS else RATING_RANGE
            summary.distribution = [
                (str(s), scores.get(s, 0), {"question": str(q.pk), "score": str(s)}) for s in scale
            ]
            summary.average = float(avg) if avg is not None else None
        if q.kind == QuestionKind.NPS:
            summary.groups = {
                "promoters": sum(v for s, v in scores.items() if s >= PROMOTER_MIN),
                "passives": sum(v for s, v in scores.items() if DETRACTOR_MAX < s < PROMOTER_MIN),
                "detractors": sum(v for s, v in scores.items() if s <= DETRACTOR_MAX),
            }
            value = nps_value(summary.groups["promoters"], summary.groups["detractors"], n)
            summary.nps = value.value
            nps, nps_answers = value.value, n
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = chosen.get(q.pk, {})
            summary.distribution = [
                (o, options.get(o, 0), {"question": str(q.pk), "option": o}) for o in q.options
            ]
        if q.kind == QuestionKind.TEXT:
            summary.texts = list(
                answers.filter(question=q)
                .exclude(text="")
                .select_related("response__customer")
                .order_by("-response__submitted_at", "-id")[:TEXTS_SHOWN]
            )
        summaries.append(summary)
    invited = counts["invited"]
    return Results(
        campaign=campaign,
        invited=invited,
        opened=counts["opened"],
        responded=counts["responded"],
        response_rate=counts["responded"] / invited if invited else None,
        nps=nps,
        nps_answers=nps_answers,
        questions=summaries,
    )


class BadFilter(ValueError):
    pass


def responses_behind(campaign: Campaign, params: dict[str, Any]) -> QuerySet[Response]:
    """The responses behind one figure of the results page: all of them, or those whose
    answer to ``question`` has ``score``, is in ``group`` (promoters, passives, detractors),
    chose ``option`` or has any answer (``answered``). BadFilter for a filter that makes no
    sense."""
    responses = Response.objects.filter(campaign=campaign)
    question_id = params.get("question")
    if not question_id:
        return responses
    try:
        question = campaign.survey.questions.get(pk=int(question_id))
    except (ValueError, TypeError, OverflowError, Question.DoesNotExist):
        raise BadFilter("question") from None
    answers = Answer.objects.filter(question=question)
    if params.get("score") not in (None, ""):
        try:
            answers = answers.filter(score=int(params["score"]))
        except (ValueError, TypeError):
            raise BadFilter("score") from None
    elif params.get("group"):
        if params["group"] not in GROUPS:
            raise BadFilter("group")
        answers = answers.filter(score_group(params["group"]))
    elif params.get("option"):
        answers = answers.filter(choices__option=params["option"])
    return responses.filter(pk__in=answers.values("response_id"))
