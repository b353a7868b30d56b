"""Operators see the schedule claims and task results on the admin site, read-only."""

from datetime import UTC, datetime

from django.test import Client

from opsbook.jobs.models import ScheduleClaim, WorkerHeartbeat


def test_an_administrator_sees_which_scheduler_took_each_slot_but_cannot_edit(personas):
    ScheduleClaim.objects.create(
        schedule="opsbook.jobs.jobs.prune_task_results",
        slot=datetime(2026, 11, 22, 19, 30, tzinfo=UTC),
        claimed_by="ops-1:4242:abc123",
        task_result_id="795da48f-6a7d-4dff-b35d-1bd8bf982db9",
    )
    erin = personas.erin
    erin.is_superuser = True
    erin.save()
    client = Client()
    client.force_login(erin)

    listing = client.get("/admin/jobs/scheduleclaim/")

    assert listing.status_code == 200
    assert "ops-1:4242:abc123" in listing.text
    assert client.get("/admin/jobs/scheduleclaim/add/").status_code == 403
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 200


def test_an_administrator_sees_the_workers_and_their_last_heartbeat_read_only(personas):
    WorkerHeartbeat.objects.create(
        worker_id="ops-2-1",
        hostname="ops-2",
        pid=4242,
        started_at=datetime(2026, 11, 22, 19, 0, tzinfo=UTC),
        beat_at=datetime(2026, 11, 22, 19, 30, tzinfo=UTC),
    )
    erin = personas.erin
    erin.is_superuser = True
    erin.save()
    client = Client()
    client.force_login(erin)

    listing = client.get("/admin/jobs/workerheartbeat/")

    assert listing.status_code == 200
    assert "ops-2-1" in listing.text
    assert client.get("/admin/jobs/workerheartbeat/add/").status_code == 403
