"""The permission matrix: every ticket, comment, attachment and portal route (staff pages and
their htmx fragments and actions, autocomplete, the API, the portal, the admin site) asked by
each kind of person, with the answer each must get, and for every write whether it landed.

People: anonymous; dana (星火教育, ticket A's organisation); carl (明远学校); charlie (an
agent of another team); alice (the agent whose team owns ticket A); erin (administrator);
vera (read-only viewer). Ticket A is resolved, with a public reply and file, an internal note
and an internal file (security_helpers.build_scene, built once for the module). Alice has a
finished ticket export (made when a route names it): only she reads or downloads it.

Beyond the table: customers never meet internal notes or files anywhere; create and change
endpoints refuse references the caller may not see and write nothing; autocomplete answers
only what the asker may see; attachment ids are random and tied to their ticket.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from opsbook.accounts.models import User
from opsbook.catalog.choices import Status as ItemStatus
from opsbook.catalog.testing import make_content
from opsbook.catalog.tests.api_helpers import api_as, error_fields
from opsbook.notify.models import Delivery, Notification
from opsbook.tickets import services
from opsbook.tickets.models import (
    Attachment,
    Comment,
    DefaultTarget,
    ExportJob,
    FollowUp,
    SavedFilter,
    Ticket,
)

from . import security_helpers
from .security_helpers import (
    INTERNAL_FILE,
    INTERNAL_FILE_TEXT,
    INTERNAL_NOTE,
    PUBLIC_REPLY,
    TITLE_A,
    Scene,
    client_for,
    png,
)

# The scene is built once for the module; each test gets its own copy (security_helpers).
built_scene, scene_copy = security_helpers.built_scene, security_helpers.scene_copy  # fixtures
personas, scene = security_helpers.personas_of_built_scene, security_helpers.copied_scene

PERSONAS = ("anonymous", "dana", "carl", "charlie", "alice", "erin", "vera")
# Expected answers besides plain status codes:
LOGIN = "login"  # 302 to the sign-in page, with ?next= the address asked for
ADMIN_LOGIN = "admin-login"  # 302 to the admin site's sign-in page
STAFF = "to-staff"  # staff opening a portal page: 302 to the staff pages, nothing written
NOOP = "noop"  # 302 back to the list with a per-ticket error, nothing written
SUCCESS = frozenset({200, 201, 302})
NEW_TITLE = "矩阵：新的请求"
NEW_BODY = "矩阵：新的文字"


# --- the routes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A named URL; ``args`` are values or functions of the scene."""

    name: str
    args: tuple = ()

    def __call__(self, s: Scene) -> str:
        return reverse(self.name, args=[a(s) if callable(a) else a for a in self.args])


@dataclass(frozen=True)
class Api:
    """An API path as the OpenAPI document writes it; ``file`` picks ticket A's public or
    internal attachment for ``{attachment_id}``."""

    path: str
    file: str = "public"

    def __call__(self, s: Scene) -> str:
        attachment = s.public_file if self.file == "public" else s.internal_file
        export_id = alices_export(s).pk if "{export_id}" in self.path else None
        return self.path.format(
            ticket_id=s.ticket.pk,
            attachment_id=attachment.pk,
            calendar_id=s.calendar.pk,
            export_id=export_id,
        )


def alices_export(s: Scene) -> ExportJob:
    """Alice's finished export of her list (made the first time a test asks for it)."""
    job = ExportJob.objects.filter(owner=s.saved_filter.owner, format="xlsx").first()
    if job is None:
        now = timezone.now()
        job = ExportJob(
            owner=s.saved_filter.owner,
            format="xlsx",
            state="done",
            time_zone="Asia/Shanghai",
            language="zh-hans",
            file_name="tickets.xlsx",
            rows_done=1,
            rows_total=1,
            expires_at=now + timedelta(hours=1),
        )
        job.file.save("tickets.xlsx", ContentFile(b"PK\x03\x04 not really"), save=True)
    return job


@dataclass(frozen=True)
class Route:
    """One address and method, with the body a permitted caller would send and, for a write,
    how to tell from the database that it landed."""

    kind: str  # "page" (session), "api" (bearer token), "admin"
    method: str  # get, post, patch, upload, htmx
    url: Page | Api
    data: Callable[[Scene, object], dict] | None = None
    wrote: Callable[[Scene, object], bool] | None = None


def page(name, *args) -> Page:
    return Page(name, args)


def api(path, file="public") -> Api:
    return Api("/api" + path, file)


def ticket_pk(s):
    return s.ticket.pk


def _version(s):
    return s.fresh().version


def _new_ticket_form(s, user):
    return {
        "item": s.item.pk,
        "customer": s.ticket.customer_id,
        "contact": s.ticket.contact_id,
        "channel": "phone",
        "type": "consultation",
        "priority": "normal",
        "title": NEW_TITLE,
        "description": "",
        "tags": "",
        "assignee": "",
    }


