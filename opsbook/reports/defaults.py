"""The default sections of a monthly report, in the articles' order (概述, 关键指标, 问题分析,
改进措施, 总结与展望, 附录), each with its blocks; for the organisation and for one customer
(their volume, SLA, satisfaction, complaints and actions only). A template is data: these
are only where a new one starts, and the template editor changes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opsbook.audit.models import Action
from opsbook.audit.services import record

from .access import can_manage_templates
from .choices import TemplateKind
from .models import ReportTemplate, TemplateSection

DEFAULT_CODE = "monthly"

# English msgids, translated when a template is created (in the UI's language, zh-hans).
TITLES = {
    "overview": gettext_noop("Overview"),
    "kpis": gettext_noop("Key figures"),
    "problems": gettext_noop("Problem analysis"),
    "actions": gettext_noop("Improvement actions"),
    "outlook": gettext_noop("Summary and outlook"),
    "appendix": gettext_noop("Appendix"),
}


def _b(type_: str, **options: Any) -> dict[str, Any]:
    return {"type": type_, "options": options}


def organisation_sections() -> list[tuple[str, list[dict[str, Any]], bool]]:
    """(key, blocks, narrative) of the organisation's default template."""
    return [
        (
            "overview",
            [
                _b(
                    "figures",
                    metrics=[
                        "tickets.created",
                        "tickets.resolved",
                        "sla.response.met_rate",
                        "sla.resolution.met_rate",
                        "csat.average",
                        "tickets.complaints",
                    ],
                )
            ],
            True,
        ),
        (
            "kpis",
            [
                _b("figures"),
                _b("trend", metrics=["tickets.created"]),
                _b("trend", metrics=["sla.response.met_rate", "sla.resolution.met_rate"]),
                _b("breakdown", metric="sla.response.met_rate", by="channel"),
                _b("breakdown", metric="sla.resolution.met_rate", by="item", chart=False),
                _b("breakdown", metric="tickets.created", by="category"),
                _b("routines"),
                _b("goals"),
            ],
            True,
        ),
        (
            "problems",
            [_b("top_categories"), _b("anomalies"), _b("complaints"), _b("problems")],
            True,
        ),
        ("actions", [_b("actions")], True),
        ("outlook", [_b("next_goals")], True),
        ("appendix", [_b("definitions")], False),
    ]


CUSTOMER_FIGURES = [
    "tickets.created",
    "tickets.resolved",
    "sla.response.met_rate",
    "sla.resolution.met_rate",
    "tickets.first_response.median",
    "tickets.resolution_time.median",
    "csat.average",
    "csat.satisfied_share",
    "tickets.complaints",
    "surveys.nps",
]


def customer_sections() -> list[tuple[str, list[dict[str, Any]], bool]]:
    """A customer's report: their volume, SLA, satisfaction, complaints and actions only."""
    return [
        (
            "overview",
            [
                _b(
                    "figures",
                    metrics=[
                        "tickets.created",
                        "sla.response.met_rate",
                        "sla.resolution.met_rate",
                        "csat.average",
                        "tickets.complaints",
                    ],
                )
            ],
            True,
        ),
        (
            "kpis",
            [
                _b("figures", metrics=CUSTOMER_FIGURES),
                _b("trend", metrics=["tickets.created"]),
                _b("trend", metrics=["sla.response.met_rate", "sla.resolution.met_rate"]),
                _b("breakdown", metric="sla.response.met_rate", by="channel"),
                _b("breakdown", metric="tickets.created", by="item", chart=False),
            ],
            True,
        ),
        ("problems", [_b("complaints"), _b("problems", limit=5)], True),
        ("actions", [_b("actions", proposals=False)], True),
        ("outlook", [], True),
        ("appendix", [_b("definitions")], False),
    ]


def _add_sections(template: ReportTemplate, sections, *, owner=None) -> None:
    with translation.override("zh-hans"):
        TemplateSection.objects.bulk_create(
            TemplateSection(
                template=template,
                position=position,
                key=key,
                title=_(TITLES[key]),
                owner=owner if key != "appendix" else None,
                blocks=blocks,
                narrative=narrative,
            )
            for position, (key, blocks, narrative) in enumerate(sections)
        )


def ensure_default_template(*, now: datetime, source: str = "system") -> ReportTemplate:
    """The organisation's default template: created (code "monthly", the default sections)
    when there is none; the existing one otherwise. Safe to call again and again."""
    found = ReportTemplate.objects.filter(is_default=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            with translation.override("zh-hans"):
                name = _("Operations service monthly report")
            template = ReportTemplate.objects.create(
                code=DEFAULT_CODE,
                name=name,
                kind=TemplateKind.ORGANISATION,
                is_default=True,
                created_at=now,
                updated_at=now,
            )
            _add_sections(template, organisation_sections())
            record(actor=None, action=Action.CREATE, obj=template, source=source)
    except IntegrityError:
        # Another process made it first (or "monthly" is taken by a template that is not the
        # default: then that one stays as it is and becomes nothing more).
        found = ReportTemplate.objects.filter(is_default=True).first()
        if found is not None:
            return found
        raise
    return template


def create_customer_template(
    customer, *, actor, now: datetime, source: str = "web"
) -> ReportTemplate:
    """A customer's service-report template (code "customer-<code>"), scoped to that customer,
    with the customer default sections; an error when it exists."""
    if actor is not None and not can_manage_templates(actor):
        raise PermissionDenied(_("Only administrators and managers manage report templates."))
    code = f"customer-{customer.code}"[:50]
    if ReportTemplate.objects.filter(code=code).exists():
        raise ValidationError(_("A template with the code %(code)s exists.") % {"code": code})
    with transaction.atomic():
        with translation.override("zh-hans"):
            name = _("%(customer)s service report") % {"customer": customer.name}
        template = ReportTemplate.objects.create(
            code=code,
            name=name,
            kind=TemplateKind.CUSTOMER,
            customer=customer,
            created_at=now,
            updated_at=now,
        )
        _add_sections(template, customer_sections())
        record(actor=actor, action=Action.CREATE, obj=template, source=source)
    return template
