"""A section's owner says their part is ready: on the draft page and over the API, with the
same rights as editing the paragraph; a ready section's owner hears no more reminders; the
sections' API edits and resets the paragraph as the page does."""

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client

from opsbook.audit.models import AuditEntry
from opsbook.notify.models import Notification
from opsbook.reports import jobs, services
from opsbook.reports.choices import ReportStatus
from opsbook.reports.editing import do_mark_ready

from .workflow_helpers import NOW, Api, make_report, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def report(personas):
    return make_report(make_template(personas))  # overview: Alice; problems: Charlie


def section(report, key="overview"):
    return report.sections.get(key=key)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_owner_marks_the_section_ready_once_and_it_is_audited(personas, report):
    overview = section(report)
    saved = do_mark_ready(overview, True, actor=personas.alice, now=NOW)
    assert saved.done and saved.version == 2
    again = do_mark_ready(section(report), True, actor=personas.alice, now=NOW)
    assert again.version == 2  # nothing to change
    entries = AuditEntry.objects.filter(object_id=str(overview.pk), changes__has_key="ready")
    assert entries.count() == 1
    assert do_mark_ready(section(report), False, actor=personas.alice, now=NOW).done is False


@pytest.mark.parametrize("who", ["charlie", "vera", "dana"])
def test_only_the_owner_the_editor_and_managers_mark_it(personas, report, who):
    with pytest.raises(PermissionDenied):
        do_mark_ready(section(report), True, actor=getattr(personas, who), now=NOW)
    assert do_mark_ready(section(report), True, actor=personas.bob, now=NOW).done  # editor
    assert do_mark_ready(section(report, "problems"), True, actor=personas.mia, now=NOW).done


def test_a_submitted_report_is_not_marked(personas, report):
    services.do_submit(report, actor=personas.bob, now=NOW)
    with pytest.raises(PermissionDenied):
        do_mark_ready(section(report), True, actor=personas.alice, now=NOW)


def test_a_ready_owner_is_not_reminded(personas, report):
    do_mark_ready(section(report), True, actor=personas.alice, now=NOW)
    jobs.remind(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))  # the deadline day, 09:00
    assert not Notification.objects.filter(user=personas.alice).exists()
    assert Notification.objects.filter(user=personas.charlie).exists()


def test_returning_the_section_makes_it_not_ready(personas, report):
    do_mark_ready(section(report), True, actor=personas.alice, now=NOW)
    services.do_submit(report, actor=personas.bob, now=NOW)
    services.do_return(report, actor=personas.mia, now=NOW, comment="补充", section_key="overview")
    assert section(report).done is False


def test_the_page_offers_the_button_to_who_may_use_it(personas, report):
    page = client_for(personas.alice).get(f"/reports/{report.pk}/").content.decode()
    assert page.count('class="mb-2 section-ready-form"') == 1  # her section only
    assert f'/reports/{report.pk}/sections/overview/ready/"' in page
    viewer = client_for(personas.vera).get(f"/reports/{report.pk}/").content.decode()
    assert "section-ready-form" not in viewer


def test_the_owner_marks_it_ready_on_the_page(personas, report):
    client = client_for(personas.alice)
    url = f"/reports/{report.pk}/sections/overview/ready/"
    response = client.post(url, {"ready": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/#section-overview"
    assert section(report).done
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "section-ready-form" in page and "改为未完成" in page  # the button now undoes it
    client.post(url, {"ready": "0"})
    assert not section(report).done
    assert client.get(url).status_code == 405


def test_others_may_not_mark_it_on_the_page(personas, report):
    url = f"/reports/{report.pk}/sections/overview/ready/"
    assert client_for(personas.charlie).post(url, {"ready": "1"}).status_code == 403
    assert client_for(personas.vera).post(url, {"ready": "1"}).status_code == 403
    assert client_for(personas.dana).post(url, {"ready": "1"}).status_code == 404
    assert (
        client_for(personas.alice)
        .post(f"/reports/{report.pk}/sections/nosuch/ready/", {"ready": "1"})
        .status_code
        == 404
    )
    assert not section(report).done


class SectionApi(Api):
    def put(self, path, payload):
        return self.client.put(
            f"/api/reports{path}",
            json.dumps(payload),
            content_type="application/json",
            headers=self.headers,
        )

    def delete(self, path, **params):
        query = f"?{urlencode(params)}" if params else ""
        return self.client.delete(f"/api/reports{path}{query}", headers=self.headers)


def test_the_api_lists_section_ids_and_serves_each_section(personas, report):
    data = Api(personas.vera).get(f"/{report.pk}").json()
    overview = next(s for s in data["sections"] if s["key"] == "overview")
    one = Api(personas.vera).get(f"/{report.pk}/sections/{overview['id']}").json()
    assert one["key"] == "overview" and one["ready"] is False and one["can_edit"] is False
    assert one["narrative"]["text"] and one["narrative"]["warnings"] == []
    mine = Api(personas.alice).get(f"/{report.pk}/sections/{overview['id']}").json()
    assert mine["can_edit"] is True


def test_the_owner_edits_resets_and_marks_ready_over_the_api(personas, report):
    overview = section(report)
    api = SectionApi(personas.alice)
    base = f"/{report.pk}/sections/{overview.pk}"

    text = "本月工单量 9,999 件，较上月下降。"
    edited = api.put(f"{base}/narrative", {"text": text, "version": 1})
    assert edited.status_code == 200, edited.content
    body = edited.json()
    assert body["narrative"]["edited"] is True and body["version"] == 2
    assert body["narrative"]["warnings"]  # 9,999 is no figure of the report

    stale = api.post(f"{base}/ready", {"ready": True, "version": 1})
    assert stale.status_code == 409
    ready = api.post(f"{base}/ready", {"ready": True, "version": 2})
    assert ready.status_code == 200 and ready.json()["ready"] is True

    reset = api.delete(f"{base}/narrative", version=3)
    assert reset.status_code == 200 and reset.json()["narrative"]["edited"] is False
    assert api.put(f"{base}/narrative", {"text": "   "}).status_code == 422


def test_the_sections_api_keeps_to_the_same_rights(personas, report):
    overview = section(report)
    base = f"/{report.pk}/sections/{overview.pk}"
    assert SectionApi(personas.charlie).post(f"{base}/ready", {"ready": True}).status_code == 403
    assert SectionApi(personas.vera).put(f"{base}/narrative", {"text": "x"}).status_code == 403
    assert SectionApi(personas.dana).get(base).status_code == 403
    other = make_report(report.template, period="2026-10")
    wrong = f"/{other.pk}/sections/{overview.pk}"
    assert SectionApi(personas.alice).post(f"{wrong}/ready", {"ready": True}).status_code == 404
    report.status = ReportStatus.SUBMITTED
    report.save(update_fields=["status"])
    assert SectionApi(personas.alice).post(f"{base}/ready", {"ready": True}).status_code == 403
    assert not section(report).done