def _edit_form(s, user):
    t = s.fresh()
    return {
        "title": NEW_TITLE,
        "type": t.type,
        "channel": t.channel,
        "priority": t.priority,
        "item": t.item_id,
        "customer": t.customer_id,
        "contact": t.contact_id,
        "requester_name": t.requester_name,
        "requester_phone": t.requester_phone,
        "requester_email": t.requester_email,
        "description": t.description,
        "tags": "",
        "version": t.version,
    }


def _titled(s, user):
    return Ticket.objects.filter(title=NEW_TITLE).exists()


def _comment_written(s, user):
    return Comment.objects.filter(ticket=s.ticket, body=NEW_BODY).exists()


def _file_added(name):
    return lambda s, user: Attachment.objects.filter(ticket=s.ticket, name=name).exists()


def _status_is(status):
    return lambda s, user: s.fresh().status == status


def _rated(s, user):
    return s.fresh().rating is not None


ROUTES: dict[str, Route] = {
    # Staff pages, fragments and actions (opsbook/tickets/urls.py).
    "page:list": Route("page", "get", page("tickets:list")),
    "page:list-fragment": Route("page", "htmx", page("tickets:list")),
    "page:detail": Route("page", "get", page("tickets:detail", ticket_pk)),
    "page:new": Route("page", "get", page("tickets:new")),
    "page:new-post": Route("page", "post", page("tickets:new"), _new_ticket_form, _titled),
    "page:edit": Route("page", "post", page("tickets:edit", ticket_pk), _edit_form, _titled),
    "page:reply": Route(
        "page",
        "post",
        page("tickets:reply", ticket_pk),
        lambda s, u: {"kind": "reply", "body": NEW_BODY, "version": _version(s)},
        _comment_written,
    ),
    "page:note": Route(
        "page",
        "post",
        page("tickets:reply", ticket_pk),
        lambda s, u: {"kind": "note", "body": NEW_BODY, "version": _version(s)},
        _comment_written,
    ),
    "page:status": Route(
        "page",
        "post",
        page("tickets:status", ticket_pk),
        lambda s, u: {"to_status": "closed", "version": _version(s)},
        _status_is("closed"),
    ),
    "page:assign": Route(
        "page",
        "post",
        page("tickets:assign", ticket_pk),
        lambda s, u: {"assignee": _bob(s).pk, "version": _version(s)},
        lambda s, u: s.fresh().assignee_id == _bob(s).pk,
    ),
    "page:watchers": Route(
        "page",
        "post",
        page("tickets:watchers", ticket_pk),
        lambda s, u: {"me": "watch"},
        lambda s, u: s.fresh().watchers.exists(),
    ),
    "page:root-cause": Route(
        "page",
        "post",
        page("tickets:root_cause", ticket_pk),
        lambda s, u: {"root_cause": NEW_BODY, "version": _version(s)},
        lambda s, u: s.fresh().root_cause == NEW_BODY,
    ),
    "page:follow-up": Route(
        "page",
        "post",
        page("tickets:follow_up", ticket_pk),
        lambda s, u: {"method": "phone", "outcome": NEW_BODY, "customer_satisfied": "unknown"},
        lambda s, u: FollowUp.objects.filter(ticket=s.ticket).exists(),
    ),
    # Ticket A is not a closed complaint: only a manager's correction gets as far as the
    # service, which refuses it (400); nothing is written for anyone.
    "page:correct-root-cause": Route(
        "page",
        "post",
        page("tickets:correct_root_cause", ticket_pk),
        lambda s, u: {"root_cause": NEW_BODY, "reason": "矩阵", "version": _version(s)},
        lambda s, u: s.fresh().root_cause == NEW_BODY,
    ),
    "page:correct-follow-up": Route(
        "page",
        "post",
        page("tickets:correct_follow_up", ticket_pk),
        lambda s, u: {"outcome": NEW_BODY, "reason": "矩阵", "customer_satisfied": "unknown"},
        lambda s, u: FollowUp.objects.filter(ticket=s.ticket, outcome=NEW_BODY).exists(),
    ),
    "page:default-targets": Route("page", "get", page("tickets:default_targets")),
    "page:default-targets-post": Route(
        "page",
        "post",
        page("tickets:default_targets"),
        lambda s, u: _default_targets_form(complaint_low=45),
        lambda s, u: (
            DefaultTarget.objects.get(type="complaint", priority="low").response_minutes == 45
        ),
    ),
    "page:upload": Route(
        "page",
        "post",
        page("tickets:attachments", ticket_pk),
        lambda s, u: {"files": png("矩阵.png"), "public": "on"},
        _file_added("矩阵.png"),
    ),
    "page:file-public": Route(
        "page", "get", page("tickets:attachment", lambda s: s.public_file.pk)
    ),
    "page:file-internal": Route(
        "page", "get", page("tickets:attachment", lambda s: s.internal_file.pk)
    ),
    "page:bulk": Route(
        "page",
        "post",
        page("tickets:bulk"),
        lambda s, u: {"tickets": [s.ticket.pk], "action": "priority", "priority": "urgent"},
        lambda s, u: s.fresh().priority == "urgent",
    ),
    "page:filter-save": Route(
        "page",
        "post",
        page("tickets:saved_filter_save"),
        lambda s, u: {"name": NEW_TITLE, "query": "status=new"},
        lambda s, u: SavedFilter.objects.filter(name=NEW_TITLE).exists(),
    ),
    "page:filter-delete-alices": Route(
        "page",
        "post",
        page("tickets:saved_filter_delete", lambda s: s.saved_filter.pk),
        lambda s, u: {},
        lambda s, u: not SavedFilter.objects.filter(pk=s.saved_filter.pk).exists(),
    ),
    "page:autocomplete-items": Route("page", "get", page("tickets:autocomplete_items")),
    "page:autocomplete-customers": Route("page", "get", page("tickets:autocomplete_customers")),
    "page:autocomplete-users": Route("page", "get", page("tickets:autocomplete_users")),
    "page:follow-ups": Route("page", "get", page("tickets:follow_ups")),
    "page:export": Route("page", "get", page("tickets:export")),
    "page:export-start": Route(
        "page",
        "post",
        page("tickets:export"),
        lambda s, u: {"format": "csv"},
        lambda s, u: ExportJob.objects.filter(
            owner_id=getattr(u, "pk", None), format="csv"
        ).exists(),
    ),
    "page:export-job-alices": Route(
        "page", "get", page("tickets:export_job", lambda s: alices_export(s).pk)
    ),
    "page:export-job-alices-htmx": Route(
        "page", "htmx", page("tickets:export_job", lambda s: alices_export(s).pk)
    ),
    "page:export-download-alices": Route(
        "page", "get", page("tickets:export_download", lambda s: alices_export(s).pk)
    ),
    # The API (opsbook/tickets/api.py, and the calendars tickets are measured on).
    "api:list": Route("api", "get", api("/tickets/")),
    "api:follow-up-tasks": Route("api", "get", api("/tickets/follow-up-tasks")),
    "api:export": Route("api", "get", api("/tickets/export")),
    # 202 is not among the writes the matrix checks: test_api_export checks what it wrote.
    "api:export-start": Route("api", "post", api("/tickets/export")),
    "api:export-job-alices": Route("api", "get", api("/tickets/exports/{export_id}")),
    "api:export-file-alices": Route("api", "get", api("/tickets/exports/{export_id}/file")),
    "api:create": Route(
        "api",
        "post",
        api("/tickets/"),
        lambda s, u: {"title": NEW_TITLE, "item": "SVC-HOT"},
        _titled,
    ),
    "api:detail": Route("api", "get", api("/tickets/{ticket_id}")),
    "api:patch": Route(
        "api",
        "patch",
        api("/tickets/{ticket_id}"),
        lambda s, u: {"title": NEW_TITLE},
        _titled,
    ),
    "api:reply": Route(
        "api",
        "post",
        api("/tickets/{ticket_id}/reply"),
        lambda s, u: {"body": NEW_BODY},
        _comment_written,
    ),
    "api:note": Route(
        "api",
        "post",
        api("/tickets/{ticket_id}/note"),
        lambda s, u: {"body": NEW_BODY},
        _comment_written,
    ),
    "api:assign": Route(
        "api",
        "post",
        api("/tickets/{ticket_id}/assign"),
        lambda s, u: {"assignee": "bob"},
        lambda s, u: s.fresh().assignee_id == _bob(s).pk,
    ),
    "api:transition": Route(
        "api",
        "post",
        api("/tickets/{ticket_id}/transition"),
        lambda s, u: {"status": "closed"},
        _status_is("closed"),
    ),
    "api:follow-ups": Route("api", "get", api("/tickets/{ticket_id}/follow-ups")),
    "api:follow-up-add": Route(
        "api",
        "post",
        api("/tickets/{ticket_id}/follow-ups"),
        lambda s, u: {"method": "phone", "outcome": NEW_BODY},
        lambda s, u: FollowUp.objects.filter(ticket=s.ticket).exists(),
    ),
    "api:rating": Route(
        "api", "post", api("/tickets/{ticket_id}/rating"), lambda s, u: {"rating": 5}, _rated
    ),
    "api:attachments": Route("api", "get", api("/tickets/{ticket_id}/attachments")),
    "api:upload": Route(
        "api",
        "upload",
        api("/tickets/{ticket_id}/attachments"),
        lambda s, u: {"file": png("矩阵.png")},
        _file_added("矩阵.png"),
    ),
    "api:file-public": Route("api", "get", api("/tickets/{ticket_id}/attachments/{attachment_id}")),
    "api:file-internal": Route(
        "api", "get", api("/tickets/{ticket_id}/attachments/{attachment_id}", "internal")
    ),
    "api:events": Route("api", "get", api("/tickets/{ticket_id}/events")),
    "api:calendars": Route("api", "get", api("/calendars/")),
    "api:calendar": Route("api", "get", api("/calendars/{calendar_id}")),
    # The customer portal (opsbook/portal/urls.py).
    "portal:home": Route("page", "get", page("portal:home")),
    "portal:new": Route("page", "get", page("portal:new")),
    "portal:new-post": Route(
        "page",
        "post",
        page("portal:new"),
        lambda s, u: {
            "item": s.item.pk,
            "type": "consultation",
            "title": NEW_TITLE,
            "description": NEW_BODY,
        },
        _titled,
    ),
    "portal:promise": Route("page", "get", page("portal:promise")),
    "portal:ticket": Route("page", "get", page("portal:ticket", ticket_pk)),
    "portal:reply": Route(
        "page",
        "post",
        page("portal:reply", ticket_pk),
        lambda s, u: {"body": NEW_BODY},
        _comment_written,
    ),
    "portal:rate-ticket": Route(
        "page", "post", page("portal:rate_ticket", ticket_pk), lambda s, u: {"rating": "5"}, _rated
    ),
    "portal:file-public": Route(
        "page", "get", page("portal:attachment", lambda s: s.public_file.pk)
    ),
    "portal:file-internal": Route(
        "page", "get", page("portal:attachment", lambda s: s.internal_file.pk)
    ),
    "portal:rate-link": Route("page", "get", page("portal:rate", lambda s: s.token)),
    "portal:rate-link-post": Route(
        "page", "post", page("portal:rate", lambda s: s.token), lambda s, u: {"rating": "4"}, _rated
    ),
    "portal:rate-link-unknown": Route("page", "get", page("portal:rate", "not-a-real-token")),
    "portal:feedback": Route("page", "get", page("portal:feedback")),
    "portal:feedback-done": Route("page", "get", page("portal:feedback_done")),
    # The admin site, where tickets can be looked up.
    "admin:tickets": Route("admin", "get", page("admin:tickets_ticket_changelist")),
    "admin:ticket": Route("admin", "get", page("admin:tickets_ticket_change", ticket_pk)),
    "admin:comments": Route("admin", "get", page("admin:tickets_comment_changelist")),
    "admin:attachments": Route("admin", "get", page("admin:tickets_attachment_changelist")),
}

