"""Attachment downloads on the staff side: a permission check first, then always a download
with the stored type, the cleaned name and headers that stop sniffing and shared caching."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsbook.tickets import services

from . import views_helpers
from .views_helpers import PDF, client_for, other_team_ticket, pdf, ticket_for

world, media = views_helpers.world, views_helpers.media  # fixtures
pytestmark = pytest.mark.django_db


def download(attachment):
    return reverse("tickets:attachment", args=[attachment.pk])


@pytest.fixture
def attachment(personas, world, media):
    ticket = ticket_for(personas, world)
    services.do_reply(personas.alice, ticket, "见附件", files=[pdf("故障 报告.pdf")])
    return ticket.attachments.get()


def test_staff_download_a_file_as_an_attachment_with_safe_headers(personas, attachment):
    response = client_for(personas.bob).get(download(attachment))

    assert response.status_code == 200
    assert response.getvalue() == PDF  # the streamed file, joined
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%95%85%E9%9A%9C%20%E6%8A%A5%E5%91%8A.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_an_ascii_name_is_quoted(personas, world, media):
    ticket = ticket_for(personas, world)
    upload = SimpleUploadedFile('a"b.txt', b"plain text", content_type="text/html")
    services.do_add_attachments(personas.alice, ticket, [upload], public=False)
    attachment = ticket.attachments.get()

    response = client_for(personas.alice).get(download(attachment))

    assert response["Content-Type"] == "text/plain"  # the checked type, not the browser's
    assert response["Content-Disposition"] == 'attachment; filename="a\\"b.txt"'


def test_another_teams_agent_gets_not_found(personas, attachment):
    assert client_for(personas.charlie).get(download(attachment)).status_code == 404


def test_customers_get_not_found_here_even_for_their_own_tickets_files(personas, attachment):
    # Customers download through the portal; the staff address tells them nothing.
    assert client_for(personas.dana).get(download(attachment)).status_code == 404
    assert client_for(personas.carl).get(download(attachment)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(attachment):
    response = client_for().get(download(attachment))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_id_is_not_found(personas, attachment):
    address = reverse("tickets:attachment", args=[uuid.uuid4()])

    assert client_for(personas.mia).get(address).status_code == 404


def test_a_file_missing_from_storage_is_not_found(personas, attachment):
    attachment.file.delete(save=False)

    assert client_for(personas.mia).get(download(attachment)).status_code == 404


def test_managers_and_viewers_download_any_teams_files(personas, world, media):
    ticket = other_team_ticket(personas, world)
    services.do_add_attachments(personas.charlie, ticket, [pdf()], public=False)
    attachment = ticket.attachments.get()

    assert client_for(personas.mia).get(download(attachment)).status_code == 200
    assert client_for(personas.vera).get(download(attachment)).status_code == 200
    assert client_for(personas.alice).get(download(attachment)).status_code == 404
