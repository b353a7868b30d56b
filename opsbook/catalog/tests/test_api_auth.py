from datetime import timedelta

import pytest
from django.utils import timezone

from opsbook.accounts.services import do_create_api_token, do_deactivate_user, do_revoke_api_token

from .api_helpers import ApiClient, api_as, item_for

ROUTES = [
    ("get", "/catalog/categories"),
    ("get", "/catalog/items"),
    ("get", "/catalog/items/{item}"),
    ("get", "/catalog/items/{item}/history"),
    ("get", "/catalog/contents"),
    ("get", "/catalog/frequency?text=x"),
    ("post", "/catalog/items"),
    ("patch", "/catalog/items/{item}"),
    ("post", "/catalog/items/{item}/retire"),
    ("get", "/audit"),
]


def call(client: ApiClient, method: str, path: str):
    if method == "get":
        return client.client.get("/api" + path, headers=client.headers)
    if method == "patch":
        return client.patch(path, {})
    return client.post(path, {})


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_answers_401_without_a_token(personas, method, path):
    item = item_for(personas.alice)
    response = call(ApiClient(), method, path.format(item=item.pk))
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_made_up_token_is_401(personas):
    assert ApiClient("obk_not-a-real-token").get("/catalog/items").status_code == 401
    assert ApiClient("something-else").get("/catalog/items").status_code == 401


def test_a_session_cookie_is_not_enough(personas, client):
    client.force_login(personas.erin)
    assert client.get("/api/catalog/items").status_code == 401


def test_a_revoked_token_is_401(personas):
    token, raw = do_create_api_token(personas.mia)
    assert ApiClient(raw).get("/catalog/items").status_code == 200
    do_revoke_api_token(token)
    assert ApiClient(raw).get("/catalog/items").status_code == 401


def test_an_expired_token_is_401(personas):
    _token, raw = do_create_api_token(
        personas.mia, expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert ApiClient(raw).get("/catalog/items").status_code == 401


def test_a_token_that_has_not_expired_yet_works(personas):
    _token, raw = do_create_api_token(personas.mia, expires_at=timezone.now() + timedelta(days=1))
    assert ApiClient(raw).get("/catalog/items").status_code == 200


def test_a_deactivated_users_token_stops_working(personas):
    api = api_as(personas.alice)
    assert api.get("/catalog/items").status_code == 200
    do_deactivate_user(personas.alice)
    assert api.get("/catalog/items").status_code == 401


def test_a_user_switched_off_in_the_admin_site_is_refused_too(personas):
    api = api_as(personas.alice)
    personas.alice.is_active = False
    personas.alice.save()
    assert api.get("/catalog/items").status_code == 401
