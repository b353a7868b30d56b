"""An attacker's pass over procedures (SOPs) and their runs (issue 9): every page and API route
for every role, step ids of another run, hostile names and checklist points, evidence files,
``next`` redirects and CSRF. Here, not in sops/tests, because the runs are held by tickets (the
sops app may not import the tickets app)."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opsbook.catalog.testing import make_item
from opsbook.sops import services
from opsbook.sops.models import Procedure, Run, StepRun
from opsbook.sops.testing import make_procedure, step
from opsbook.sops.tests.helpers import PDF, Api, client_for
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(personas, media):
    """A run held by a ticket of Alice's team, its first step done with a file, and a run of
    the same procedure held by a ticket of Charlie's team."""
    procedure = make_procedure(
        "投诉处理流程",
        steps=[
            step("受理登记"),
            step(HOSTILE[:100], checklist=[HOSTILE, "记录满意度"]),
            step("回访确认"),
        ],
    )
    item = make_item(personas.alice, name="机房巡检", code="SVC-1")

    def held(team, title):
        run = services.do_start_run(procedure, calendar=None, now=NOW)
        ticket = make_ticket(personas.mia, item, title=title, team=team)
        Ticket.objects.filter(pk=ticket.pk).update(sop_run=run)
        return run

    alices = held(personas.support_team, "客服部工单")
    charlies = held(personas.tech_team, "技术部工单")
    first = alices.step_runs.order_by("step__position")[0]
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    services.do_complete_step(personas.mia, first, note=HOSTILE, file=upload, now=NOW)
    return {
        "procedure": procedure,
        "run": alices,
        "done": first,
        "current": alices.step_runs.order_by("step__position")[1],
        "other_run": charlies,
        "other_step": charlies.step_runs.order_by("step__position")[0],
    }


def state() -> list:
    return [
        list(Procedure.objects.values_list("pk", "name", "is_active").order_by("pk")),
        list(StepRun.objects.values_list("pk", "done_at", "note", "checked").order_by("pk")),
        list(Run.objects.values_list("pk", "completed_at").order_by("pk")),
    ]


def _manager_pages(world) -> list[tuple[str, str, dict]]:
    p = world["procedure"].pk
    return [
        ("get", reverse("sops:new"), {}),
        ("post", reverse("sops:new"), {"name": "x"}),
        ("get", reverse("sops:edit", args=[p]), {}),
        ("post", reverse("sops:edit", args=[p]), {"name": "pwned"}),
        ("post", reverse("sops:active", args=[p]), {"active": "0"}),
    ]


def _read_pages(world) -> list[tuple[str, str, dict]]:
    p = world["procedure"].pk
    return [
        ("get", reverse("sops:list"), {}),
        ("get", reverse("sops:detail", args=[p]), {}),
        ("get", reverse("sops:version", args=[p, 1]), {}),
    ]


def _run_pages(world) -> list[tuple[str, str, dict]]:
    run, done, current = world["run"].pk, world["done"].pk, world["current"].pk
    return [
        ("get", reverse("sops:run", args=[run]), {}),
        ("post", reverse("sops:step_complete", args=[current]), {}),
        ("post", reverse("sops:step_reopen", args=[done]), {}),
        ("get", reverse("sops:step_file", args=[done]), {}),
    ]


def _api_routes(world) -> list[tuple[str, str, dict | None]]:
    p, run, current = world["procedure"].pk, world["run"].pk, world["current"].pk
    return [
        ("get", "/procedures", None),
        ("get", f"/procedures/{p}", None),
        ("post", "/procedures", {"name": "x", "steps": [{"name": "a"}]}),
        ("patch", f"/procedures/{p}", {"name": "pwned"}),
        ("get", f"/runs/{run}", None),
        ("post", f"/runs/{run}/steps/{current}/complete", {"note": "pwned"}),
    ]


def _call(user, method, path, payload):
    if user is None:
        client = Client()
        if method == "get":
            return client.get("/api/sops" + path)
        return getattr(client, method)("/api/sops" + path, "{}", content_type="application/json")
    api = Api(user)
    return api.get(path) if method == "get" else api.send(method, path, payload)


def _all_pages(world):
    return _read_pages(world) + _manager_pages(world) + _run_pages(world)


# --- who reaches what ---------------------------------------------------------------------------


def test_strangers_are_sent_to_the_login_page_everywhere(client, world):
    before = state()
    for method, url, data in _all_pages(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert state() == before


@pytest.mark.parametrize("who", ["dana", "carl"])
def test_customers_find_no_procedure_page(personas, world, who):
    client = client_for(getattr(personas, who))
    before = state()
    for method, url, data in _all_pages(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "投诉处理流程" not in response.text
    assert state() == before


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("dana", 403), ("carl", 403)])
def test_every_sop_api_route_refuses_strangers_and_customers(personas, world, who, expected):
    before = state()
    for method, path, payload in _api_routes(world):
        response = _call(getattr(personas, who) if who else None, method, path, payload)
        assert response.status_code == expected, (method, path, response.status_code)
        assert "投诉处理流程" not in response.text
    assert state() == before


@pytest.mark.parametrize("who", ["alice", "charlie", "vera"])
def test_only_managers_create_edit_or_deactivate_procedures(personas, world, who):
    client = client_for(getattr(personas, who))
    before = state()
    for method, url, data in _manager_pages(world):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    for method, path, payload in _api_routes(world)[2:4]:
        assert _call(getattr(personas, who), method, path, payload).status_code == 403, path
    assert state() == before


def test_an_outsider_agent_cannot_read_or_work_alices_run(personas, world):
    client = client_for(personas.charlie)
    before = state()
    for method, url, data in _run_pages(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    for method, path, payload in _api_routes(world)[4:]:
        response = _call(personas.charlie, method, path, payload)
        assert response.status_code == 404, (method, path, response.status_code)
    assert state() == before


def test_a_viewer_reads_the_run_but_completes_and_reopens_nothing(personas, world):
    client = client_for(personas.vera)
    before = state()
    assert client.get(reverse("sops:run", args=[world["run"].pk])).status_code == 200
    current, done = world["current"].pk, world["done"].pk
    assert client.post(reverse("sops:step_complete", args=[current]), {}).status_code == 403
    assert client.post(reverse("sops:step_reopen", args=[done]), {}).status_code == 403
    run = world["run"].pk
    answer = _call(personas.vera, "post", f"/runs/{run}/steps/{current}/complete", {"note": "x"})
    assert answer.status_code == 403
    assert state() == before


def test_an_agent_of_the_team_completes_but_cannot_reopen(personas, world):
    client = client_for(personas.bob)
    assert client.post(reverse("sops:step_reopen", args=[world["done"].pk])).status_code == 403
    response = client.post(
        reverse("sops:step_complete", args=[world["current"].pk]),
        {f"step{world['current'].pk}-checked": ["0", "1"]},
    )
    assert response.status_code == 302
    world["current"].refresh_from_db()
    assert world["current"].done_at is not None


# --- ids in paths and bodies --------------------------------------------------------------------


def test_a_step_of_another_run_cannot_be_completed_through_a_run_one_sees(personas, world):
    """Alice sees her run; the step id of Charlie's run under it is not found, and stays open."""
    run, other = world["run"].pk, world["other_step"].pk
    answer = _call(personas.alice, "post", f"/runs/{run}/steps/{other}/complete", {"note": "x"})
    assert answer.status_code == 404
    world["other_step"].refresh_from_db()
    assert world["other_step"].done_at is None


def test_checklist_points_that_do_not_exist_are_refused(personas, world):
    client = client_for(personas.alice)
    current = world["current"]
    response = client.post(
        reverse("sops:step_complete", args=[current.pk]),
        {f"step{current.pk}-checked": ["0", "1", "7"]},
    )
    assert response.status_code == 400
    answer = _call(
        personas.alice,
        "post",
        f"/runs/{world['run'].pk}/steps/{current.pk}/complete",
        {"checked": [0, 1, -1, 99]},
    )
    assert answer.status_code == 422
    current.refresh_from_db()
    assert current.done_at is None


def test_a_procedure_cannot_be_attached_to_items_that_do_not_exist(personas, world):
    answer = _call(
        personas.mia,
        "patch",
        f"/procedures/{world['procedure'].pk}",
        {"item_ids": [2**40], "content_ids": [2**40]},
    )
    assert answer.status_code == 422
    assert not world["procedure"].items.exists()


# --- hostile words, files and redirects ---------------------------------------------------------


def test_step_names_checklist_points_and_notes_are_text(personas, world):
    client = client_for(personas.alice)
    for url in (
        reverse("sops:run", args=[world["run"].pk]),
        reverse("sops:detail", args=[world["procedure"].pk]),
        reverse("sops:version", args=[world["procedure"].pk, 1]),
    ):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url


def test_a_steps_file_is_always_a_download_that_is_never_sniffed(personas, world):
    response = client_for(personas.alice).get(reverse("sops:step_file", args=[world["done"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        client_for(personas.charlie)
        .get(reverse("sops:step_file", args=[world["done"].pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "report.pdf.html", "report.pdf"])
def test_files_a_browser_would_run_are_refused(personas, world, name):
    client = client_for(personas.alice)
    current = world["current"]
    data = b"<script>alert(1)</script>"  # not a PDF either
    response = client.post(
        reverse("sops:step_complete", args=[current.pk]),
        {
            f"step{current.pk}-checked": ["0", "1"],
            f"step{current.pk}-file": SimpleUploadedFile(name, data, content_type="text/html"),
        },
    )
    assert response.status_code == 400
    current.refresh_from_db()
    assert current.done_at is None and not current.attachment


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_completing_a_step_never_redirects_off_the_site(personas, world, target):
    current = world["current"]
    response = client_for(personas.alice).post(
        reverse("sops:step_complete", args=[current.pk]),
        {f"step{current.pk}-checked": ["0", "1"], "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sops:run", args=[world["run"].pk])


def test_every_sop_post_needs_the_csrf_token(personas, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.erin)
    before = state()
    for method, url, data in _all_pages(world):
        if method == "post":
            response = client.post(url, data, headers={"HX-Request": "true"})
            assert response.status_code == 403, url
    assert state() == before


def test_the_procedure_list_takes_the_same_queries_for_few_or_many(
    personas, django_assert_max_num_queries
):
    for n in range(3):
        make_procedure(f"流程{n}")
    client = client_for(personas.alice)
    client.get(reverse("sops:list"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("sops:list"))
    for n in range(3, 25):
        make_procedure(f"流程{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("sops:list")).status_code == 200
