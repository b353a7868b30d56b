"""An attacker's pass over routine work (issue 9): every page and API route for every role, ids
of other people's work in paths and bodies, work given to people who cannot do it, hostile words
and files, bodies over the limit, CSRF, and the coverage page's query count."""

import json
import sys

import pytest
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse

from opsbook.accounts.choices import Role
from opsbook.accounts.testing import make_user
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.models import Evidence, Occurrence
from opsbook.tickets.tests.factories import make_ticket

from . import ui_helpers
from .ui_helpers import NOW, PNG, TODAY, bearer, make_occurrence, png

media, scene = ui_helpers.media, ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def work(scene, personas, media):
    """Alice's open work with a file, and her finished work (for reopen)."""
    open_ = make_occurrence(scene.content, assignee=personas.alice, note=HOSTILE)
    done = make_occurrence(
        scene.content,
        assignee=personas.alice,
        status=OccurrenceStatus.DONE,
        completed_at=NOW,
        index=2,
    )
    evidence = Evidence(occurrence=open_, name="photo.png", content_type="image/png", size=len(PNG))
    evidence.file.save("photo.png", png(), save=False)
    evidence.save()
    return {"open": open_, "done": done, "evidence": evidence}


def state() -> list:
    rows = Occurrence.objects.values_list("pk", "status", "assignee_id", "note", "skip_reason")
    return [*rows.order_by("pk"), Evidence.objects.count()]


def _pages(scene, work) -> list[tuple[str, str, dict]]:
    o, d, e = work["open"].pk, work["done"].pk, work["evidence"].pk
    return [
        ("get", reverse("routines:list"), {}),
        ("get", reverse("routines:new"), {}),
        ("post", reverse("routines:new"), {"content": scene.on_demand.pk, "due_on": TODAY}),
        ("get", reverse("routines:coverage"), {}),
        ("get", reverse("routines:occurrence", args=[o]), {}),
        ("post", reverse("routines:complete", args=[o]), {"note": "pwned"}),
        ("post", reverse("routines:skip", args=[o]), {"reason": "pwned"}),
        ("post", reverse("routines:reopen", args=[d]), {"reason": "pwned"}),
        ("post", reverse("routines:reassign", args=[o]), {"assignee": scene.personas.bob.pk}),
        ("get", reverse("routines:evidence", args=[e]), {}),
    ]


def _alices_pages(scene, work) -> list[tuple[str, str, dict]]:
    """The routes naming Alice's work by id."""
    return [route for route in _pages(scene, work) if any(c.isdigit() for c in route[1])]


def _api_routes(scene, work) -> list[tuple[str, str, dict | None]]:
    o, d, e = work["open"].pk, work["done"].pk, work["evidence"].pk
    return [
        ("get", "/occurrences", None),
        ("get", f"/occurrences/{o}", None),
        ("post", f"/occurrences/{o}/complete", {"note": "pwned"}),
        ("post", f"/occurrences/{o}/skip", {"reason": "pwned"}),
        ("post", f"/occurrences/{d}/reopen", {"reason": "pwned"}),
        ("post", f"/occurrences/{o}/reassign", {"assignee": scene.personas.bob.pk}),
        ("post", "/occurrences", {"content": scene.on_demand.pk, "due_on": str(TODAY)}),
        ("get", f"/evidence/{e}", None),
        ("get", "/coverage", None),
    ]


def _call(user, method, path, payload):
    client = Client()
    headers = bearer(user) if user is not None else {}
    if method == "get":
        return client.get("/api/routines" + path, headers=headers)
    return client.post(
        "/api/routines" + path,
        json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


# --- who reaches what ---------------------------------------------------------------------------


def test_strangers_are_sent_to_the_login_page_everywhere(client, scene, work):
    before = state()
    for method, url, data in _pages(scene, work):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert state() == before


@pytest.mark.parametrize("who", ["dana", "carl"])
def test_customers_find_no_routine_page(client, personas, scene, work, who):
    client.force_login(getattr(personas, who))
    before = state()
    for method, url, data in _pages(scene, work):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "巡检机房" not in response.text
    assert state() == before


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("dana", 403), ("carl", 403)])
def test_every_routine_api_route_refuses_strangers_and_customers(
    personas, scene, work, who, expected
):
    """Aligned on the project's convention for staff-only routers (403, not 404)."""
    before = state()
    for method, path, payload in _api_routes(scene, work):
        response = _call(getattr(personas, who) if who else None, method, path, payload)
        assert response.status_code == expected, (method, path, response.status_code)
        assert "巡检机房" not in response.text
    assert state() == before


