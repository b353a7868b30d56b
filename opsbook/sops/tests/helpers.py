"""Shared by the SOP page and API tests."""

import json

from django.test import Client

from opsbook.accounts.services import do_create_api_token

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def client_for(user=None) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


class Api:
    """Requests to /api/sops with a real bearer token."""

    def __init__(self, user):
        _token, raw = do_create_api_token(user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}

    def get(self, path, **params):
        return self.client.get(f"/api/sops{path}", params, headers=self.headers)

    def send(self, method, path, payload):
        return getattr(self.client, method)(
            f"/api/sops{path}",
            json.dumps(payload),
            content_type="application/json",
            headers=self.headers,
        )

    def post_form(self, path, data):
        return self.client.post(f"/api/sops{path}", data, headers=self.headers)
