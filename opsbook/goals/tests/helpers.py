"""Factories and the API client of the goals tests."""

import json
from datetime import date
from typing import Any

from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.goals import services
from opsbook.goals.models import Goal
from opsbook.goals.spec import GoalSpec

from .conftest import NOW, RATE


def make_goal(owner=None, *, now=NOW, checkpoints=(), **values: Any) -> Goal:
    values.setdefault("title", "热线首次响应及时率提升到98%")
    values.setdefault("description", "客服部热线工单的首次响应及时率从92%提升到98%。")
    values.setdefault("metric", RATE.key)
    values.setdefault("baseline", 0.92)
    values.setdefault("baseline_period", "2026-09")
    values.setdefault("target", 0.98)
    values.setdefault("start", date(2026, 10, 1))
    values.setdefault("deadline", date(2026, 12, 31))
    return services.do_create_goal(
        None, GoalSpec(owner=owner, **values), checkpoints=checkpoints, now=now, source="test"
    )


def client_for(user=None) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


class Api:
    """Requests to /api/goals with a real bearer token."""

    def __init__(self, user) -> None:
        _token, raw = do_create_api_token(user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/goals{path}", params, headers=self.headers)

    def send(self, method: str, path: str, payload: Any):
        return getattr(self.client, method)(
            f"/api/goals{path}",
            json.dumps(payload),
            content_type="application/json",
            headers=self.headers,
        )
