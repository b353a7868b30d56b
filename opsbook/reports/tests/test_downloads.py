"""Downloading a report as a file: the pages' links (reports:download, reports:version_download)
and the API (GET /api/reports/{id}/export)."""

import io
from urllib.parse import quote

import docx
import pytest
from django.test import Client
from django.urls import reverse

from opsbook.accounts.services import do_create_api_token
from opsbook.reports import exports
from opsbook.reports.choices import TemplateKind

from .export_helpers import make_report, make_template, publish

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def _api(user):
    _token, raw = do_create_api_token(user)
    client = Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})
    return lambda report_id, **params: client.get(f"/api/reports/{report_id}/export", params)


@pytest.fixture
def report(personas):
    return make_report(make_template())


@pytest.fixture
def customer_report(personas):
    template = make_template(
        "xinghuo", kind=TemplateKind.CUSTOMER, customer=personas.customer_a, name="服务报告"
    )
    return make_report(template)


def _word_title(content: bytes) -> str:
    word = docx.Document(io.BytesIO(content))
    return word.core_properties.title


def test_staff_download_the_draft_as_word_with_a_chinese_file_name(personas, report):
    response = client_for(personas.vera).get(reverse("reports:download", args=[report.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + quote("2026年11月运营服务月报-draft.docx") in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert _word_title(response.content) == "2026年11月运营服务月报"


def test_an_unknown_format_or_report_is_not_found(personas, report):
    client = client_for(personas.mia)
    assert client.get(reverse("reports:download", args=[report.pk, "odt"])).status_code == 404
    assert client.get(reverse("reports:download", args=[report.pk + 99, "docx"])).status_code == 404
    missing = reverse("reports:version_download", args=[report.pk, 1, "docx"])
    assert client.get(missing).status_code == 404


def test_a_published_version_downloads_as_frozen(personas, report):
    publish(report, title_suffix="（第一版）")
    report.document["title"] = "改过的草稿"
    report.save()
    url = reverse("reports:version_download", args=[report.pk, 1, "docx"])
    response = client_for(personas.alice).get(url)
    assert response.status_code == 200
    assert _word_title(response.content) == "2026年11月运营服务月报（第一版）"
    assert quote("-v1.docx") in response["Content-Disposition"]


def test_customers_get_404_on_the_staff_downloads_even_of_their_own_report(
    personas, customer_report
):
    publish(customer_report)
    client = client_for(personas.dana)
    draft = reverse("reports:download", args=[customer_report.pk, "docx"])
    version = reverse("reports:version_download", args=[customer_report.pk, 1, "docx"])
    assert client.get(draft).status_code == 404
    assert client.get(version).status_code == 404


def test_anonymous_users_are_sent_to_log_in(report):
    response = client_for().get(reverse("reports:download", args=[report.pk, "docx"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_api_returns_the_draft_to_staff(personas, report):
    response = _api(personas.vera)(report.pk, format="docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _word_title(response.content) == "2026年11月运营服务月报"


def test_the_api_returns_a_published_version_by_number(personas, report):
    publish(report, title_suffix="v1")
    response = _api(personas.mia)(report.pk, format="docx", version=1)
    assert response.status_code == 200
    assert _word_title(response.content).endswith("v1")
    assert _api(personas.mia)(report.pk, format="docx", version=2).status_code == 404


def test_the_api_checks_its_input(personas, report):
    api = _api(personas.mia)
    assert api(report.pk, format="odt").status_code == 422
    assert api(report.pk).status_code == 422
    assert api(report.pk, format="docx", version=0).status_code == 422
    assert api(report.pk + 99, format="docx").status_code == 404


def test_a_customer_gets_only_their_own_published_report_over_the_api(personas, customer_report):
    api = _api(personas.dana)
    assert api(customer_report.pk, format="docx").status_code == 404  # not published yet
    publish(customer_report)
    response = api(customer_report.pk, format="docx")
    assert response.status_code == 200
    assert api(customer_report.pk, format="docx", version=1).status_code == 200
    other = _api(personas.carl)
    assert other(customer_report.pk, format="docx").status_code == 404
    assert other(customer_report.pk, format="docx", version=1).status_code == 404


def test_a_customer_never_gets_the_organisations_report(personas, report):
    publish(report)
    assert _api(personas.dana)(report.pk, format="docx").status_code == 404


def test_the_openapi_document_describes_the_file_response(personas):
    schema = client_for(personas.mia).get("/api/openapi.json").json()
    operation = schema["paths"]["/api/reports/{report_id}/export"]["get"]
    content = operation["responses"]["200"]["content"]
    assert content[DOCX]["schema"] == {"type": "string", "format": "binary"}
    assert XLSX in content and "application/pdf" in content
    names = {p["name"] for p in operation["parameters"]}
    assert {"report_id", "format", "version"} <= names


def test_a_published_versions_file_is_rendered_once_and_kept(
    personas, report, settings, monkeypatch
):
    version = publish(report)
    client = client_for(personas.mia)
    url = reverse("reports:version_download", args=[report.pk, version.number, "xlsx"])
    first = client.get(url)
    kept = list((settings.MEDIA_ROOT / "report-files").iterdir())
    assert [p.suffix for p in kept] == [".xlsx"]
    assert kept[0].read_bytes() == first.content
    calls: list[tuple] = []
    real = exports.export

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(exports, "export", counted)
    second = client.get(url)
    api = _api(personas.mia)(report.pk, format="xlsx", version=version.number)
    assert calls == []  # served from the kept file
    assert second.content == first.content == api.content
    assert second["Content-Disposition"] == first["Content-Disposition"]
    # A file that cannot be kept (a read-only disk) is still served.
    settings.MEDIA_ROOT = "/proc/opsbook-nowhere"
    assert client.get(url.replace("xlsx", "docx")).status_code == 200
