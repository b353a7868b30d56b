"""Exporting the ticket list through the API: the caller's scope and filters, the portal's
columns for customer contacts, large exports in the background, files for their owner only."""

import csv
import io

import pytest

from opsbook.tickets.models import ExportJob

from .api_helpers import api_as, error_fields, media, world

__all__ = ["media", "world"]
pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def in_english(user):
    """An API client asking for English (the headers asserted below are the English ones)."""
    api = api_as(user)
    api.headers["Accept-Language"] = "en"
    return api


def test_staff_export_the_filtered_list_as_csv(personas, world):
    response = in_english(personas.mia).get("/tickets/export", format="csv", q="打印机")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = rows_of(response)
    assert [row[1] for row in rows[1:]] == ["明远学校：打印机故障"]
    assert "Assignee" in rows[0] and "Team" in rows[0]


def test_a_customer_contact_exports_their_organisations_tickets_with_the_portals_columns(
    personas, world
):
    rows = rows_of(in_english(personas.dana).get("/tickets/export", format="csv"))

    assert [row[1] for row in rows[1:]] == ["星火教育：无法登录"]
    assert not {"Assignee", "Team", "Channel", "Priority", "Response due"} & set(rows[0])
    assert rows[1][rows[0].index("Service item")] == "热线电话服务"


def test_a_customer_contact_cannot_export_by_a_staff_filter(personas, world):
    response = api_as(personas.dana).get("/tickets/export", format="csv", assignee="me")

    assert response.status_code == 422
    assert error_fields(response) == {"assignee"}


def test_an_unknown_format_or_filter_is_a_422(personas, world):
    client = api_as(personas.mia)

    assert error_fields(client.get("/tickets/export", format="pdf")) == {"format"}
    assert error_fields(client.get("/tickets/export", status="bogus")) == {"status"}


def test_a_large_export_is_refused_at_once_and_runs_in_the_background(
    personas, world, settings, django_capture_on_commit_callbacks
):
    settings.OPSBOOK_TICKET_EXPORT_DIRECT_ROWS = 1
    client = api_as(personas.mia)

    refused = client.get("/tickets/export", format="csv")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/tickets/export?format=csv&q=%E5%AD%A6%E6%A0%A1")
    status = client.get(f"/tickets/exports/{started.json()['id']}")
    download = client.client.get(status.json()["download"], headers=client.headers)

    assert refused.status_code == 409 and "POST" in refused.json()["detail"]
    assert started.status_code == 202 and started.json()["state"] == "queued"
    assert ExportJob.objects.get().query == "q=%E5%AD%A6%E6%A0%A1"
    assert status.json()["state"] == "done" and status.json()["rows_done"] == 1
    assert [row[1] for row in rows_of(download)[1:]] == ["明远学校：打印机故障"]


def test_another_persons_export_is_not_found(personas, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = api_as(personas.mia).post("/tickets/export?format=xlsx").json()["id"]
    other = api_as(personas.erin)

    assert other.get(f"/tickets/exports/{job_id}").status_code == 404
    assert other.get(f"/tickets/exports/{job_id}/file").status_code == 404
    assert other.get("/tickets/exports/not-a-uuid").status_code == 422