def test_an_outsider_agent_cannot_read_or_touch_alices_work(client, personas, scene, work):
    client.force_login(personas.charlie)
    before = state()
    for method, url, data in _alices_pages(scene, work):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    for method, path, payload in _api_routes(scene, work):
        if any(c.isdigit() for c in path):
            response = _call(personas.charlie, method, path, payload)
            assert response.status_code == 404, (method, path, response.status_code)
    listed = _call(personas.charlie, "get", "/occurrences", None).json()
    assert listed["count"] == 0
    assert "巡检机房" not in client.get(reverse("routines:list")).text
    assert _call(personas.charlie, "get", "/coverage", None).json()["total"]["planned"] == 0
    assert state() == before


def test_an_outsider_cannot_create_work_on_content_they_do_not_own(client, personas, scene):
    client.force_login(personas.charlie)
    response = client.post(
        reverse("routines:new"), {"content": scene.on_demand.pk, "due_on": TODAY}
    )
    assert response.status_code in (400, 403, 404)
    answer = _call(
        personas.charlie,
        "post",
        "/occurrences",
        {"content": scene.on_demand.pk, "due_on": str(TODAY)},
    )
    assert answer.status_code in (403, 404)
    assert not Occurrence.objects.exists()


def test_a_viewer_reads_but_cannot_write(client, personas, scene, work):
    client.force_login(personas.vera)
    before = state()
    for method, url, data in _pages(scene, work):
        response = getattr(client, method)(url, data)
        expected = 200 if method == "get" and url != reverse("routines:new") else 403
        assert response.status_code == expected, (method, url, response.status_code)
    for method, path, payload in _api_routes(scene, work):
        response = _call(personas.vera, method, path, payload)
        expected = 200 if method == "get" else 403
        assert response.status_code == expected, (method, path, response.status_code)
    assert state() == before


# --- ids in bodies ------------------------------------------------------------------------------


@pytest.fixture
def unfit(personas):
    """People work may never be given to."""
    return {
        "customer": personas.dana,
        "viewer": personas.vera,
        "inactive": make_user("gone", Role.AGENT, team=personas.support_team, is_active=False),
    }


@pytest.mark.parametrize("kind", ["customer", "viewer", "inactive"])
def test_work_is_never_reassigned_to_a_customer_a_viewer_or_a_former_colleague(
    client, personas, work, unfit, kind
):
    target = unfit[kind]
    occurrence = work["open"]
    client.force_login(personas.mia)
    response = client.post(
        reverse("routines:reassign", args=[occurrence.pk]), {"assignee": target.pk}
    )
    assert response.status_code == 400
    answer = _call(
        personas.mia, "post", f"/occurrences/{occurrence.pk}/reassign", {"assignee": target.pk}
    )
    assert answer.status_code == 422
    occurrence.refresh_from_db()
    assert occurrence.assignee_id == personas.alice.pk


@pytest.mark.parametrize("kind", ["customer", "viewer", "inactive"])
def test_new_work_is_never_given_to_a_customer_a_viewer_or_a_former_colleague(
    client, personas, scene, unfit, kind
):
    target = unfit[kind]
    client.force_login(personas.alice)
    response = client.post(
        reverse("routines:new"),
        {"content": scene.on_demand.pk, "due_on": TODAY, "assignee": target.pk},
    )
    assert response.status_code == 400
    answer = _call(
        personas.alice,
        "post",
        "/occurrences",
        {"content": scene.on_demand.pk, "due_on": str(TODAY), "assignee": target.pk},
    )
    assert answer.status_code == 422
    assert not Occurrence.objects.exists()


def test_work_cannot_be_made_from_a_ticket_the_user_does_not_see(client, personas, scene):
    """Charlie's ticket, named by id in the form and the body: not found, nothing created."""
    ticket = make_ticket(personas.charlie, scene.other_item, team=personas.tech_team)
    client.force_login(personas.alice)
    url = reverse("routines:new")
    assert client.get(url, {"ticket": ticket.pk}).status_code == 404
    data = {"ticket": ticket.pk, "content": scene.on_demand.pk, "due_on": TODAY}
    assert client.post(url, data).status_code == 404
    answer = _call(
        personas.alice,
        "post",
        "/occurrences",
        {"ticket": ticket.pk, "content": scene.on_demand.pk, "due_on": str(TODAY)},
    )
    assert answer.status_code == 404
    assert not Occurrence.objects.exists()


def test_work_from_a_ticket_takes_only_content_of_the_tickets_service(client, personas, scene):
    """A ticket about the machine room cannot carry work of Charlie's network content."""
    ticket = make_ticket(personas.alice, scene.item, team=personas.support_team)
    client.force_login(personas.mia)
    response = client.post(
        reverse("routines:new"),
        {"ticket": ticket.pk, "content": scene.other_content.pk, "due_on": TODAY},
    )
    assert response.status_code == 400
    answer = _call(
        personas.mia,
        "post",
        "/occurrences",
        {"ticket": ticket.pk, "content": scene.other_content.pk, "due_on": str(TODAY)},
    )
    assert answer.status_code in (400, 422)
    assert not Occurrence.objects.exists()


