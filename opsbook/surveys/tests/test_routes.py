"""Every survey route (staff pages and the portal's) for every kind of person: the answer
each gets. A route added without a row here fails ``test_the_matrix_covers_every_route``."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from opsbook.surveys import services
from opsbook.surveys.choices import QuestionKind
from opsbook.surveys.models import Invitation
from opsbook.surveys.testing import make_survey, token_of

from .conftest import NOW

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "dana", "carl", "alice", "vera", "mia")
LOGIN = "login"  # a redirect to the login page
STAFF = "staff"  # a redirect to the staff pages


@dataclass
class Route:
    method: str
    name: str
    args: Callable[[dict], list[Any]] = lambda s: []
    data: dict | None = None


ROUTES: dict[str, Route] = {
    "surveys:list": Route("get", "surveys:list"),
    "surveys:new": Route("get", "surveys:new"),
    "surveys:detail": Route("get", "surveys:detail", lambda s: [s["sent"].pk]),
    "surveys:edit": Route("post", "surveys:edit", lambda s: [s["draft"].pk], {"title": "新标题"}),
    "surveys:question_add": Route(
        "post",
        "surveys:question_add",
        lambda s: [s["draft"].pk],
        {"kind": "text", "text": "补充问题"},
    ),
    "surveys:question_delete": Route(
        "post", "surveys:question_delete", lambda s: [s["draft"].pk, s["draft_question"].pk]
    ),
    "surveys:new_version": Route("post", "surveys:new_version", lambda s: [s["sent"].pk]),
    "surveys:campaign_new": Route("get", "surveys:campaign_new", lambda s: [s["sent"].pk]),
    "surveys:campaign": Route("get", "surveys:campaign", lambda s: [s["campaign"].pk]),
    "surveys:campaign_send": Route("post", "surveys:campaign_send", lambda s: [s["campaign"].pk]),
    "surveys:responses": Route("get", "surveys:responses", lambda s: [s["campaign"].pk]),
    "surveys:export": Route("get", "surveys:export", lambda s: [s["campaign"].pk]),
    "surveys:metric_rows": Route(
        "get", "surveys:metric_rows", data={"metric": "surveys.nps", "period": "2026-11"}
    ),
    "portal:surveys:list": Route("get", "portal:surveys:list"),
    "portal:surveys:answer": Route(
        "get", "portal:surveys:answer", lambda s: [s["dana_invitation"].pk]
    ),
    "portal:surveys:link": Route("get", "portal:surveys:link", lambda s: [s["token"]]),
}

READ = (LOGIN, 404, 404, 200, 200, 200)
MANAGE_PAGE = (LOGIN, 404, 404, 403, 403, 200)
MANAGE_POST = (LOGIN, 404, 404, 403, 403, 302)

#                              anonymous dana carl  alice  vera   mia
EXPECTED: dict[str, tuple] = {
    "surveys:list":            READ,
    "surveys:new":             MANAGE_PAGE,
    "surveys:detail":          READ,
    "surveys:edit":            MANAGE_POST,
    "surveys:question_add":    MANAGE_POST,
    "surveys:question_delete": MANAGE_POST,
    "surveys:new_version":     MANAGE_POST,
    "surveys:campaign_new":    MANAGE_PAGE,
    "surveys:campaign":        READ,
    "surveys:campaign_send":   MANAGE_POST,
    "surveys:responses":       READ,
    "surveys:export":          READ,
    "surveys:metric_rows":     READ,
    "portal:surveys:list":     (LOGIN, 200, 200, STAFF, STAFF, STAFF),
    "portal:surveys:answer":   (LOGIN, 200, 404, STAFF, STAFF, STAFF),
    "portal:surveys:link":     (200,   200, 200, 200,   200,   200),
}  # fmt: skip


@pytest.fixture
def scene(personas, frozen_time) -> dict:
    personas.dana.email = "dana@xinghuo.example"
    personas.dana.save()
    assert personas.carl.customer == personas.customer_b
    sent = make_survey(personas.mia, now=NOW)
    campaign = services.do_create_campaign(
        personas.mia,
        sent,
        name="Q4",
        customers=[personas.customer_a, personas.customer_b],
        closes_at=NOW + timedelta(days=30),
        now=NOW,
    )
    services.do_send_campaign(personas.mia, campaign, NOW)
    draft = services.do_create_survey(personas.mia, title="草稿", now=NOW)
    question = services.do_add_question(
        personas.mia, draft, kind=QuestionKind.TEXT, text="草稿问题"
    )
    dana_invitation = Invitation.objects.get(contact=personas.dana)
    return {
        "sent": sent,
        "draft": draft,
        "draft_question": question,
        "campaign": campaign,
        "dana_invitation": dana_invitation,
        "token": token_of(dana_invitation),
    }


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("who", range(len(PEOPLE)))
def test_each_person_gets_the_expected_answer_on_every_route(route, who, personas, scene):
    person = PEOPLE[who]
    spec = ROUTES[route]
    client = Client()
    if person != "anonymous":
        client.force_login(getattr(personas, person))
    url = reverse(spec.name, args=spec.args(scene))
    response = getattr(client, spec.method)(url, spec.data or {})
    expected = EXPECTED[route][who]
    if expected == LOGIN:
        assert response.status_code == 302, (route, person)
        assert response["Location"].startswith(reverse("accounts:login")), (route, person)
    elif expected == STAFF:
        assert response.status_code == 302, (route, person)
        assert not response["Location"].startswith("/portal/"), (route, person)
    else:
        assert response.status_code == expected, (route, person, response.status_code)


def test_the_matrix_covers_every_route(db):
    resolver = get_resolver()
    _prefix, staff = resolver.namespace_dict["surveys"]
    _prefix, portal = resolver.namespace_dict["portal"]
    _prefix, portal_surveys = portal.namespace_dict["surveys"]
    names = {f"surveys:{n}" for n in staff.reverse_dict if isinstance(n, str)}
    names |= {f"portal:surveys:{n}" for n in portal_surveys.reverse_dict if isinstance(n, str)}
    assert names == set(ROUTES) == set(EXPECTED)
