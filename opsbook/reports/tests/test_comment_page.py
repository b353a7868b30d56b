"""Comments on the report's page: the people working on the report write them (about the whole
report or one section), everyone on staff reads them; viewers get no form and a refusal."""

import pytest
import time_machine
from django.test import Client

from opsbook.reports.models import ReportComment

from .workflow_helpers import NOW, make_report, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_section_owner_comments_on_their_section(personas):
    report = make_report(make_template(personas))
    client = client_for(personas.alice)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="workflow-comment-form"' in page
    response = client.post(
        f"/reports/{report.pk}/comments/", {"body": "数据口径待确认", "section_key": "overview"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"
    comment = ReportComment.objects.get(report=report)
    assert (comment.author, comment.section_key, comment.body) == (
        personas.alice,
        "overview",
        "数据口径待确认",
    )
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "数据口径待确认" in page


def test_an_empty_comment_or_an_unknown_section_is_refused_with_a_message(personas):
    report = make_report(make_template(personas))
    client = client_for(personas.bob)
    page = client.post(f"/reports/{report.pk}/comments/", {"body": "  "}, follow=True)
    assert "请填写评论" in page.content.decode()
    client.post(f"/reports/{report.pk}/comments/", {"body": "x", "section_key": "nosuch"})
    assert not ReportComment.objects.exists()


def test_viewers_and_customers_do_not_comment(personas):
    report = make_report(make_template(personas))
    viewer = client_for(personas.vera)
    assert 'id="workflow-comment-form"' not in viewer.get(f"/reports/{report.pk}/").content.decode()
    viewer.post(f"/reports/{report.pk}/comments/", {"body": "看过了"})
    assert (
        client_for(personas.dana)
        .post(f"/reports/{report.pk}/comments/", {"body": "看过了"})
        .status_code
        == 404
    )
    assert client_for(personas.charlie).get(f"/reports/{report.pk}/comments/").status_code == 405
    assert not ReportComment.objects.exists()
