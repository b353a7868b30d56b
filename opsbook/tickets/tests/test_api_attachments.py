"""Files through the API: checked on the way in (size → 413, type and content → 422), stored
under random names, served only as downloads after the permission check."""

from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.tickets.models import Attachment

from . import api_helpers
from .api_helpers import PNG, api_as, error_fields, png

media, world = api_helpers.media, api_helpers.world  # fixtures


def upload_path(ticket):
    return f"/tickets/{ticket.pk}/attachments"


def test_a_file_is_stored_under_a_random_name_and_downloaded_as_an_attachment(
    personas, world, media
):
    api = api_as(personas.dana)
    response = api.upload(upload_path(world.ticket_a), {"file": png("../../etc/截图.png")})
    assert response.status_code == 201, response.content
    [row] = response.json()
    assert row["name"] == "截图.png"
    assert row["content_type"] == "image/png"
    assert row["size"] == len(PNG)
    assert row["public"] is True
    assert row["url"] == f"/api/tickets/{world.ticket_a.pk}/attachments/{row['id']}"
    stored = Attachment.objects.get(pk=row["id"])
    stored_name = stored.file.name
    assert stored_name is not None
    assert "截图" not in stored_name and stored_name.endswith(".png")

    download = api.client.get("/api" + row["url"].removeprefix("/api"), headers=api.headers)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/png"
    assert download.streaming and download.getvalue() == PNG


def test_several_files_at_once_and_internal_files_for_staff(personas, world):
    response = api_as(personas.alice).upload(
        upload_path(world.ticket_a),
        {"file": [png("一.png"), SimpleUploadedFile("二.txt", "日志".encode())]},
        {"public": "false"},
    )
    assert response.status_code == 201, response.content
    assert [(r["name"], r["public"]) for r in response.json()] == [
        ("一.png", False),
        ("二.txt", False),
    ]


def test_a_customer_cannot_upload_internal_files(personas, world):
    response = api_as(personas.dana).upload(
        upload_path(world.ticket_a), {"file": png()}, {"public": "false"}
    )
    assert response.json()[0]["public"] is True


def test_a_file_over_the_limit_is_a_413(personas, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = api_as(personas.alice).upload(
        upload_path(world.ticket_a), {"file": png(data=PNG + b"\x00" * 2048)}
    )
    assert response.status_code == 413
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    assert not Attachment.objects.exists()


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(personas, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    api = api_as(personas.alice)
    response = api.client.post(
        f"/api{upload_path(world.ticket_a)}",
        b"x" * 10,
        content_type="multipart/form-data; boundary=zzz",
        headers={**api.headers, "Content-Length": str(10 * 1024 * 1024)},
    )
    assert response.status_code == 413


def test_active_content_and_lying_names_are_refused(personas, world):
    api = api_as(personas.alice)
    cases = [
        SimpleUploadedFile("page.html", b"<script>alert(1)</script>"),
        SimpleUploadedFile("logo.svg", b"<svg onload=alert(1)>"),
        SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>"),
        SimpleUploadedFile("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>"),
        SimpleUploadedFile("tool.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("empty.txt", b""),
    ]
    for upload in cases:
        response = api.upload(upload_path(world.ticket_a), {"file": upload})
        assert error_fields(response) == {"file"}, upload.name
    assert not Attachment.objects.exists()


def test_one_bad_file_refuses_the_whole_upload(personas, world):
    response = api_as(personas.alice).upload(
        upload_path(world.ticket_a),
        {"file": [png(), SimpleUploadedFile("x.svg", b"<svg/>")]},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file", 1]
    assert not Attachment.objects.exists()


def test_an_upload_without_files_is_a_422(personas, world):
    response = api_as(personas.alice).upload(upload_path(world.ticket_a), {}, {"public": "true"})
    assert error_fields(response) == {"file"}


def test_a_missing_stored_file_is_a_404_not_a_crash(personas, world):
    [row] = api_as(personas.alice).upload(upload_path(world.ticket_a), {"file": png()}).json()
    attachment = Attachment.objects.get(pk=row["id"])
    assert attachment.file.name is not None
    attachment.file.storage.delete(attachment.file.name)
    api = api_as(personas.alice)
    assert api.get(f"/tickets/{world.ticket_a.pk}/attachments/{row['id']}").status_code == 404
