"""Input meant to hurt: oversized uploads refused before the body is read, redirects away from
the site, control characters, scripts in links and names."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsbook.sops import services
from opsbook.sops.choices import Evidence
from opsbook.sops.testing import make_procedure, step

from .helpers import PDF, Api, client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


@pytest.fixture
def photo_step(personas):
    procedure = make_procedure(steps=[step("拍照", evidence=Evidence.ATTACHMENT)])
    run = services.do_start_run(procedure, calendar=None, now=NOW)
    return run.step_runs.get()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    personas, photo_step, settings, media
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = PDF + b"0" * (3 * 1024 * 1024)
    page = client_for(personas.mia).post(
        reverse("sops:step_complete", args=[photo_step.pk]),
        {f"step{photo_step.pk}-file": SimpleUploadedFile("big.pdf", big, "application/pdf")},
    )
    api = Api(personas.mia).post_form(
        f"/runs/{photo_step.run_id}/steps/{photo_step.pk}/complete",
        {"file": SimpleUploadedFile("big.pdf", big, "application/pdf")},
    )

    assert page.status_code == 413 and api.status_code == 413
    photo_step.refresh_from_db()
    assert photo_step.done_at is None and not photo_step.attachment


def test_a_file_just_over_the_limit_is_refused_by_the_checks(personas, photo_step, settings, media):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = client_for(personas.mia).post(
        reverse("sops:step_complete", args=[photo_step.pk]),
        {
            f"step{photo_step.pk}-file": SimpleUploadedFile(
                "a.pdf", PDF + b"0" * 2000, "application/pdf"
            )
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "larger than" in response.text
    photo_step.refresh_from_db()
    assert photo_step.done_at is None


def test_next_never_leads_off_the_site(personas):
    run = services.do_start_run(make_procedure(steps=[step("一")]), calendar=None, now=NOW)
    step_run = run.step_runs.get()

    response = client_for(personas.mia).post(
        reverse("sops:step_complete", args=[step_run.pk]), {"next": "https://evil.example/x"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("sops:run", args=[run.pk])


def test_names_with_control_characters_and_scripts(personas):
    api = Api(personas.mia)
    bad = api.send(
        "post", "/procedures", {"name": "流程\r\nX-Injected: 1", "steps": [{"name": "一"}]}
    )
    assert bad.status_code == 422

    created = api.send(
        "post",
        "/procedures",
        {"name": "<script>alert(1)</script>", "steps": [{"name": "<b>一</b>"}]},
    )
    assert created.status_code == 201
    html = client_for(personas.mia).get(reverse("sops:detail", args=[created.json()["id"]])).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>一</b>" not in html


def test_ids_out_of_range_are_404_not_errors(personas):
    client = client_for(personas.mia)
    assert client.get("/sops/99999999999999999999/").status_code == 404
    assert Api(personas.mia).get("/runs/99999999999999999999").status_code == 422
