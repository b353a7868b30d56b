"""The report's pages: who sees what (staff read, customers 404, anonymous to the login page),
the draft as a web page (numbered sections, figures linked to their drill-downs, charts as
data for ECharts, the appendix), published versions, the list by month with its filters and
overdue badges, and a bounded number of queries."""

import json
from datetime import date

import pytest
import time_machine

from opsbook.reports.choices import ReportStatus, TemplateKind
from opsbook.reports.models import Report

from .web_factories import NOW, client_for, make_report, make_template, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("who", ["erin", "mia", "alice", "vera"])
def test_staff_read_the_list_and_the_draft(personas, who):
    report = make_report()
    client = client_for(getattr(personas, who))

    assert client.get("/reports/").status_code == 200
    assert client.get(f"/reports/{report.pk}/").status_code == 200


def test_customers_get_404_on_every_staff_page(personas):
    report = make_report(
        make_template("acme", kind=TemplateKind.CUSTOMER, customer=personas.customer_a)
    )
    publish(report)
    client = client_for(personas.dana)

    for url in (
        "/reports/",
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/versions/1/",
        f"/reports/{report.pk}/sections/overview/edit/",
        "/reports/templates/",
        f"/reports/templates/{report.template_id}/",
        f"/reports/templates/{report.template_id}/export/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/reports/{report.pk}/rebuild/").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(personas):
    report = make_report()
    client = client_for()

    for url in ("/reports/", f"/reports/{report.pk}/", "/reports/templates/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"] or "login" in response["Location"]


def test_the_draft_reads_as_a_numbered_report_whose_figures_link_to_their_drill_downs(personas):
    report = make_report()

    page = client_for(personas.alice).get(f"/reports/{report.pk}/").content.decode()

    for heading in (
        "一、概述",
        "二、关键指标",
        "三、问题分析",
        "四、改进措施",
        "五、总结与展望",
        "六、附录",
    ):
        assert heading in page
    assert "（一）主要指标" in page
    drill = 'href="/dashboards/drill/?metric=sla.response_rate&amp;period=2026-11"'
    assert f'{drill} data-ref="sla.response_rate" data-part="value">95.2%</a>' in page
    # The narrative's numbers link to their figures too.
    assert 'data-ref="sla.response_rate@channel=wechat" data-part="value">90.0%</a>' in page
    # Formulas in a table's text are shown as text, never as markup.
    assert "=HYPERLINK(&quot;http://x&quot;)" in page


def test_charts_are_data_for_echarts_in_a_json_script(personas):
    report = make_report()

    page = client_for(personas.alice).get(f"/reports/{report.pk}/").content.decode()

    assert 'id="report-chart-1"' in page and 'id="report-chart-2"' in page
    start = page.index('<script id="report-charts" type="application/json">') + len(
        '<script id="report-charts" type="application/json">'
    )
    charts = json.loads(page[start : page.index("</script>", start)])
    assert [c["id"] for c in charts] == ["report-chart-1", "report-chart-2"]
    assert charts[1]["type"] == "bar" and charts[1]["target"] == 0.95
    assert "vendor/echarts/echarts.min.js" in page
    assert "cdn" not in page.lower()


def test_a_published_version_is_shown_as_published_read_only(personas):
    report = make_report(owners={"overview": personas.alice})
    publish(report, note="")
    client = client_for(personas.alice)

    page = client.get(f"/reports/{report.pk}/versions/1/").content.decode()

    assert "Published version 1" in page
    assert "sections/overview/edit" not in page
    assert client.get(f"/reports/{report.pk}/versions/2/").status_code == 404


def test_the_list_groups_reports_by_month_with_overdue_badges_and_filters(personas):
    template = make_template()
    late = make_report(template, period="2026-10", deadline=date(2026, 11, 7))
    on_time = make_report(template, period="2026-11", deadline=date(2026, 12, 7))
    done = make_report(
        make_template(
            "team", name="客服部月报", kind=TemplateKind.TEAM, team=personas.support_team
        ),
        period="2026-10",
        deadline=date(2026, 11, 7),
    )
    publish(done)
    client = client_for(personas.vera)

    page = client.get("/reports/").content.decode()

    assert page.index('data-month="2026-11"') < page.index('data-month="2026-10"')
    assert page.count("report-overdue") == 1
    assert "Team: 客服部" in page
    assert f'href="/reports/{done.pk}/versions/1/"' in page

    overdue = client.get("/reports/?overdue=1").content.decode()
    assert f'data-report="{late.pk}"' in overdue
    assert f'data-report="{on_time.pk}"' not in overdue
    published = client.get("/reports/?status=published").content.decode()
    assert f'data-report="{done.pk}"' in published
    assert f'data-report="{late.pk}"' not in published
    month = client.get("/reports/?month=2026-11").content.decode()
    assert f'data-report="{on_time.pk}"' in month and f'data-report="{late.pk}"' not in month


