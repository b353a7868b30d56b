"""Reports for the page tests, without the draft builder: a template, a report whose document
is ``testing.sample_document()`` and its sections (owners as given), published versions."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

from django.test import Client

from opsbook.reports.choices import ReportStatus, TemplateKind
from opsbook.reports.models import (
    Report,
    ReportSection,
    ReportTemplate,
    ReportVersion,
    TemplateSection,
)
from opsbook.reports.testing import sample_document

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def make_template(code: str = "monthly", **fields: Any) -> ReportTemplate:
    fields.setdefault("name", "运营服务月报")
    fields.setdefault("kind", TemplateKind.ORGANISATION)
    template = ReportTemplate.objects.create(code=code, **fields)
    for position, (key, title) in enumerate(
        [("overview", "概述"), ("kpis", "关键指标"), ("problems", "问题分析")]
    ):
        TemplateSection.objects.create(
            template=template,
            position=position,
            key=key,
            title=title,
            blocks=[],
            narrative=key != "kpis",
        )
    return template


def make_report(
    template: ReportTemplate | None = None,
    *,
    period: str = "2026-11",
    status: str = ReportStatus.DRAFT,
    owners: dict[str, Any] | None = None,
    deadline: date | None = date(2026, 12, 7),
) -> Report:
    template = template or make_template()
    document = sample_document()
    document["period"]["code"] = period
    report = Report.objects.create(
        template=template,
        period=period,
        title=document["title"],
        status=status,
        deadline=deadline,
        document=document,
        drafted_at=NOW,
    )
    owners = owners or {}
    for position, section in enumerate(document["sections"]):
        narrative = section["narrative"]
        ReportSection.objects.create(
            report=report,
            position=position,
            key=section["key"],
            title=section["title"],
            owner=owners.get(section["key"]),
            generated=narrative["source"] if narrative else "",
        )
    return report


def publish(report: Report, number: int = 1, *, note: str = "") -> ReportVersion:
    document = copy.deepcopy(report.document)
    document["status"] = "published"
    document["version"] = number
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        title=report.title,
        document=document,
        change_note=note,
        published_at=NOW,
    )
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.PUBLISHED, published_version=number
    )
    report.refresh_from_db()
    return version


def client_for(user=None) -> Client:
    """A browser-like client in English (the page's words are asserted in English)."""
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client
