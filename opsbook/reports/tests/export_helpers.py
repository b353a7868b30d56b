"""Factories of the export tests: templates, reports and published versions made directly in
the database around ``sample_document()`` (the draft builder and the workflow have their own
tests)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from opsbook.reports.choices import ReportStatus, TemplateKind
from opsbook.reports.models import Report, ReportTemplate, ReportVersion
from opsbook.reports.testing import sample_document

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def make_template(code="monthly", *, kind=TemplateKind.ORGANISATION, customer=None, **values):
    values.setdefault("name", "运营服务月报")
    values.setdefault("is_default", kind == TemplateKind.ORGANISATION and code == "monthly")
    return ReportTemplate.objects.create(code=code, kind=kind, customer=customer, **values)


def document_for(template: ReportTemplate, period="2026-11", **changes: Any) -> dict[str, Any]:
    document = sample_document()
    document["template"] = {"code": template.code, "name": template.name}
    document["title"] = f"{period[:4]}年{int(period[5:])}月{template.name}"
    document["period"] = {**document["period"], "code": period}
    if template.customer is not None:
        document["scope"] = {"customer": template.customer.code}
        document["scope_label"] = f"客户：{template.customer.name}"
    document.update(changes)
    return document


def make_report(template: ReportTemplate, period="2026-11", document=None, **values) -> Report:
    document = document if document is not None else document_for(template, period)
    values.setdefault("title", document["title"])
    return Report.objects.create(
        template=template, period=period, document=document, drafted_at=NOW, **values
    )


def publish(report: Report, *, title_suffix: str = "") -> ReportVersion:
    """A new published version of the report's document (what the workflow's publish does)."""
    number = report.published_version + 1
    document = copy.deepcopy(report.document)
    document.update(status="published", version=number, title=document["title"] + title_suffix)
    version = ReportVersion.objects.create(
        report=report, number=number, title=document["title"], document=document, published_at=NOW
    )
    report.status = ReportStatus.PUBLISHED
    report.published_version = number
    report.save(update_fields=["status", "published_version"])
    return version