def test_the_list_reads_a_bounded_number_of_queries(personas, django_assert_max_num_queries):
    for n in range(12):
        make_report(
            make_template(
                f"t{n}",
                name=f"模板{n}",
                kind=TemplateKind.CUSTOMER,
                customer=personas.customer_a if n % 2 else personas.customer_b,
            ),
        )
    client = client_for(personas.mia)
    client.get("/reports/")

    with django_assert_max_num_queries(9):
        response = client.get("/reports/")

    assert response.content.decode().count('class="report-row"') == 12


def test_only_managers_see_the_new_report_form(personas):
    make_report()

    assert 'id="new-report"' in client_for(personas.mia).get("/reports/").content.decode()
    assert 'id="new-report"' not in client_for(personas.alice).get("/reports/").content.decode()
    assert client_for(personas.alice).post("/reports/new/", {}).status_code == 403


def test_an_agent_may_not_rebuild_the_draft(personas):
    report = make_report(owners={"overview": personas.alice})

    assert client_for(personas.alice).post(f"/reports/{report.pk}/rebuild/").status_code == 403
    page = client_for(personas.alice).get(f"/reports/{report.pk}/").content.decode()
    assert 'id="rebuild"' not in page


def test_the_draft_shows_edit_controls_only_on_sections_the_user_may_edit(personas):
    report = make_report(owners={"overview": personas.alice, "problems": personas.bob})

    page = client_for(personas.alice).get(f"/reports/{report.pk}/").content.decode()

    assert f"/reports/{report.pk}/sections/overview/edit/" in page
    assert f"/reports/{report.pk}/sections/problems/edit/" not in page


def test_nobody_edits_another_owners_section_or_a_submitted_report(personas):
    report = make_report(owners={"overview": personas.alice, "problems": personas.bob})
    alice = client_for(personas.alice)

    assert alice.get(f"/reports/{report.pk}/sections/problems/edit/").status_code == 403
    assert (
        alice.post(f"/reports/{report.pk}/sections/problems/edit/", {"text": "x"}).status_code
        == 403
    )
    assert alice.post(f"/reports/{report.pk}/sections/problems/reset/").status_code == 403
    assert (
        client_for(personas.vera).get(f"/reports/{report.pk}/sections/overview/edit/").status_code
        == 403
    )
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    assert alice.get(f"/reports/{report.pk}/sections/overview/edit/").status_code == 403
    assert alice.get(f"/reports/{report.pk}/sections/nope/edit/").status_code == 404


def test_an_unknown_report_is_404(personas):
    assert client_for(personas.mia).get("/reports/999/").status_code == 404


def test_a_manager_creates_a_months_report_from_the_list(personas):
    template = make_template()
    client = client_for(personas.mia)

    response = client.post("/reports/new/", {"template": template.pk, "month": "2026-11"})

    report = Report.objects.get(template=template, period="2026-11")
    assert response["Location"] == f"/reports/{report.pk}/"
    assert report.document["sections"][0]["key"] == "overview"
    again = client.post("/reports/new/", {"template": template.pk, "month": "2026-11"})
    assert again["Location"] == f"/reports/{report.pk}/"
    bad = client.post("/reports/new/", {"template": template.pk, "month": "2026-13"}, follow=True)
    assert "Choose a month (YYYY-MM)." in bad.content.decode()
    assert Report.objects.count() == 1


def test_a_manager_rebuilds_the_draft_from_the_data(personas):
    report = make_report()
    client = client_for(personas.mia)

    response = client.post(f"/reports/{report.pk}/rebuild/", follow=True)

    report.refresh_from_db()
    assert "The draft was rebuilt from the data." in response.content.decode()
    assert report.document["template"]["code"] == "monthly"
    assert [s["key"] for s in report.document["sections"]] == ["overview", "kpis", "problems"]


def test_the_owner_edits_a_paragraph_in_place_and_sees_the_warnings(personas):
    report = make_report(owners={"problems": personas.bob})
    client = client_for(personas.bob)
    url = f"/reports/{report.pk}/sections/problems/edit/"

    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<textarea" in form and "<html" not in form
    assert "微信渠道首次响应及时率 90.0%，低于目标 95.0%。" in form

    text = "微信渠道首次响应及时率 90.0%，比上月上升，另有 37 起投诉。"
    saved = client.post(url, {"text": text}, headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in saved and 'id="narrative-problems"' in saved
    assert 'data-ref="sla.response_rate@channel=wechat" data-part="value">90.0%</a>' in saved
    assert "narrative-warnings" in saved
    section = report.sections.get(key="problems")
    assert section.is_edited and section.edited_by == personas.bob

    reset = client.post(
        f"/reports/{report.pk}/sections/problems/reset/", headers={"HX-Request": "true"}
    ).content.decode()
    section.refresh_from_db()
    assert not section.is_edited and "narrative-edited" not in reset


def test_without_htmx_the_edit_is_a_page_and_saving_goes_back_to_the_report(personas):
    report = make_report(owners={"outlook": personas.alice})
    client = client_for(personas.alice)
    url = f"/reports/{report.pk}/sections/outlook/edit/"

    assert "<html" in client.get(url).content.decode()
    response = client.post(url, {"text": "下月继续保持。"})

    assert response["Location"] == f"/reports/{report.pk}/#section-outlook"
    empty = client.post(url, {"text": "   "})
    assert empty.status_code == 400