WORKER_WRITE = (LOGIN, 404, 404, 404, 302, 302, 403)
API_WORKER_WRITE = (401, 403, 404, 404, 201, 201, 403)
API_READ = (401, 200, 404, 404, 200, 200, 200)
PORTAL_PAGE = (LOGIN, 200, 200, STAFF, STAFF, STAFF, STAFF)
PORTAL_OWN = (LOGIN, 200, 404, STAFF, STAFF, STAFF, STAFF)
PORTAL_WRITE = (LOGIN, 302, 404, STAFF, STAFF, STAFF, STAFF)
EVERYONE = (200,) * 7
# The admin site is for staff accounts (the administrator role); its model pages need Django
# permissions on top, which superusers hold (test_a_superuser_looks_tickets_up_in_the_admin).
ADMIN_ONLY = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, ADMIN_LOGIN)

# One row per route; columns in PERSONAS order.
EXPECTED = {
    #                              anonymous dana carl charlie alice erin vera
    "page:list":                  (LOGIN,   404, 404, 200,  200, 200, 200),
    "page:list-fragment":         (LOGIN,   404, 404, 200,  200, 200, 200),
    "page:detail":                (LOGIN,   404, 404, 404,  200, 200, 200),
    "page:new":                   (LOGIN,   404, 404, 200,  200, 200, 403),
    "page:new-post":              (LOGIN,   404, 404, 302,  302, 302, 403),
    "page:edit":                  WORKER_WRITE,
    "page:reply":                 WORKER_WRITE,
    "page:note":                  WORKER_WRITE,
    "page:status":                WORKER_WRITE,
    "page:assign":                WORKER_WRITE,
    "page:watchers":              WORKER_WRITE,
    "page:root-cause":            WORKER_WRITE,
    "page:follow-up":             WORKER_WRITE,
    "page:correct-root-cause":    (LOGIN,   404, 404, 404,  403, 400, 403),
    "page:correct-follow-up":     (LOGIN,   404, 404, 404,  403, 400, 403),
    "page:default-targets":       (LOGIN,   404, 404, 200,  200, 200, 200),
    "page:default-targets-post":  (LOGIN,   404, 404, 403,  403, 302, 403),
    "page:upload":                WORKER_WRITE,
    "page:file-public":           (LOGIN,   404, 404, 404,  200, 200, 200),
    "page:file-internal":         (LOGIN,   404, 404, 404,  200, 200, 200),
    "page:bulk":                  (LOGIN,   404, 404, NOOP, 302, 302, 403),
    "page:filter-save":           (LOGIN,   404, 404, 302,  302, 302, 302),
    "page:filter-delete-alices":  (LOGIN,   404, 404, 404,  302, 404, 404),
    "page:autocomplete-items":    (LOGIN,   404, 404, 200,  200, 200, 200),
    "page:autocomplete-customers":(LOGIN,   404, 404, 200,  200, 200, 200),
    "page:autocomplete-users":    (LOGIN,   404, 404, 200,  200, 200, 200),
    "page:follow-ups":            (LOGIN,   404, 404, 200,  200, 200, 200),
    "page:export":                (LOGIN,   404, 404, 200,  200, 200, 200),
    "page:export-start":          (LOGIN,   404, 404, 302,  302, 302, 302),
    "page:export-job-alices":     (LOGIN,   404, 404, 404,  200, 404, 404),
    "page:export-job-alices-htmx":(LOGIN,   404, 404, 404,  200, 404, 404),
    "page:export-download-alices":(LOGIN,   404, 404, 404,  200, 404, 404),
    "api:list":                   (401,     200, 200, 200,  200, 200, 200),
    "api:follow-up-tasks":        (401,     403, 403, 200,  200, 200, 200),
    "api:export":                 (401,     200, 200, 200,  200, 200, 200),
    "api:export-start":           (401,     202, 202, 202,  202, 202, 202),
    "api:export-job-alices":      (401,     404, 404, 404,  200, 404, 404),
    "api:export-file-alices":     (401,     404, 404, 404,  200, 404, 404),
    "api:create":                 (401,     201, 201, 201,  201, 201, 403),
    "api:detail":                 API_READ,
    "api:patch":                  (401,     403, 404, 404,  200, 200, 403),
    "api:reply":                  (401,     201, 404, 404,  201, 201, 403),
    "api:note":                   API_WORKER_WRITE,
    "api:assign":                 (401,     403, 404, 404,  200, 200, 403),
    "api:transition":             (401,     403, 404, 404,  200, 200, 403),
    "api:follow-ups":             (401,     403, 404, 404,  200, 200, 200),
    "api:follow-up-add":          API_WORKER_WRITE,
    "api:rating":                 (401,     200, 404, 404,  403, 403, 403),
    "api:attachments":            API_READ,
    "api:upload":                 (401,     201, 404, 404,  201, 201, 403),
    "api:file-public":            API_READ,
    "api:file-internal":          (401,     404, 404, 404,  200, 200, 200),
    "api:events":                 API_READ,
    "api:calendars":              (401,     403, 403, 200,  200, 200, 200),
    "api:calendar":               (401,     403, 403, 200,  200, 200, 200),
    "portal:home":                PORTAL_PAGE,
    "portal:new":                 PORTAL_PAGE,
    "portal:new-post":            (LOGIN,   302, 302, STAFF, STAFF, STAFF, STAFF),
    "portal:promise":             PORTAL_PAGE,
    "portal:ticket":              PORTAL_OWN,
    "portal:reply":               PORTAL_WRITE,
    "portal:rate-ticket":         PORTAL_WRITE,
    "portal:file-public":         PORTAL_OWN,
    "portal:file-internal":       (LOGIN,   404, 404, STAFF, STAFF, STAFF, STAFF),
    "portal:rate-link":           EVERYONE,
    "portal:rate-link-post":      EVERYONE,
    "portal:rate-link-unknown":   (404,) * 7,
    "portal:feedback":            EVERYONE,
    "portal:feedback-done":       EVERYONE,
    "admin:tickets":              ADMIN_ONLY,
    "admin:ticket":               ADMIN_ONLY,
    "admin:comments":             ADMIN_ONLY,
    "admin:attachments":          ADMIN_ONLY,
}  # fmt: skip

