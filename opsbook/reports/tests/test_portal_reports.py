"""Service reports in the portal: a customer contact reads and downloads the published versions
of their own organisation's customer reports, and nothing else (no draft, no other customer's,
not the organisation's report); downloads are attachments that browsers do not sniff."""

import zipfile
from io import BytesIO

import pytest
import time_machine

from opsbook.reports.choices import TemplateKind

from .web_factories import NOW, client_for, make_report, make_template, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def reports(personas):
    mine = make_report(
        make_template("xinghuo", kind=TemplateKind.CUSTOMER, customer=personas.customer_a)
    )
    publish(mine, 1)
    publish(mine, 2, note="更正了满意度")
    draft = make_report(mine.template, period="2026-12")
    theirs = make_report(
        make_template("mingyuan", kind=TemplateKind.CUSTOMER, customer=personas.customer_b)
    )
    publish(theirs)
    organisation = make_report(make_template("monthly"))
    publish(organisation)
    return {"mine": mine, "draft": draft, "theirs": theirs, "organisation": organisation}


def test_a_contact_sees_only_their_own_published_reports(personas, reports):
    client = client_for(personas.dana)

    page = client.get("/portal/reports/").content.decode()

    assert page.count('class="list-group-item d-flex') == 1
    assert f'href="/portal/reports/{reports["mine"].pk}/versions/2/"' in page
    assert f'href="/portal/reports/{reports["mine"].pk}/versions/1/"' in page
    for other in ("draft", "theirs", "organisation"):
        assert f'data-report="{reports[other].pk}"' not in page


def test_a_published_version_reads_as_the_report_without_edit_controls(personas, reports):
    mine = reports["mine"]
    client = client_for(personas.dana)

    page = client.get(f"/portal/reports/{mine.pk}/versions/1/").content.decode()

    assert "一、概述" in page and "六、附录" in page
    assert "A corrected version of this report has been published." in page
    assert "/edit/" not in page and "rebuild" not in page
    assert f'href="/portal/reports/{mine.pk}/versions/1/docx/"' in page
    # Figures lead to the customer's own drill-down, never to a staff page.
    assert 'href="/portal/dashboard/drill/?metric=tickets.created&amp;period=2026-11"' in page
    assert "/dashboards/drill/" not in page.replace("/portal/dashboard/drill/", "")
    latest = client.get(f"/portal/reports/{mine.pk}/versions/2/").content.decode()
    assert "更正了满意度" in latest


def test_other_reports_are_404_in_the_portal(personas, reports):
    client = client_for(personas.dana)

    for report in (reports["theirs"], reports["organisation"]):
        assert client.get(f"/portal/reports/{report.pk}/versions/1/").status_code == 404
        assert client.get(f"/portal/reports/{report.pk}/versions/1/docx/").status_code == 404
    assert client.get(f"/portal/reports/{reports['draft'].pk}/versions/1/").status_code == 404
    assert client.get(f"/portal/reports/{reports['mine'].pk}/versions/9/").status_code == 404
    assert client.get(f"/portal/reports/{reports['mine'].pk}/versions/1/exe/").status_code == 404


def test_staff_are_sent_to_the_staff_pages_and_anonymous_visitors_to_log_in(personas, reports):
    mine = reports["mine"]

    staff = client_for(personas.mia).get(f"/portal/reports/{mine.pk}/versions/1/")
    assert staff.status_code == 302 and staff["Location"] == f"/reports/{mine.pk}/versions/1/"
    anonymous = client_for().get(f"/portal/reports/{mine.pk}/versions/1/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_word_file_downloads_as_an_attachment(personas, reports):
    mine = reports["mine"]

    response = client_for(personas.dana).get(f"/portal/reports/{mine.pk}/versions/2/docx/")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "-v2.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert zipfile.is_zipfile(BytesIO(response.content))


def test_the_portal_menu_links_to_the_service_reports(personas, reports):
    page = client_for(personas.dana).get("/portal/reports/").content.decode()

    assert 'id="nav-portal-reports"' in page
    assert 'id="nav-reports"' not in page
