"""The demo's reports: last month's organisation report published (sent to the manager, rated
by a reader), this month's draft, last month's customer report in that customer's portal."""

from datetime import UTC, datetime

import pytest

from opsbook.accounts.demo import load_people
from opsbook.reports import access
from opsbook.reports.choices import ReportStatus
from opsbook.reports.demo import load_demo
from opsbook.reports.models import Distribution, Feedback, Report

NOW = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_published_report_a_draft_and_a_customer_report():
    people = load_people()
    first = load_demo(now=NOW)
    assert (first.templates, first.reports, first.versions) == (2, 3, 2)
    organisation = Report.objects.get(template__is_default=True, period="2026-11")
    assert organisation.status == ReportStatus.PUBLISHED
    version = organisation.versions.get()
    assert version.document["status"] == "published"
    overview = version.document["sections"][0]["narrative"]
    assert overview["edited"] and overview["text"].endswith("整改进展。")
    assert Distribution.objects.filter(version=version, target="王芳").exists()
    assert Feedback.objects.get(version=version).reader == people.users["viewer"]
    draft = Report.objects.get(template__is_default=True, period="2026-12")
    assert draft.status == ReportStatus.DRAFT and draft.document["sections"]
    customer = Report.objects.get(template__customer__code="xinghuo", period="2026-11")
    assert customer.status == ReportStatus.PUBLISHED
    contact = people.users["chenjing"]
    assert list(access.versions_for_user(contact)) == [customer.versions.get()]
    assert not access.versions_for_user(people.users["zhouqiang"]).exists()
    again = load_demo(now=NOW)
    assert (again.templates, again.reports, again.versions) == (0, 0, 0)
    assert Report.objects.count() == 3