@pytest.mark.parametrize("pk", ["0", "-1", "99999999999999999999", "abc"])
def test_ids_out_of_range_or_not_numbers_are_not_found(client, personas, pk):
    client.force_login(personas.mia)
    assert client.get(f"/routines/occurrences/{pk}/").status_code == 404
    assert client.get("/routines/evidence/not-a-uuid/").status_code == 404
    assert client.get(reverse("routines:new"), {"ticket": pk, "item": pk}).status_code in (
        200,
        404,
    )
    assert _call(personas.mia, "get", f"/occurrences/{pk}", None).status_code in (404, 422)


# --- hostile words and files --------------------------------------------------------------------


def test_notes_reasons_and_names_are_text_on_every_page(client, personas, scene, work):
    client.force_login(personas.alice)
    response = client.post(reverse("routines:skip", args=[work["open"].pk]), {"reason": HOSTILE})
    assert response.status_code == 302
    scene.content.name = HOSTILE[:100]
    scene.content.save(update_fields=["name"])
    for url in (
        reverse("routines:occurrence", args=[work["open"].pk]),
        reverse("routines:list") + "?status=all",
        reverse("routines:coverage"),
    ):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url


def test_evidence_is_always_a_download_that_is_never_sniffed(client, personas, work):
    client.force_login(personas.alice)
    for response in (
        client.get(reverse("routines:evidence", args=[work["evidence"].pk])),
        _call(personas.alice, "get", f"/evidence/{work['evidence'].pk}", None),
    ):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("image.svg", b"<svg onload=alert(1)>"),
        ("photo.png", b"<script>alert(1)</script>"),  # not a PNG at all
    ],
)
def test_files_that_would_run_in_a_browser_are_refused(client, personas, work, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.alice)
    response = client.post(
        reverse("routines:complete", args=[work["open"].pk]),
        {"files": [SimpleUploadedFile(name, data, content_type="text/html")]},
    )
    assert response.status_code == 400
    assert Evidence.objects.count() == 1
    work["open"].refresh_from_db()
    assert work["open"].status == OccurrenceStatus.OPEN


# --- bodies over the limit ----------------------------------------------------------------------


class Unreadable:
    """A request body that must not be read."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


def _post_announcing(user, path: str, length: int):
    """POST ``path`` as ``user`` announcing ``length`` bytes it never sends, CSRF checked."""
    client = Client()
    client.force_login(user)
    client.get("/accounts/login/")
    cookies = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookies,
        "CONTENT_TYPE": "multipart/form-data; boundary=opsbook",
        "CONTENT_LENGTH": str(length),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": Unreadable(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    return ClientHandler(enforce_csrf_checks=True)(environ)


def test_completing_with_files_over_the_limit_is_413_before_the_body_is_read(
    personas, work, settings
):
    """Found: the complete page had no ``body_limit``, so a body up to the site-wide limit
    (the 20 MB of an import) was read and spooled before the 10 MB attachment check."""
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    over = settings.ATTACHMENT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    path = reverse("routines:complete", args=[work["open"].pk])
    response = _post_announcing(personas.alice, path, over)
    assert response.status_code == 413
    work["open"].refresh_from_db()
    assert work["open"].status == OccurrenceStatus.OPEN


def test_the_api_refuses_files_over_the_limit_before_reading_them(personas, work, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    environ_client = Client()
    response = environ_client.generic(
        "POST",
        f"/api/routines/occurrences/{work['open'].pk}/complete",
        b"",
        headers=bearer(personas.alice),
        CONTENT_TYPE="multipart/form-data; boundary=opsbook",
        CONTENT_LENGTH=str(3 * 1024 * 1024 + 1),
        **{"wsgi.input": Unreadable()},  # type: ignore[arg-type]
    )
    assert response.status_code == 413


# --- CSRF ---------------------------------------------------------------------------------------


def test_every_routine_post_needs_the_csrf_token(personas, scene, work):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.mia)
    before = state()
    for method, url, data in _pages(scene, work):
        if method == "post":
            response = client.post(url, data, headers={"HX-Request": "true"})
            assert response.status_code == 403, url
    assert state() == before


# --- query counts -------------------------------------------------------------------------------


def test_the_coverage_page_takes_the_same_queries_for_few_or_many(
    client, personas, scene, django_assert_max_num_queries
):
    client.force_login(personas.mia)
    for index in range(3):
        make_occurrence(scene.content, assignee=personas.alice, index=index + 1)
    client.get(reverse("routines:coverage"))
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("routines:coverage"))
    for index in range(3, 30):
        make_occurrence(
            scene.other_content if index % 2 else scene.content,
            assignee=personas.bob if index % 3 else personas.charlie,
            index=index + 1,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("routines:coverage")).status_code == 200