CASES = [
    pytest.param(route, persona, EXPECTED[route][column], id=f"{route}-as-{persona}")
    for route in ROUTES
    for column, persona in enumerate(PERSONAS)
]


def _default_targets_form(*, complaint_low: int) -> dict[str, Any]:
    """The default targets page's form as it stands, with complaints of low priority changed."""
    form: dict[str, Any] = {}
    for target in DefaultTarget.objects.all():
        key = f"{target.type}-{target.priority}"
        form[f"{key}-response_minutes"] = target.response_minutes or ""
        form[f"{key}-resolution_minutes"] = target.resolution_minutes or ""
        form[f"{key}-time_basis"] = target.time_basis
    form["complaint-low-response_minutes"] = complaint_low
    return form


def _bob(s: Scene):
    return User.objects.get(username="bob")


def _person(personas, name):
    return None if name == "anonymous" else getattr(personas, name)


def call(route: Route, s: Scene, user):
    url = route.url(s)
    data = route.data(s, user) if route.data else None
    if route.kind == "api":
        client = client_for()
        headers = {}
        if user is not None:
            headers["Authorization"] = api_as(user).headers["Authorization"]
        if route.method == "get":
            return client.get(url, headers=headers)
        if route.method == "upload":
            return client.post(url, data, headers=headers)
        return getattr(client, route.method)(
            url, data, content_type="application/json", headers=headers
        )
    client = client_for(user)
    if route.method == "htmx":
        return client.get(url, headers={"HX-Request": "true"})
    if route.method == "get":
        return client.get(url)
    return client.post(url, data)


