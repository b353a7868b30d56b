"""The workflow's pages: the steps as POSTs back to the report, the panel the report's page
includes (who may do what next), a reader's rating form, the distribution list editor and the
governance page."""

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory

from opsbook.notify.choices import ChannelKind
from opsbook.notify.models import Channel
from opsbook.reports import services
from opsbook.reports.choices import RecipientKind, ReportStatus
from opsbook.reports.models import Feedback
from opsbook.reports.workflow_ui import workflow_context

from .workflow_helpers import NOW, make_report, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def report(personas):
    return make_report(make_template(personas))


def signed_in(client, user):
    client.force_login(user)
    return client


def steps_for(user, report):
    return [s["step"] for s in workflow_context(user, report)["steps"]]


def test_the_panel_offers_each_person_their_next_steps(personas, report):
    assert steps_for(personas.bob, report) == ["submit"]
    assert steps_for(personas.alice, report) == []
    services.do_submit(report, actor=personas.bob, now=NOW)
    assert steps_for(personas.bob, report) == []
    assert steps_for(personas.mia, report) == ["approve", "return"]
    services.do_approve(report, actor=personas.mia, now=NOW)
    assert steps_for(personas.mia, report) == ["publish"]
    services.do_publish(report, actor=personas.mia, now=NOW)
    assert steps_for(personas.mia, report) == ["correct"]
    assert steps_for(personas.vera, report) == []


def test_the_panel_renders_status_comments_and_versions(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    services.do_return(report, actor=personas.mia, now=NOW, comment="请补充根因")
    request = RequestFactory().get("/")
    request.user = personas.bob
    html = render_to_string("reports/_workflow.html", {"report": report}, request=request)
    assert 'data-status="returned"' in html
    assert "请补充根因" in html
    assert 'data-step="submit"' in html
    assert "2026-12-07" in html


def test_a_manager_publishes_through_the_pages(client, personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    signed_in(client, personas.mia)
    response = client.post(f"/reports/{report.pk}/approve/", {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    client.post(f"/reports/{report.pk}/publish/", {"change_note": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_version == 1


def test_a_refused_step_says_why_and_changes_nothing(client, personas, report):
    signed_in(client, personas.mia)
    response = client.post(f"/reports/{report.pk}/publish/", follow=True)
    assert "cannot become" in response.content.decode() or "不能" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_an_htmx_step_answers_with_a_client_redirect(client, personas, report):
    signed_in(client, personas.bob)
    response = client.post(f"/reports/{report.pk}/submit/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"]


def test_customers_get_404_on_the_staff_pages(client, personas, report):
    signed_in(client, personas.dana)
    assert client.post(f"/reports/{report.pk}/submit/").status_code == 404
    assert client.get("/reports/governance/").status_code == 404


def test_a_reader_rates_a_version_on_its_form(client, personas, report):
    services.do_submit(report, actor=None, now=NOW)
    services.do_approve(report, actor=None, now=NOW)
    services.do_publish(report, actor=None, now=NOW)
    signed_in(client, personas.vera)
    url = f"/reports/{report.pk}/versions/1/feedback/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": "9"})
    assert response.status_code == 200 and not Feedback.objects.exists()
    client.post(url, {"rating": "5", "comment": "很清楚"})
    assert Feedback.objects.get().rating == 5
    assert client.get(f"/reports/{report.pk}/versions/2/feedback/").status_code == 404


def test_a_manager_edits_the_distribution_list(client, personas, report):
    channel = Channel.objects.create(
        name="运营群", kind=ChannelKind.FEISHU, url="https://open.feishu.cn/x"
    )
    signed_in(client, personas.mia)
    url = f"/reports/templates/{report.template.pk}/recipients/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "users": [str(personas.vera.pk)],
            "emails": "boss@example.com\nnot-an-address",
            "channels": [str(channel.pk)],
        },
    )
    assert response.status_code == 200 and not report.template.recipients.exists()
    client.post(
        url,
        {
            "users": [str(personas.vera.pk)],
            "emails": "boss@example.com",
            "channels": [str(channel.pk)],
        },
    )
    kinds = sorted(report.template.recipients.values_list("kind", flat=True))
    assert kinds == sorted([RecipientKind.USER, RecipientKind.EMAIL, RecipientKind.CHANNEL])
    signed_in(client, personas.bob)
    assert client.get(url).status_code == 403


def test_the_governance_page_shows_each_month(client, personas, report):
    late = NOW.replace(day=9)
    services.do_submit(report, actor=None, now=late)
    signed_in(client, personas.vera)
    html = client.get("/reports/governance/").content.decode()
    assert 'data-period="2026-11"' in html
    assert "governance-late" in html
