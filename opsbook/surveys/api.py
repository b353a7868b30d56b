"""The surveys API, mounted at /api/surveys/: campaigns, their results, sending (managers).
Staff only; customers get 403 (they answer in the portal)."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from opsbook.core import clock
from opsbook.core.api import Message, ValidationErrors, as_field_errors
from opsbook.core.permissions import api_guard, require

from . import access, services
from .models import Campaign
from .results import campaign_results

router = Router(tags=["surveys"])
router.add_decorator(
    api_guard(access.can_read_surveys, lambda: _("Survey results are for staff only.")),
    mode="operation",
)
ERRORS = {401: Message, 403: Message, 404: Message}


class CampaignOut(Schema):
    id: int
    name: str
    survey_id: int
    survey: str
    sent_at: datetime | None
    closes_at: datetime


class DistributionOut(Schema):
    label: str
    count: int


class QuestionResultOut(Schema):
    id: int
    kind: str
    text: str
    answered: int
    average: float | None
    nps: float | None = Field(description="NPS questions: −100..100, null without answers.")
    distribution: list[DistributionOut]


class ResultsOut(Schema):
    campaign: CampaignOut
    invited: int
    opened: int
    responded: int
    response_rate: float | None = Field(description="responded / invited, 0–1.")
    nps: float | None
    questions: list[QuestionResultOut]


class SentOut(Schema):
    invited: int
    mailed: int
    already: int


def _campaign(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "survey_id": c.survey_id,
        "survey": str(c.survey),
        "sent_at": c.sent_at,
        "closes_at": c.closes_at,
    }


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, summary="Campaigns")
def campaigns(request):
    rows = Campaign.objects.select_related("survey").order_by("-created_at", "-id")[:200]
    return [_campaign(c) for c in rows]


@router.get(
    "/campaigns/{campaign_id}/results",
    response={200: ResultsOut, **ERRORS, 422: ValidationErrors},
    summary="A campaign's results",
)
def results(request, campaign_id: int):
    campaign = access.get_campaign_for_user(request.user, campaign_id)
    found = campaign_results(campaign)
    return {
        "campaign": _campaign(campaign),
        "invited": found.invited,
        "opened": found.opened,
        "responded": found.responded,
        "response_rate": found.response_rate,
        "nps": found.nps,
        "questions": [
            {
                "id": s.question.pk,
                "kind": s.question.kind,
                "text": s.question.text,
                "answered": s.answered,
                "average": s.average,
                "nps": s.nps,
                "distribution": [{"label": label, "count": n} for label, n, _f in s.distribution],
            }
            for s in found.questions
        ],
    }


@router.post(
    "/campaigns/{campaign_id}/send",
    response={200: SentOut, **ERRORS, 422: ValidationErrors},
    summary="Send a campaign (invite contacts not invited yet)",
)
def send(request, campaign_id: int):
    require(access.can_manage_surveys(request.user), _("Only managers create and send surveys."))
    campaign = access.get_campaign_for_user(request.user, campaign_id)
    with as_field_errors(prefix=("body",)):
        sent = services.do_send_campaign(request.user, campaign, clock.now())
    return {"invited": sent.invited, "mailed": sent.mailed, "already": sent.already}
