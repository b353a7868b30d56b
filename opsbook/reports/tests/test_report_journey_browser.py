"""The report's journey in a real browser (issue 11's "done means"): a manager opens the draft
built from the data, follows a figure to the tickets behind it, edits a section's paragraph in
place (and sees the warning about a number that is not in the data), submits, approves,
publishes and downloads the Word file. Charts draw under the Content Security Policy."""

import zipfile

import pytest
from django.conf import settings
from django.test import Client

from opsbook.catalog.testing import make_category, make_item
from opsbook.core import clock
from opsbook.metrics.periods import current
from opsbook.metrics.tests.helpers import at, ticket
from opsbook.reports import drafting
from opsbook.reports.defaults import ensure_default_template
from opsbook.reports.models import Report, ReportSection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_manager_takes_the_draft_from_the_data_to_a_published_word_file(
    browser_page, live_server, personas, tmp_path
):
    page = browser_page
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    now = clock.now()
    last_month = current("month", now).shift(-1)
    y, m = last_month.start.year, last_month.start.month
    item = make_item(name="网络故障", category=make_category(name="网络"))
    for i in range(4):
        ticket(
            at(y, m, 3 + i), (at(y, m, 4 + i), "resolved"),
            title=f"教室网络中断{i + 1}", item=item, channel="phone" if i % 2 else "web",
            resolved_at=at(y, m, 4 + i), first_response_at=at(y, m, 3 + i, 13),
        )  # fmt: skip
    template = ensure_default_template(now=now)
    report = drafting.do_create_report(template, last_month.code, actor=None, now=now)
    manager = personas.mia
    sign_in(page, live_server, manager)

    # The draft: numbered sections, charts drawn, every figure a link.
    page.goto(f"/reports/{report.pk}/")
    assert page.locator("h2.report-heading").first.inner_text().startswith("一、")
    page.wait_for_selector(".report-chart svg")

    # A figure leads to the tickets behind it.
    figure = page.locator('.report-table a.report-figure[data-ref="tickets.created"]').first
    assert figure.inner_text() == "4"
    figure.click()
    page.wait_for_url("**/dashboards/drill/**")
    for i in range(4):
        assert page.get_by_text(f"教室网络中断{i + 1}").count() >= 1
    page.go_back()

    # The overview's paragraph, edited in place: a number not from the data is flagged.
    page.locator("#narrative-overview .narrative-edit").click()
    box = page.locator("#narrative-overview textarea")
    box.fill("本月共受理工单 4 件，其中 99 件为投诉。")
    page.locator("#narrative-overview .narrative-save").click()
    page.wait_for_selector("#narrative-overview .narrative-warnings")
    assert "本月共受理工单 4 件" in page.locator("#narrative-overview .narrative-text").inner_text()
    section = ReportSection.objects.get(report=report, key="overview")
    assert section.is_edited and section.edited_by == manager
    # Its figure stays linked to the data.
    assert page.locator('#narrative-overview a.report-figure[data-ref="tickets.created"]').count()

    # Submit, approve, publish.
    page.reload()
    for step in ("submit", "approve", "publish"):
        page.locator(f"#workflow-{step}").click()
        page.wait_for_load_state("load")
    page.wait_for_selector('#report-status[data-status="published"]')
    report.refresh_from_db()
    assert report.status == "published" and report.published_version == 1

    # The Word file of the published version.
    with page.expect_download() as info:
        page.locator("#downloads .download-docx").click()
    download = info.value
    assert download.suggested_filename == f"{report.title}-v1.docx"
    saved = tmp_path / "report.docx"
    download.save_as(saved)
    with zipfile.ZipFile(saved) as docx:
        assert "word/document.xml" in docx.namelist()
        assert "本月共受理工单 4 件" in docx.read("word/document.xml").decode()
    assert Report.objects.get(pk=report.pk).versions.count() == 1
    assert csp_errors == []
