"""The permission matrix of the tickets API: every route × anonymous, customer A (the ticket's
organisation), customer B, an agent of another team and an administrator."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.tickets import services

from . import api_helpers
from .api_helpers import ApiClient, api_as, png, resolve

media, world = api_helpers.media, api_helpers.world  # fixtures


def _upload(api, path):
    return api.upload(path, {"file": png()})


# (method, path, payload or None); {t} is ticket A (resolved), {f} a public file of it.
ROUTES = {
    "list": ("get", "/tickets/", None),
    "detail": ("get", "/tickets/{t}", None),
    "patch": ("patch", "/tickets/{t}", {"priority": "high"}),
    "reply": ("post", "/tickets/{t}/reply", {"body": "请再试一次"}),
    "note": ("post", "/tickets/{t}/note", {"body": "内部：疑似账号被锁"}),
    "assign": ("post", "/tickets/{t}/assign", {"assignee": "bob"}),
    "transition": ("post", "/tickets/{t}/transition", {"status": "closed"}),
    "follow_ups": ("get", "/tickets/{t}/follow-ups", None),
    "add_follow_up": (
        "post",
        "/tickets/{t}/follow-ups",
        {"method": "phone", "outcome": "客户表示满意"},
    ),
    "rating": ("post", "/tickets/{t}/rating", {"rating": 5, "comment": "很快"}),
    "attachments": ("get", "/tickets/{t}/attachments", None),
    "upload": ("upload", "/tickets/{t}/attachments", None),
    "download": ("get", "/tickets/{t}/attachments/{f}", None),
    "events": ("get", "/tickets/{t}/events", None),
}

# What each caller gets on ticket A (customer A's). The list answers 200 for everyone signed
# in (without ticket A for those who may not see it: test_the_list_shows_only_what_you_see).
EXPECTED = {
    "dana": {
        "list": 200, "detail": 200, "patch": 403, "reply": 201, "note": 403, "assign": 403,
        "transition": 403, "follow_ups": 403, "add_follow_up": 403, "rating": 200,
        "attachments": 200, "upload": 201, "download": 200, "events": 200,
    },
    "erin": {
        "list": 200, "detail": 200, "patch": 200, "reply": 201, "note": 201, "assign": 200,
        "transition": 200, "follow_ups": 200, "add_follow_up": 201, "rating": 403,
        "attachments": 200, "upload": 201, "download": 200, "events": 200,
    },
    "vera": {
        "list": 200, "detail": 200, "patch": 403, "reply": 403, "note": 403, "assign": 403,
        "transition": 403, "follow_ups": 200, "add_follow_up": 403, "rating": 403,
        "attachments": 200, "upload": 403, "download": 200, "events": 200,
    },
}  # fmt: skip
OUTSIDERS = ("carl", "charlie")


def call(api: ApiClient, route: str, ticket, file_id):
    method, path, payload = ROUTES[route]
    path = path.format(t=ticket.pk, f=file_id)
    if method == "get":
        return api.get(path)
    if method == "upload":
        return _upload(api, path)
    return getattr(api, method)(path, payload)


@pytest.fixture
def scene(personas, world):
    """Ticket A resolved (so it can be rated) with one public file; a fresh state per test."""
    personas.bob  # noqa: B018 (created on first use; the assign route names him)
    ticket = resolve(world.ticket_a, personas.alice)
    [attachment] = services.do_add_attachments(personas.alice, ticket, [png()])
    ticket.refresh_from_db()
    return ticket, attachment.pk


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_callers_get_401_everywhere(scene, route):
    ticket, file_id = scene
    response = call(ApiClient(), route, ticket, file_id)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize("route", ROUTES)
def test_a_bad_token_is_401_too(scene, route):
    ticket, file_id = scene
    assert call(ApiClient("obk_not-a-token"), route, ticket, file_id).status_code == 401


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("route", ROUTES)
def test_each_role_gets_the_expected_status(personas, scene, name, route):
    ticket, file_id = scene
    response = call(api_as(getattr(personas, name)), route, ticket, file_id)
    assert response.status_code == EXPECTED[name][route], response.content


@pytest.mark.parametrize("name", OUTSIDERS)
@pytest.mark.parametrize("route", [r for r in ROUTES if r != "list"])
def test_customer_b_and_an_agent_of_another_team_get_404_on_customer_as_ticket(
    personas, scene, name, route
):
    ticket, file_id = scene
    response = call(api_as(getattr(personas, name)), route, ticket, file_id)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert "星火" not in response.content.decode()


@pytest.mark.parametrize("name", OUTSIDERS)
def test_the_answer_for_someone_elses_ticket_is_the_same_as_for_none(personas, scene, name):
    api = api_as(getattr(personas, name))
    ticket, _ = scene
    for path in ("/tickets/{}", "/tickets/{}/events", "/tickets/{}/attachments"):
        theirs = api.get(path.format(ticket.pk))
        missing = api.get(path.format(999_999))
        huge = api.get(path.format(10**30))
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
        assert huge.status_code in (404, 422)


@pytest.mark.parametrize("name", ["erin", "mia", "vera", "alice", "bob", "charlie", "dana", "carl"])
def test_the_list_shows_only_what_you_see(personas, world, name):
    numbers = {
        row["id"] for row in api_as(getattr(personas, name)).get("/tickets/").json()["items"]
    }
    a, b = world.ticket_a.pk, world.ticket_b.pk
    expected = {
        "erin": {a, b}, "mia": {a, b}, "vera": {a, b},
        "alice": {a, b}, "bob": {a, b},  # their team handles both (the service's owner)
        "charlie": set(), "dana": {a}, "carl": {b},
    }[name]  # fmt: skip
    assert numbers == expected


def test_an_agent_sees_a_ticket_of_another_team_once_assigned_to_them(personas, world):
    api = api_as(personas.charlie)
    assert api.get(f"/tickets/{world.ticket_a.pk}").status_code == 404
    services.do_assign_ticket(personas.mia, world.ticket_a, assignee=personas.charlie)
    assert api.get(f"/tickets/{world.ticket_a.pk}").status_code == 200


def test_a_file_of_one_ticket_is_not_served_under_another_tickets_address(personas, world):
    [theirs] = services.do_add_attachments(personas.mia, world.ticket_b, [png()])
    api = api_as(personas.erin)
    assert api.get(f"/tickets/{world.ticket_b.pk}/attachments/{theirs.pk}").status_code == 200
    assert api.get(f"/tickets/{world.ticket_a.pk}/attachments/{theirs.pk}").status_code == 404
    assert api.get(f"/tickets/{world.ticket_a.pk}/attachments/not-a-uuid").status_code == 404


def test_an_internal_file_is_hidden_from_the_customer(personas, world):
    [internal] = services.do_add_attachments(
        personas.alice,
        world.ticket_a,
        [SimpleUploadedFile("内部.txt", "排查记录".encode())],
        public=False,
    )
    dana = api_as(personas.dana)
    assert dana.get(f"/tickets/{world.ticket_a.pk}/attachments").json() == []
    assert dana.get(f"/tickets/{world.ticket_a.pk}/attachments/{internal.pk}").status_code == 404
    staff = api_as(personas.alice).get(f"/tickets/{world.ticket_a.pk}/attachments").json()
    assert [(f["name"], f["public"]) for f in staff] == [("内部.txt", False)]


def test_a_deactivated_users_token_stops_working(personas, world):
    api = api_as(personas.dana)
    assert api.get(f"/tickets/{world.ticket_a.pk}").status_code == 200
    personas.dana.is_active = False
    personas.dana.save()
    assert api.get(f"/tickets/{world.ticket_a.pk}").status_code == 401
