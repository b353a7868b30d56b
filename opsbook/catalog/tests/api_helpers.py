"""A small client for API tests: requests go through the whole URL and middleware stack with a
real bearer token, as a script would send them."""

import json

from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.catalog.testing import make_category, make_item

BASE = "/api"


class ApiClient:
    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path: str, payload=None):
        return self.client.post(
            BASE + path,
            json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, payload):
        return self.client.patch(
            BASE + path,
            json.dumps(payload),
            content_type="application/json",
            headers=self.headers,
        )

    def upload(self, path: str, files: dict, data: dict | None = None):
        return self.client.post(BASE + path, {**(data or {}), **files}, headers=self.headers)


def api_as(user) -> ApiClient:
    _token, raw = do_create_api_token(user)
    return ApiClient(raw)


def item_for(owner=None, **values):
    """An item owned by ``owner`` (with a plain frequency so tests do not depend on the parser)."""
    values.setdefault("frequency_text", "")
    if "code" in values:
        values.setdefault("name", f"服务 {values['code']}")
    values.setdefault("category", make_category())
    return make_item(owner, **values)


def error_fields(response) -> set[str]:
    """The field names a 422 answer points at (the last string in each ``loc``)."""
    assert response.status_code == 422, response.content
    names = set()
    for error in response.json()["detail"]:
        strings = [x for x in error["loc"] if isinstance(x, str)]
        names.add(strings[-1])
    return names