def assert_answer(response, expected, url: str) -> None:
    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        assert status == 302, (status, location)
        assert location == f"{reverse(settings.LOGIN_URL)}?next={url}"
    elif expected == ADMIN_LOGIN:
        assert status == 302, (status, location)
        assert location.startswith(reverse("admin:login"))
    elif expected == STAFF:
        assert status == 302, (status, location)
        assert not location.startswith(reverse("portal:home")), location
        assert location.startswith(("/work/", "/tickets/", "/catalog/")), location
    elif expected == NOOP:
        assert status == 302, (status, location)
        assert location.startswith(reverse("tickets:list")), location
    else:
        assert status == expected, (status, location, response.content[:300])
        if status == 302:
            assert not location.startswith((reverse(settings.LOGIN_URL), "/admin/login")), location


@pytest.mark.parametrize(("route", "persona", "expected"), CASES)
def test_each_person_gets_the_expected_answer_on_every_route(
    personas, scene, route, persona, expected
):
    user = _person(personas, persona)
    definition = ROUTES[route]
    before = definition.wrote(scene, user) if definition.wrote else None
    url = definition.url(scene)

    response = call(definition, scene, user)

    assert_answer(response, expected, url)
    if definition.wrote is not None:
        assert before is False, "the scene already holds what this route writes"
        landed = definition.wrote(scene, user)
        assert landed == (expected in SUCCESS), f"write landed: {landed}"
    if response.status_code == 404 and not response.streaming:
        assert TITLE_A not in response.content.decode(), "a 404 names the ticket"
    if response.status_code == 401:
        assert response.json() == {"detail": "Unauthorized"}


