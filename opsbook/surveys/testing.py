"""Factories for survey tests (and other apps' tests that need survey data)."""

from datetime import datetime, timedelta

from opsbook.notify.models import Delivery

from . import services
from .choices import QuestionKind
from .models import Campaign, Invitation, Survey


def make_survey(manager, *, now: datetime, title: str = "2026 年度满意度调查") -> Survey:
    survey = services.do_create_survey(manager, title=title, intro="感谢您抽空填写。", now=now)
    services.do_add_question(
        manager, survey, kind=QuestionKind.NPS, text="您有多大可能向同事推荐我们的服务？"
    )
    services.do_add_question(manager, survey, kind=QuestionKind.RATING, text="响应速度")
    services.do_add_question(
        manager,
        survey,
        kind=QuestionKind.MULTIPLE,
        text="您使用过哪些渠道？",
        required=False,
        options=["电话", "门户", "邮件"],
    )
    services.do_add_question(
        manager, survey, kind=QuestionKind.TEXT, text="还有什么建议？", required=False
    )
    return survey


def make_campaign(
    manager, survey: Survey, *, customers=(), contacts=(), now: datetime, days: int = 14
) -> Campaign:
    return services.do_create_campaign(
        manager,
        survey,
        name="Q4 回访",
        customers=customers,
        contacts=contacts,
        closes_at=now + timedelta(days=days),
        now=now,
    )


def token_of(invitation: Invitation) -> str:
    """The link token of an invitation, read back from its e-mail in the outbox."""
    mail = Delivery.objects.get(key=f"survey:invitation:{invitation.pk}:email")
    return mail.link.rstrip("/").rsplit("/", 1)[-1]


def answers(survey: Survey, *, nps=None, rating=None, channels=(), text="") -> dict:
    """Form data answering ``survey`` (made by ``make_survey``)."""
    by_kind = {q.kind: q for q in survey.questions.all()}
    data: dict = {}
    if nps is not None:
        data[by_kind[QuestionKind.NPS].field_name] = str(nps)
    if rating is not None:
        data[by_kind[QuestionKind.RATING].field_name] = str(rating)
    if channels:
        data[by_kind[QuestionKind.MULTIPLE].field_name] = list(channels)
    if text:
        data[by_kind[QuestionKind.TEXT].field_name] = text
    return data
