"""Factories for the workflow's tests: a template with sections and owners, and a report of it
whose document is the hand-made sample (``reports.testing.sample_document``), without the
draft builder, so the workflow is tested on its own."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.reports.choices import ReportStatus, TemplateKind
from opsbook.reports.models import Report, ReportSection, ReportTemplate, TemplateSection
from opsbook.reports.testing import sample_document

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, Thursday 3 December 2026
DEADLINE = date(2026, 12, 7)  # the 5th working day of December 2026

SECTIONS = [
    ("overview", "概述"),
    ("kpis", "关键指标"),
    ("problems", "问题分析"),
    ("actions", "改进措施"),
    ("outlook", "总结与展望"),
    ("appendix", "附录"),
]


def make_template(personas, *, code="monthly", customer=None, owners=None, **fields):
    """A template edited by Bob, its overview owned by Alice and its problems by Charlie (or
    ``owners``: key → user)."""
    owners = (
        owners if owners is not None else {"overview": personas.alice, "problems": personas.charlie}
    )
    template = ReportTemplate.objects.create(
        code=code,
        name="运营服务月报" if customer is None else f"{customer.name}服务报告",
        kind=TemplateKind.CUSTOMER if customer is not None else TemplateKind.ORGANISATION,
        customer=customer,
        editor=fields.pop("editor", personas.bob),
        **fields,
    )
    for position, (key, title) in enumerate(SECTIONS):
        TemplateSection.objects.create(
            template=template, position=position, key=key, title=title, owner=owners.get(key)
        )
    return template


def make_report(template, *, period="2026-11", status=ReportStatus.DRAFT, deadline=DEADLINE):
    document = sample_document()
    report = Report.objects.create(
        template=template,
        period=period,
        title=document["title"],
        status=status,
        deadline=deadline,
        document=document,
        drafted_at=NOW,
        created_at=NOW,
    )
    for position, section in enumerate(template.sections.all()):
        narrative = next(
            (s["narrative"] for s in document["sections"] if s["key"] == section.key), None
        )
        ReportSection.objects.create(
            report=report,
            position=position,
            key=section.key,
            title=section.title,
            owner=section.owner,
            generated=(narrative or {}).get("source", ""),
        )
    return report


class Api:
    """Requests to /api/reports with a real bearer token, in English."""

    def __init__(self, user) -> None:
        _token, raw = do_create_api_token(user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/reports{path}", params, headers=self.headers)

    def post(self, path: str, payload: Any):
        return self.client.post(
            f"/api/reports{path}",
            json.dumps(payload),
            content_type="application/json",
            headers=self.headers,
        )