def test_the_matrix_covers_every_ticket_and_portal_route(db):
    """A route added to the ticket pages, the portal or the tickets API without a row in the
    matrix fails here."""
    pages = {r.url.name for r in ROUTES.values() if isinstance(r.url, Page)}
    for namespace in ("tickets", "portal"):
        _prefix, resolver = get_resolver().namespace_dict[namespace]
        names = {f"{namespace}:{n}" for n in resolver.reverse_dict if isinstance(n, str)}
        assert names - pages == set()

    methods = {"get": "get", "htmx": "get", "post": "post", "upload": "post", "patch": "patch"}
    asked = {(r.url.path, methods[r.method]) for r in ROUTES.values() if isinstance(r.url, Api)}
    document = client_for().get("/api/openapi.json").json()["paths"]
    offered = {
        (path, method)
        for path, operations in document.items()
        if path.startswith("/api/tickets/")
        for method in operations
    }
    assert offered - asked == set()
    assert set(EXPECTED) == set(ROUTES)


def test_a_superuser_looks_tickets_up_in_the_admin(personas, scene):
    personas.erin.is_superuser = True
    personas.erin.save()
    client = client_for(personas.erin)

    for key in ("admin:tickets", "admin:ticket", "admin:comments", "admin:attachments"):
        response = client.get(ROUTES[key].url(scene))
        assert response.status_code == 200, key
    html = client.get(ROUTES["admin:attachments"].url(scene)).text
    # Names and checksums only: the stored files are never linked from the admin.
    assert INTERNAL_FILE in html and "/media/" not in html and "attachments/" not in html


def test_an_agent_who_opens_a_ticket_another_team_handles_lands_on_a_page_they_may_see(
    personas, scene
):
    response = client_for(personas.charlie).post(
        reverse("tickets:new"), _new_ticket_form(scene, personas.charlie), follow=True
    )

    assert Ticket.objects.filter(title=NEW_TITLE, team__name="客服部").exists()
    assert response.status_code == 200, response.redirect_chain


# --- internal notes and files never reach customers ---------------------------------------------

SECRETS = (INTERNAL_NOTE, INTERNAL_FILE, INTERNAL_FILE_TEXT)


def _customer_answers(personas, s: Scene) -> dict[str, str]:
    portal = client_for(personas.dana)
    token = api_as(personas.dana)
    t = s.ticket.pk
    answers = {
        "portal home": portal.get(reverse("portal:home"), {"state": "all"}),
        "portal ticket": portal.get(reverse("portal:ticket", args=[t])),
        "portal rate link": client_for().get(reverse("portal:rate", args=[s.token])),
        "api detail": token.get(f"/tickets/{t}"),
        "api list": token.get("/tickets/"),
        "api events": token.get(f"/tickets/{t}/events"),
        "api attachments": token.get(f"/tickets/{t}/attachments"),
    }
    texts = {}
    for name, response in answers.items():
        assert response.status_code == 200, name
        # JSON escapes non-ASCII text; compare with what a client reads.
        is_json = response["Content-Type"].startswith("application/json")
        texts[name] = json.dumps(response.json(), ensure_ascii=False) if is_json else response.text
    return texts


def test_customers_never_see_internal_notes_or_internal_files(personas, scene):
    for name, text in _customer_answers(personas, scene).items():
        for secret in (*SECRETS, str(scene.internal_file.pk)):
            assert secret not in text, (name, secret)
    # ...while the public reply and file are there, so the pages were not simply empty.
    answers = _customer_answers(personas, scene)
    assert PUBLIC_REPLY in answers["portal ticket"] and PUBLIC_REPLY in answers["api events"]
    assert str(scene.public_file.pk) in answers["portal ticket"]


def test_customers_events_are_public_ones_only(personas, scene):
    events = api_as(personas.dana).get(f"/tickets/{scene.ticket.pk}/events").json()["items"]
    staff_events = api_as(personas.alice).get(f"/tickets/{scene.ticket.pk}/events").json()

    kinds = {event["kind"] for event in events}
    assert "note" not in kinds
    assert "note" in {event["kind"] for event in staff_events["items"]}
    assert len(events) < staff_events["count"]


