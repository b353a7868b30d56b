"""Exporting the ticket list from its page: the list's total, the filters and scope the user
sees, formula-safe cells in both formats, and large exports as a background job whose file
only its owner downloads until it expires."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from opsbook.core import clock
from opsbook.jobs.testing import run_queued_tasks
from opsbook.tickets import jobs
from opsbook.tickets.choices import ExportState
from opsbook.tickets.models import ExportJob, Ticket

from . import views_helpers
from .views_helpers import client_for, other_team_ticket, ticket_for

world = views_helpers.world  # fixture
media = views_helpers.media  # fixture
LIST = reverse("tickets:list")
EXPORT = reverse("tickets:export")
pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(_body(response)))
    return book.get_sheet_by_index(0).to_python()


# --- the total on the list ----------------------------------------------------------------------


def test_the_list_shows_how_many_tickets_match(personas, world):
    for n in range(3):
        ticket_for(personas, world, title=f"工单{n}")
    other_team_ticket(personas, world)

    everything = client_for(personas.mia).get(LIST, {"per_page": 2}).text
    mine = client_for(personas.alice).get(LIST).text

    assert "4 tickets in all" in everything
    assert "3 tickets in all" in mine


def test_past_the_limit_the_total_is_labelled_as_an_estimate(personas, world, settings):
    settings.OPSBOOK_TICKET_COUNT_LIMIT = 2
    for n in range(4):
        ticket_for(personas, world, title=f"工单{n}")

    page = client_for(personas.mia).get(LIST).text

    assert "tickets in all" not in page
    if connection.vendor == "postgresql":
        assert "(estimate)" in page or "more than 2 tickets" in page
    else:
        assert "more than 2 tickets" in page


def test_the_total_counts_no_further_than_the_limit(personas, world, settings):
    settings.OPSBOOK_TICKET_COUNT_LIMIT = 2
    ticket_for(personas, world)

    with CaptureQueriesContext(connection) as captured:
        client_for(personas.mia).get(LIST)

    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 3" in counts[0]


def test_the_export_buttons_keep_the_filters_of_the_list(personas, world):
    page = client_for(personas.mia).get(LIST, {"channel": "phone", "per_page": "5"}).text

    assert f'href="{EXPORT}?channel=phone&amp;format=xlsx"' in page
    assert f'href="{EXPORT}?channel=phone&amp;format=csv"' in page


# --- what an export holds -----------------------------------------------------------------------


def test_an_export_holds_the_filtered_list_with_its_columns(personas, world):
    ticket_for(personas, world, title="电话来的", channel="phone")
    ticket_for(personas, world, title="邮件来的", channel="email")

    response = client_for(personas.mia).get(EXPORT, {"channel": "phone", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    rows = csv_rows(response)
    assert rows[0][:6] == ["No.", "Title", "Type", "Channel", "Priority", "Status"]
    assert "Rating" in rows[0] and "Response breached" in rows[0]
    assert [row[1] for row in rows[1:]] == ["电话来的"]
    assert rows[1][3] == "Phone"
    assert rows[1][6] == "SVC-HOT 热线电话服务" and rows[1][7] == "星火教育"


def test_times_are_in_the_users_time_zone(personas, world):
    ticket = ticket_for(personas, world)
    personas.mia.time_zone = "Europe/Berlin"
    personas.mia.save()
    berlin = ticket.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))

    rows = csv_rows(client_for(personas.mia).get(EXPORT, {"format": "csv"}))

    created = rows[0].index("Created")
    assert rows[1][created] == berlin.strftime("%Y-%m-%d %H:%M")


def test_an_agent_exports_only_what_their_list_shows(personas, world):
    ticket_for(personas, world, title="我们的")
    other_team_ticket(personas, world, title="别人的")

    rows = csv_rows(client_for(personas.alice).get(EXPORT, {"format": "csv"}))
    outsider = csv_rows(client_for(personas.charlie).get(EXPORT, {"format": "csv"}))

    assert [row[1] for row in rows[1:]] == ["我们的"]
    assert [row[1] for row in outsider[1:]] == ["别人的"]


def test_customer_contacts_cannot_use_the_staff_export(personas, world):
    ticket_for(personas, world)

    response = client_for(personas.dana).get(EXPORT, {"format": "csv"})

    assert response.status_code == 404


def test_text_that_looks_like_a_formula_is_written_as_text(personas, world):
    for title in ('=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "普通"):
        ticket_for(personas, world, title=title)
    client = client_for(personas.mia)

    in_csv = {row[1] for row in csv_rows(client.get(EXPORT, {"format": "csv"}))[1:]}
    in_xlsx = {row[1] for row in xlsx_rows(client.get(EXPORT, {"format": "xlsx"}))[1:]}

    expected = {'\'=HYPERLINK("http://x")', "'+1+1", "'-2", "'@SUM(A1)", "普通"}
    assert in_csv == expected
    assert in_xlsx == expected


def test_a_workbook_has_numbers_and_times_as_such(personas, world):
    ticket = ticket_for(personas, world)
    Ticket.objects.filter(pk=ticket.pk).update(rating=4, response_business_seconds=600)

    rows = xlsx_rows(client_for(personas.mia).get(EXPORT, {"format": "xlsx"}))

    header = rows[0]
    row = dict(zip(header, rows[1], strict=True))
    assert row["No."] == ticket.pk
    assert row["Rating"] == 4
    assert row["Response time (business minutes)"] == 10
    assert row["Created"].year == ticket.created_at.year


def test_a_bad_filter_is_left_out_as_the_list_leaves_it_out(personas, world):
    ticket_for(personas, world, title="一")

    rows = csv_rows(client_for(personas.mia).get(EXPORT, {"format": "csv", "status": "bogus"}))

    assert [row[1] for row in rows[1:]] == ["一"]


# --- large exports: a background job ------------------------------------------------------------


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a background export from the page; its job is enqueued after the commit."""

    def post(client, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(EXPORT, data)

    return post


def _large(settings, personas, world, count=3):
    settings.OPSBOOK_TICKET_EXPORT_DIRECT_ROWS = 2
    for n in range(count):
        ticket_for(personas, world, title=f"工单{n}", channel="phone")


def test_a_large_export_is_offered_as_a_background_job_without_writing_anything(
    personas, world, settings
):
    _large(settings, personas, world)

    response = client_for(personas.mia).get(EXPORT, {"format": "xlsx", "channel": "phone"})

    assert response.status_code == 200
    assert "more than 2 tickets" in response.text
    assert 'name="channel" value="phone"' in response.text
    assert not ExportJob.objects.exists()


def test_a_background_export_shows_its_progress_and_gives_its_owner_the_file(
    personas, world, settings, media, database_tasks, start
):
    _large(settings, personas, world)
    other_team_ticket(personas, world, title="别的渠道", channel="email")
    client = client_for(personas.mia)

    started = start(client, format="csv", channel="phone")
    job = ExportJob.objects.get()
    queued = client.get(started["Location"], headers={"HX-Request": "true"}).text
    run_queued_tasks()
    job.refresh_from_db()
    done = client.get(started["Location"], headers={"HX-Request": "true"}).text
    download = client.get(reverse("tickets:export_download", args=[job.pk]))

    assert started["Location"] == reverse("tickets:export_job", args=[job.pk])
    assert job.owner == personas.mia and job.query == "channel=phone"
    assert 'hx-trigger="every 2s"' in queued and "Waiting for a worker" in queued
    assert job.state == ExportState.DONE and job.rows_done == job.rows_total == 3
    assert "every 2s" not in done and "Ready: 3 tickets." in done
    assert download["Content-Disposition"].startswith("attachment;")
    assert [row[1] for row in csv_rows(download)[1:]] == ["工单2", "工单1", "工单0"]


def test_the_job_reports_progress_while_it_writes(
    personas, world, settings, media, monkeypatch, start
):
    _large(settings, personas, world, count=5)
    seen = []
    original = jobs.export.write_csv

    def watching(rows, out, on_progress=None):
        def progress(done):
            on_progress(done)
            seen.append(ExportJob.objects.values_list("rows_done", "rows_total").get())

        original(rows, out, progress)

    monkeypatch.setattr(jobs.export, "write_csv", watching)
    start(client_for(personas.mia), format="csv")

    assert seen and seen[-1] == (5, 5)


def test_someone_else_gets_not_found_for_an_export(personas, world, settings, media, start):
    _large(settings, personas, world)
    start(client_for(personas.mia), format="xlsx")
    job = ExportJob.objects.get()
    erin = client_for(personas.erin)

    assert job.state == ExportState.DONE
    assert erin.get(reverse("tickets:export_job", args=[job.pk])).status_code == 404
    assert erin.get(reverse("tickets:export_download", args=[job.pk])).status_code == 404
    mine = client_for(personas.mia).get(reverse("tickets:export_download", args=[job.pk]))
    assert mine.status_code == 200 and xlsx_rows(mine)[0][0] == "No."


def test_an_agents_background_export_holds_only_their_scope(
    personas, world, settings, media, start
):
    _large(settings, personas, world)
    other_team_ticket(personas, world, title="别人的", channel="phone")
    client = client_for(personas.alice)

    start(client, format="csv")
    job = ExportJob.objects.get()
    rows = csv_rows(client.get(reverse("tickets:export_download", args=[job.pk])))

    assert "别人的" not in {row[1] for row in rows}
    assert len(rows) == 4


def test_expired_exports_lose_their_file(personas, world, settings, media, start):
    _large(settings, personas, world)
    client = client_for(personas.mia)
    start(client, format="csv")
    job = ExportJob.objects.get()
    stored = media / job.file.name
    assert stored.exists()

    later = clock.now() + timedelta(hours=settings.OPSBOOK_TICKET_EXPORT_KEEP_HOURS, seconds=1)
    assert jobs.delete_expired_exports(later) == 1
    assert jobs.delete_expired_exports(later) == 0

    job.refresh_from_db()
    assert job.state == ExportState.EXPIRED and not job.file
    assert not stored.exists()
    assert client.get(reverse("tickets:export_download", args=[job.pk])).status_code == 404
    assert "has expired" in client.get(reverse("tickets:export_job", args=[job.pk])).text


def test_a_job_claimed_once_is_not_run_twice(
    personas, world, settings, media, database_tasks, start
):
    _large(settings, personas, world)
    start(client_for(personas.mia), format="csv")
    job = ExportJob.objects.get()

    assert jobs.export_tickets(str(job.pk)) is True
    assert jobs.export_tickets(str(job.pk)) is False
