"""Demo monthly reports: the organisation's default template with section owners from the demo
staff and a distribution list, and a service-report template for the customer 星火教育 sent to
its contacts and portal; last month's organisation report drafted, edited a little, submitted,
approved, published (sent to the manager) and rated by a reader; this month's report as a draft
built to date; last month's customer report published (in the portal of 星火教育's contact).

Idempotent: templates are found by code and reports by template and month, and whatever exists
is left as it is. The demo loader calls ``load_demo(now=...)`` after tickets, problems and
goals (the draft reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from opsbook.accounts.models import Customer, User
from opsbook.metrics import periods
from opsbook.metrics.periods import org_tz

from . import access, deadlines, defaults, drafting, services
from .choices import RecipientKind, ReportStatus, TemplateKind
from .models import Report, ReportSection, ReportTemplate

CUSTOMER_CODE = "xinghuo"
# Section owners of the default template: key → demo username.
OWNERS = {
    "overview": "manager",
    "kpis": "alice",
    "problems": "carol",
    "actions": "alice",
    "outlook": "manager",
}
OVERVIEW_NOTE = "本月整体运行平稳，重点关注直播课堂相关投诉的整改进展。"
RATING_COMMENT = "数据清楚、口径说明完整，建议下月增加渠道对比分析。"


@dataclass
class DemoReports:
    templates: int = 0
    reports: int = 0
    versions: int = 0


def _users(*names: str) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}


def _staff(user: User | None) -> User | None:
    return user if user is not None and user.is_staff_member else None


def load_demo(*, now: datetime) -> DemoReports:
    summary = DemoReports()
    people = _users("manager", "alice", "bob", "carol", "viewer")
    # Services check their actor: a "manager" who exists without that role works as the system
    # (as the demo loader does for the checklist).
    manager = people.get("manager")
    manager = manager if manager is not None and access.can_manage_reports(manager) else None
    organisation = _organisation_template(now, people, manager, summary)
    customer = Customer.objects.filter(code=CUSTOMER_CODE).first()
    customer_template = (
        _customer_template(customer, now, manager, summary) if customer is not None else None
    )
    this_month = periods.current(periods.PeriodKind.MONTH, now)
    last_month = this_month.previous()
    # Last month's work happened on the first working day of this month, in office hours, and
    # at least a few hours before ``now``.
    first = deadlines.first_working_day(this_month.start.year, this_month.start.month)
    base = min(now - timedelta(hours=5), datetime.combine(first, time(9), tzinfo=org_tz()))
    reader = _staff(people.get("viewer"))
    editor_edit = manager
    if _published(organisation, last_month, base, manager, summary, edit_by=editor_edit):
        version = organisation.reports.get(period=last_month.code).versions.get(number=1)
        if reader is not None and not version.feedback.filter(reader=reader).exists():
            services.do_rate(
                version,
                reader=reader,
                rating=4,
                comment=RATING_COMMENT,
                now=base + timedelta(hours=4),
                source="demo",
            )
    if not Report.objects.filter(template=organisation, period=this_month.code).exists():
        drafting.do_create_report(organisation, this_month, actor=None, now=now, source="demo")
        summary.reports += 1
    if customer_template is not None:
        _published(customer_template, last_month, base, manager, summary)
    return summary


def _organisation_template(
    now: datetime, people: dict[str, User], manager: User | None, summary: DemoReports
) -> ReportTemplate:
    existed = ReportTemplate.objects.filter(is_default=True).exists()
    template = defaults.ensure_default_template(now=now, source="demo")
    if existed:
        return template
    summary.templates += 1
    if manager is not None:
        ReportTemplate.objects.filter(pk=template.pk).update(editor=manager)
        template.editor = manager
    for key, username in OWNERS.items():
        owner = _staff(people.get(username))
        if owner is not None:
            template.sections.filter(key=key).update(owner=owner)
    if manager is not None:
        services.do_save_recipients(
            template,
            [{"kind": RecipientKind.USER, "user": manager}],
            actor=None,
            now=now,
            source="demo",
        )
    return template


def _customer_template(
    customer: Customer, now: datetime, manager: User | None, summary: DemoReports
) -> ReportTemplate:
    found = ReportTemplate.objects.filter(
        kind=TemplateKind.CUSTOMER, customer=customer, is_active=True
    ).first()
    if found is not None:
        return found
    template = defaults.create_customer_template(customer, actor=None, now=now, source="demo")
    summary.templates += 1
    if manager is not None:
        ReportTemplate.objects.filter(pk=template.pk).update(editor=manager)
        template.editor = manager
    services.do_save_recipients(
        template, [{"kind": RecipientKind.CUSTOMER}], actor=None, now=now, source="demo"
    )
    return template


def _published(
    template: ReportTemplate,
    period: periods.Period,
    base: datetime,
    manager: User | None,
    summary: DemoReports,
    *,
    edit_by: User | None = None,
) -> bool:
    """Last month's report of ``template`` drafted, (edited,) submitted, approved and
    published; True when it is published (now or before)."""
    report = Report.objects.filter(template=template, period=period.code).first()
    if report is not None:
        return report.status == ReportStatus.PUBLISHED
    report = drafting.do_create_report(template, period, actor=None, now=base, source="demo")
    summary.reports += 1
    overview = report.sections.filter(key="overview").first()
    if edit_by is not None and overview is not None and overview.generated:
        ReportSection.objects.filter(pk=overview.pk).update(
            edited=f"{overview.generated}{OVERVIEW_NOTE}",
            is_edited=True,
            edited_by=edit_by,
            edited_at=base + timedelta(minutes=30),
        )
        report = drafting.do_build_draft(
            report, actor=None, now=base + timedelta(minutes=31), source="demo"
        )
    report.sections.update(done=True)
    services.do_submit(report, actor=manager, now=base + timedelta(hours=1), source="demo")
    services.do_approve(
        report,
        actor=manager,
        now=base + timedelta(hours=2),
        comment="数据核对无误，同意发布。",
        source="demo",
    )
    services.do_publish(report, actor=manager, now=base + timedelta(hours=3), source="demo")
    summary.versions += 1
    return True