def test_staff_see_the_internal_note_and_file_on_the_ticket_page(personas, scene):
    html = client_for(personas.alice).get(reverse("tickets:detail", args=[scene.ticket.pk])).text

    assert INTERNAL_NOTE in html and INTERNAL_FILE in html


def test_no_e_mail_to_the_customer_carries_an_internal_note(personas, scene):
    ticket = scene.fresh()
    services.do_set_watchers(personas.alice, ticket, add=[personas.bob], remove=[])
    services.do_add_note(personas.alice, ticket, INTERNAL_NOTE)
    services.do_reply(personas.alice, ticket, "公开回复：已安排工程师")

    outbox = list(Delivery.objects.filter(event__startswith="ticket_"))
    to_dana = [m for m in outbox if m.address == "dana@xinghuo.example"]
    assert [m for m in to_dana if "公开回复" in m.body]
    for message in to_dana:
        assert INTERNAL_NOTE not in message.body and INTERNAL_NOTE not in message.subject
    # bob, watching, hears of the note: it was sent, to staff only.
    assert [m.address for m in outbox if INTERNAL_NOTE in m.body] == [personas.bob.email]
    assert not Notification.objects.filter(user=personas.dana).exists()


# --- create and change endpoints check what they are pointed at --------------------------------


@dataclass
class Counts:
    """Rows a refused request must not add."""

    tickets: int
    comments: int
    attachments: int
    watchers: int

    @classmethod
    def now(cls) -> "Counts":
        return cls(
            Ticket.objects.count(),
            Comment.objects.count(),
            Attachment.objects.count(),
            Ticket.watchers.through.objects.count(),
        )


REFUSED_API_CREATES: dict[str, tuple[str, dict[str, Any], str]] = {
    # caller, payload, the field named in the 422
    "dana-a-service-her-organisation-does-not-receive": (
        "dana",
        {"title": "越权", "item": "SVC-VISIT"},
        "item",
    ),
    "dana-content-of-another-service": ("dana", {"title": "越权", "item": "SVC-HOT"}, "content"),
    "dana-another-customer": (
        "dana",
        {"title": "越权", "item": "SVC-HOT", "customer": "mingyuan"},
        "customer",
    ),
    "dana-another-customers-contact": (
        "dana",
        {"title": "越权", "item": "SVC-HOT", "contact": "carl"},
        "contact",
    ),
    "dana-an-assignee": (
        "dana",
        {"title": "越权", "item": "SVC-HOT", "assignee": "alice"},
        "assignee",
    ),
    "alice-a-contact-of-another-customer": (
        "alice",
        {"title": "越权", "item": "SVC-HOT", "customer": "xinghuo", "contact": "carl"},
        "contact",
    ),
    "alice-a-customer-as-assignee": (
        "alice",
        {"title": "越权", "item": "SVC-HOT", "assignee": "dana"},
        "assignee",
    ),
    "alice-a-customer-as-watcher": (
        "alice",
        {"title": "越权", "item": "SVC-HOT", "watchers": ["dana"]},
        "watchers",
    ),
    "alice-an-unknown-team": ("alice", {"title": "越权", "team": 999_999}, "team"),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSED_API_CREATES)
def test_api_create_refuses_references_the_caller_may_not_use_and_writes_nothing(
    personas, scene, case
):
    name, payload, field = REFUSED_API_CREATES[case]
    if field == "content":
        payload = {**payload, "content": make_content(scene.other_item, code="VISIT-1").pk}
    before = Counts.now()

    response = api_as(getattr(personas, name)).post("/tickets/", payload)

    assert field in error_fields(response)
    assert Counts.now() == before


def test_the_portal_refuses_a_service_the_organisation_does_not_receive(personas, scene):
    before = Counts.now()

    response = client_for(personas.dana).post(
        reverse("portal:new"),
        {"item": scene.other_item.pk, "type": "consultation", "title": "越权", "description": "x"},
    )

    assert response.status_code == 400
    assert Counts.now() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact", "carl"), ("assignee", "dana"), ("item", "retired"), ("customer", "missing")],
)
def test_the_new_ticket_page_refuses_references_out_of_bounds(personas, scene, field, value):
    form = _new_ticket_form(scene, personas.alice)
    if value == "retired":
        scene.other_item.status = ItemStatus.RETIRED
        scene.other_item.save()
        form["item"] = scene.other_item.pk
    elif value == "missing":
        form["customer"] = 999_999
    else:
        form[field] = getattr(personas, value).pk
    before = Counts.now()

    response = client_for(personas.alice).post(reverse("tickets:new"), form)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Counts.now() == before


def test_changing_a_ticket_refuses_a_contact_of_another_customer(personas, scene):
    api = api_as(personas.alice)

    response = api.patch(f"/tickets/{scene.ticket.pk}", {"contact": "carl"})
    page = client_for(personas.alice).post(
        reverse("tickets:edit", args=[scene.ticket.pk]),
        {**_edit_form(scene, personas.alice), "contact": personas.carl.pk},
    )

    assert "contact" in error_fields(response)
    assert page.status_code == 400
    assert scene.fresh().contact == personas.dana


