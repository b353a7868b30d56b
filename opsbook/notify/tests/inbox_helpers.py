"""Small factories for the inbox, rules and preferences tests."""

import json
from datetime import UTC, datetime, timedelta

from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.notify.choices import Event
from opsbook.notify.models import Notification

NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def make_entries(user, count: int, *, start: datetime = NOW, event=Event.TICKET_ASSIGNED, **fields):
    """``count`` inbox entries of ``user``, one minute apart, the last one newest."""
    return [
        Notification.objects.create(
            user=user,
            event=event,
            key=f"test:{user.pk}:{start.isoformat()}:{n}",
            title=fields.get("title", f"工单 #{n} 已分派给你"),
            body=fields.get("body", "请尽快处理"),
            link=fields.get("link", f"/tickets/{n + 1}/"),
            created_at=start + timedelta(minutes=n),
            read_at=fields.get("read_at"),
        )
        for n in range(count)
    ]


class Api:
    """A client of /api/notifications/ as ``user`` (None: no token)."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"Accept-Language": "en"}
        if user is not None:
            _token, raw = do_create_api_token(user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path, **params):
        return self.client.get("/api/notifications" + path, params, headers=self.headers)

    def send(self, method, path, payload=None):
        return getattr(self.client, method)(
            "/api/notifications" + path,
            json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )
