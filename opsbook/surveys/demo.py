"""Demo surveys: a monthly satisfaction survey sent to both demo organisations for the last
thirteen months, so the results pages, the NPS trend and last year's comparison have data.

The demo's answers are sample data written the way the contacts would answer, through
``do_submit_response`` (the application itself never answers a survey). The current month's
campaign is still open and only one contact has answered it, so the portal shows the other an
open survey.

``load(now, manager)`` is idempotent: campaigns are found by name, invitations are unique per
contact and a contact answers once, so a second call creates nothing.
"""

from datetime import datetime, time, timedelta

from opsbook.accounts.models import User
from opsbook.metrics.periods import month, org_tz

from . import access, services
from .choices import QuestionKind, Via
from .models import Campaign, Invitation, Survey

TITLE = "客户满意度月度调查 (demo)"
MONTHS = 13
# Per contact, a score pattern over the months (oldest first): NPS 0–10 and rating 1–5.
NPS_SCORES = {
    "chenjing": [7, 8, 6, 9, 9, 8, 10, 9, 7, 9, 10, 9, 10],
    "zhouqiang": [5, 6, 8, 4, 7, 8, 6, 9, 8, 7, 9, 8, 9],
}
CHANNELS = ["电话", "门户", "邮件", "微信群"]
COMMENTS = ["直播课堂偶尔卡顿，希望改进。", "客服响应很快，谢谢！", "", "排课通知可以再提前一些。"]


def _survey(manager: User, now: datetime) -> Survey:
    survey = Survey.objects.filter(title=TITLE).order_by("version").first()
    if survey is not None:
        return survey
    first = month(now.astimezone(org_tz()).year, now.astimezone(org_tz()).month).shift(
        -(MONTHS - 1)
    )
    created = first.start_at() - timedelta(days=3)
    survey = services.do_create_survey(
        manager,
        title=TITLE,
        intro="感谢您使用我们的服务。本问卷约需 1 分钟。",
        now=created,
        source=DEMO,
    )
    services.do_add_question(
        manager,
        survey,
        kind=QuestionKind.NPS,
        text="您有多大可能向同行推荐我们的运营服务？",
        source=DEMO,
    )
    services.do_add_question(
        manager, survey, kind=QuestionKind.RATING, text="本月服务整体评分", source=DEMO
    )
    services.do_add_question(
        manager,
        survey,
        kind=QuestionKind.MULTIPLE,
        text="本月您通过哪些渠道联系过我们？",
        required=False,
        options=CHANNELS,
        source=DEMO,
    )
    services.do_add_question(
        manager, survey, kind=QuestionKind.TEXT, text="还有什么建议？", required=False, source=DEMO
    )
    return survey


DEMO = "demo"  # the audit trail's source of everything the demo loader writes


def load(now: datetime, manager: User) -> int:
    """Create what is missing of the demo campaigns; returns how many responses were added."""
    if not access.can_manage_surveys(manager):
        return 0
    tz = org_tz()
    local = now.astimezone(tz)
    survey = _survey(manager, now)
    contacts = list(User.objects.filter(username__in=NPS_SCORES, is_active=True))
    if not contacts:
        return 0
    added = 0
    this_month = month(local.year, local.month)
    for index, period in enumerate(this_month.trailing(MONTHS)):
        sent_at = datetime.combine(period.start + timedelta(days=2), time(10), tzinfo=tz)
        if sent_at >= now:
            sent_at = now - timedelta(minutes=5)
        name = f"{period.code} 月度调查 (demo)"
        campaign = Campaign.objects.filter(name=name, survey=survey).first()
        if campaign is None:
            campaign = services.do_create_campaign(
                manager,
                survey,
                name=name,
                contacts=contacts,
                closes_at=period.end_at(),
                now=sent_at,
                source=DEMO,
            )
        if campaign.sent_at is None and campaign.closes_at > sent_at:
            services.do_send_campaign(manager, campaign, sent_at, source=DEMO)
        current = period == this_month
        for number, contact in enumerate(contacts):
            if current and number > 0:
                continue  # still open for the others
            invitation = Invitation.objects.filter(campaign=campaign, contact=contact).first()
            if invitation is None or invitation.responded_at is not None:
                continue
            at = sent_at + timedelta(hours=5 + 20 * number + index)
            if at >= min(now, campaign.closes_at):
                continue
            score = NPS_SCORES[contact.username][index]
            data = {
                q.field_name: value
                for q, value in zip(
                    survey.questions.order_by("position"),
                    [
                        str(score),
                        str(max(1, min(5, round(score / 2)))),
                        [CHANNELS[(index + number) % 4], CHANNELS[1]],
                        COMMENTS[(index + number) % 4],
                    ],
                    strict=True,
                )
            }
            services.do_submit_response(invitation, data, via=Via.PORTAL, now=at, actor=contact)
            added += 1
    return added