def test_assigning_refuses_a_customer_and_another_teams_agent_for_an_agent(personas, scene):
    api = api_as(personas.alice)
    version = scene.fresh().version

    assert "assignee" in error_fields(
        api.post(f"/tickets/{scene.ticket.pk}/assign", {"assignee": "dana"})
    )
    page = client_for(personas.alice).post(
        reverse("tickets:assign", args=[scene.ticket.pk]),
        {"assignee": personas.charlie.pk, "version": version},
    )
    assert page.status_code == 400
    assert scene.fresh().assignee == personas.alice


def test_watchers_are_staff_only(personas, scene):
    response = client_for(personas.alice).post(
        reverse("tickets:watchers", args=[scene.ticket.pk]), {"watchers": [personas.dana.pk]}
    )

    assert response.status_code == 400
    assert not scene.fresh().watchers.exists()


def test_bulk_actions_skip_tickets_outside_the_callers_scope(personas, scene):
    theirs = scene.other_ticket  # 技术支持部's, for 明远学校

    response = client_for(personas.alice).post(
        reverse("tickets:bulk"),
        {"tickets": [scene.ticket.pk, theirs.pk], "action": "priority", "priority": "urgent"},
        follow=True,
    )

    assert scene.fresh().priority == "urgent"
    theirs.refresh_from_db()
    assert theirs.priority != "urgent"
    text = response.content.decode()
    assert f"#{theirs.pk}" in text and theirs.title not in text


def test_bulk_assignment_to_a_customer_is_refused(personas, scene):
    response = client_for(personas.erin).post(
        reverse("tickets:bulk"),
        {"tickets": [scene.ticket.pk], "action": "assign", "assignee": personas.dana.pk},
    )

    assert response.status_code == 302
    assert scene.fresh().assignee == personas.alice


# --- autocomplete answers only what the asker may see --------------------------------------------


def _options(user, name, **params) -> str:
    response = client_for(user).get(reverse(f"tickets:autocomplete_{name}"), params)
    assert response.status_code == 200
    return response.text


def test_people_autocomplete_lists_staff_never_customers_contacts(personas, scene):
    for purpose in ("", "assign", "filter"):
        html = _options(personas.alice, "users", purpose=purpose)
        assert "张三" in html  # alice
        assert "dana" not in html and "carl" not in html


def test_contacts_are_listed_for_the_named_customer_only_and_only_to_workers(personas, scene):
    html = _options(
        personas.alice, "users", purpose="contact", customer=personas.customer_a.pk, q="a"
    )
    assert "dana" in html and "carl" not in html

    for customer in ("", "all", f"{personas.customer_a.pk} OR 1=1"):
        html = _options(personas.alice, "users", purpose="contact", customer=customer)
        assert "dana" not in html and "carl" not in html
    html = _options(personas.vera, "users", purpose="contact", customer=personas.customer_a.pk)
    assert "dana" not in html


def test_viewers_are_offered_nothing_to_open_a_ticket_with(personas, scene):
    assert "SVC-HOT" not in _options(personas.vera, "items", purpose="new")
    assert "星火教育" not in _options(personas.vera, "customers", purpose="new")
    assert "SVC-HOT" in _options(personas.vera, "items")  # reading the checklist is allowed


def test_retired_services_are_not_offered_for_new_tickets(personas, scene):
    scene.other_item.status = ItemStatus.RETIRED
    scene.other_item.save()

    assert "SVC-VISIT" not in _options(personas.alice, "items", purpose="new")
    assert "SVC-HOT" in _options(personas.alice, "items", purpose="new")


# --- attachments have random ids and belong to their ticket ---------------------------------------


def test_attachment_ids_are_random_not_sequential(personas, scene):
    ids = {scene.public_file.pk, scene.internal_file.pk}

    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in ids)
    for url in (
        "/tickets/attachments/1/",
        "/portal/files/1/",
        f"/api/tickets/{scene.ticket.pk}/attachments/1",
    ):
        client = client_for(personas.erin)
        headers = {"Authorization": api_as(personas.erin).headers["Authorization"]}
        assert client.get(url, headers=headers).status_code == 404, url


def test_another_tickets_file_is_not_served_under_this_tickets_address(personas, scene):
    [theirs] = services.do_add_attachments(personas.mia, scene.other_ticket, [png("别人的.png")])
    api = api_as(personas.erin)

    assert api.get(f"/tickets/{scene.other_ticket.pk}/attachments/{theirs.pk}").status_code == 200
    assert api.get(f"/tickets/{scene.ticket.pk}/attachments/{theirs.pk}").status_code == 404
    dana = api_as(personas.dana)
    assert dana.get(f"/tickets/{scene.ticket.pk}/attachments/{theirs.pk}").status_code == 404
    portal = client_for(personas.dana)
    assert portal.get(reverse("portal:attachment", args=[theirs.pk])).status_code == 404
