"""The ticket page shows its SOP as a checklist: each step's state, due time and overdue badge,
the forms to complete the current step for those who may (htmx answers the fragment); the
checklist stays on the version the ticket started with; customers never see it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsbook.sops import services as sops
from opsbook.sops.choices import Evidence
from opsbook.sops.testing import make_procedure, step

from . import views_helpers
from .factories import frozen_time, give_service, make_ticket
from .views_helpers import PDF, client_for

world, media = views_helpers.world, views_helpers.media  # fixtures
pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 9, 29, 9, 0, tzinfo=SH)


@pytest.fixture
def ticket(personas, world):
    make_procedure(
        "热线处理",
        items=[world["hotline"]],
        steps=[
            step("受理登记", time_limit_minutes=60, checklist=["核对来电号码"]),
            step("远程处理", evidence=Evidence.ATTACHMENT),
        ],
    )
    give_service(personas.customer_a, world["hotline"])
    with frozen_time(OPENED):
        return make_ticket(personas.mia, world["hotline"], customer=personas.customer_a)


def page(user, ticket):
    return client_for(user).get(reverse("tickets:detail", args=[ticket.pk])).text


def current(ticket):
    return ticket.sop_run.step_runs.get(step__position=1)


def test_the_ticket_page_shows_the_checklist_with_due_times(personas, ticket):
    with frozen_time(OPENED + timedelta(minutes=10)):
        html = page(personas.alice, ticket)

    assert 'id="sop-run-' in html and "热线处理" in html
    assert "受理登记" in html and "远程处理" in html and "核对来电号码" in html
    assert "2026-09-29 10:00" in html  # due, in the reader's (Shanghai) time
    assert "sop-step-overdue" not in html
    assert "Mark this step done" in html


def test_an_overdue_step_carries_the_overdue_badge(personas, ticket):
    with frozen_time(OPENED + timedelta(hours=2)):
        html = page(personas.alice, ticket)
    assert "sop-step-overdue" in html


def test_editing_the_procedure_while_the_ticket_runs_leaves_its_checklist_on_v1(
    personas, ticket, world
):
    procedure = ticket.sop_run.version.procedure
    sops.do_update_procedure(personas.mia, procedure, steps=[step("全新流程步骤")], note="简化")

    html = page(personas.alice, ticket)
    assert "受理登记" in html and "全新流程步骤" not in html and "v1" in html
    newer = make_ticket(personas.mia, world["hotline"])
    assert "全新流程步骤" in page(personas.alice, newer)


def test_the_assignee_completes_a_step_through_htmx(personas, ticket, media):
    step_run = current(ticket)
    client = client_for(personas.alice)
    url = reverse("sops:step_complete", args=[step_run.pk])

    refused = client.post(url, {}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "核对来电号码" in refused.text
    assert "Tick every point" in refused.text

    done = client.post(url, {f"step{step_run.pk}-checked": ["0"]}, headers={"HX-Request": "true"})

    assert done.status_code == 200 and done.text.lstrip().startswith("<section")
    assert "1 of 2 steps done" in done.text
    step_run.refresh_from_db()
    assert step_run.done_by == personas.alice


def test_a_teammate_completes_with_a_file_and_the_file_is_a_download(personas, ticket, media):
    client = client_for(personas.mia)
    client.post(
        reverse("sops:step_complete", args=[current(ticket).pk]),
        {f"step{current(ticket).pk}-checked": ["0"]},
    )
    second = ticket.sop_run.step_runs.get(step__position=2)

    response = client_for(personas.bob).post(
        reverse("sops:step_complete", args=[second.pk]),
        {
            f"step{second.pk}-file": SimpleUploadedFile("远程日志.pdf", PDF, "application/pdf"),
            "next": reverse("tickets:detail", args=[ticket.pk]),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])
    download = client_for(personas.alice).get(reverse("sops:step_file", args=[second.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert (
        client_for(personas.dana).get(reverse("sops:step_file", args=[second.pk])).status_code
        == 404
    )
    assert (
        client_for(personas.charlie).get(reverse("sops:step_file", args=[second.pk])).status_code
        == 404
    )


def test_an_outsider_finds_nothing(personas, ticket):
    client = client_for(personas.charlie)
    step_run = current(ticket)
    assert client.get(reverse("sops:run", args=[ticket.sop_run.pk])).status_code == 404
    response = client.post(
        reverse("sops:step_complete", args=[step_run.pk]), {f"step{step_run.pk}-checked": ["0"]}
    )
    assert response.status_code == 404
    step_run.refresh_from_db()
    assert step_run.done_at is None


def test_a_viewer_reads_the_checklist_but_cannot_complete_it(personas, ticket):
    html = page(personas.vera, ticket)
    assert "受理登记" in html and "Mark this step done" not in html
    step_run = current(ticket)
    response = client_for(personas.vera).post(
        reverse("sops:step_complete", args=[step_run.pk]), {f"step{step_run.pk}-checked": ["0"]}
    )
    assert response.status_code == 403


def test_the_customer_never_sees_the_sop_even_on_their_own_ticket(personas, ticket):
    client = client_for(personas.dana)
    portal = client.get(reverse("portal:ticket", args=[ticket.pk]))
    assert portal.status_code == 200
    assert "受理登记" not in portal.text and "热线处理" not in portal.text
    assert client.get(reverse("sops:run", args=[ticket.sop_run.pk])).status_code == 404
    step_run = current(ticket)
    assert client.post(reverse("sops:step_complete", args=[step_run.pk]), {}).status_code == 404


def test_a_manager_reopens_the_last_step_done(personas, ticket):
    client = client_for(personas.mia)
    first = current(ticket)
    client.post(reverse("sops:step_complete", args=[first.pk]), {f"step{first.pk}-checked": ["0"]})
    assert "Reopen" in page(personas.mia, ticket) and "Reopen" not in page(personas.alice, ticket)

    assert (
        client_for(personas.alice).post(reverse("sops:step_reopen", args=[first.pk])).status_code
        == 403
    )
    client.post(reverse("sops:step_reopen", args=[first.pk]))

    first.refresh_from_db()
    assert first.done_at is None
