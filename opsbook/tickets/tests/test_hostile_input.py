"""Hostile input: a corpus of what attackers and careless pastes put in helpdesk fields, written
into every free-text field of a ticket through the API and the pages people use (title,
description, requester name, tags, public replies, internal notes, status notes, root cause,
follow-up outcomes, file names, rating comments, saved filter names, staff and customer
names), then read back on every surface: the staff list, its htmx fragment, the ticket page,
autocomplete fragments, the portal, the API's JSON, the e-mails sent and the admin site.

HTML answers must contain no script, event handler or script URL a user typed (and must show
the text); JSON must give back exactly what was stored; e-mail subjects are one line; file
names lose path separators and direction overrides and come back only as downloads that may
not be sniffed. NUL bytes are refused everywhere with a field error, never a server error.
"""

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from pytest_django import DjangoDbBlocker

from opsbook.accounts.models import Customer
from opsbook.accounts.testing import Personas, make_user
from opsbook.catalog.tests.api_helpers import api_as, error_fields
from opsbook.notify.models import Delivery
from opsbook.tickets import satisfaction
from opsbook.tickets.models import SavedFilter, Ticket

from . import security_helpers
from .security_helpers import (
    Built,
    Scene,
    active_content,
    assert_inert,
    client_for,
    like_a_test,
    rolled_back,
)

# The scene is built once for the module, each payload's writes once for the tests that read
# them back (TestHostileTextReadBack); every test gets its own copies (security_helpers).
built_scene, scene_copy = security_helpers.built_scene, security_helpers.scene_copy  # fixtures
personas, scene = security_helpers.personas_of_built_scene, security_helpers.copied_scene

CORPUS = {
    "script-tag": "<script>alert(1)</script>",
    "closing-script": "</script><script>alert(document.cookie)</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "svg-onload": "<svg/onload=alert(1)>",
    "attribute-breakout": "' autofocus onfocus=alert(1) x='",
    "javascript-mixed-case": "JaVaScRiPt:alert(1)",
    "javascript-entities": "&#106;&#97;vascript&#58;alert(1)",
    "javascript-split": "java\tscript:alert(1)",
    "markdown-link": "[点我](javascript:alert(1)) [图](data:text/html;base64,PHNjcmlwdD4=)",
    "html-link": '<a href="jAvAsCrIpT:alert(1)">点我</a>',
    "template-syntax": "{{ 7|add:42 }} {% debug %} {{ request.user.password }}",
    "rtl-override": "发票\u202egpj.exe",
    "formula-equals": '=HYPERLINK("http://evil.example","点我")',
    "formula-plus": "+1+cmd|' /C calc'!A0",
    "formula-minus": "-2+3",
    "formula-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "header-injection": "标题\r\nBcc: victim@example.com",
    "sql": "'; DROP TABLE tickets_ticket; --",
    "very-long": "很长的文字<b>" * 2500,
}
PAYLOADS = [pytest.param(value, id=name) for name, value in CORPUS.items()]
NUL_TEXT = "前\x00后"


def one_line(text: str) -> str:
    """How single-line fields (titles, tags, names) are stored: whitespace runs become one
    space, the ends trimmed."""
    return " ".join(text.split())


def fit(text: str, limit: int) -> str:
    return text[:limit]


def file_stem(text: str) -> str:
    """The payload as a browser sends it in a file name: a multipart header cannot carry line
    breaks (browsers encode them), so they are left out here."""
    return re.sub(r"[\r\n]", "", text)[:180]


@dataclass
class Hostile:
    """A ticket of 星火教育 whose every free-text field holds ``payload`` (cut to each field's
    length), and what each field should read back as."""

    payload: str
    ticket: Ticket
    token: str
    expected: dict[str, str] = field(default_factory=dict)
    file_id: str = ""
    rate_page: str = ""  # the one-time rating link's page, before the rating
    mail: list = field(default_factory=list)


def _write_everything(personas, s: Scene, payload: str) -> Hostile:
    """Everything is written as people write it: staff through the API and the pages, the
    customer through the portal."""
    mia, alice, dana = api_as(personas.mia), api_as(personas.alice), client_for(personas.dana)
    expected = {
        "title": one_line(fit(payload, 200)),
        "description": fit(payload, 20_000).strip(),
        "requester_name": fit(payload, 100).strip(),
        "tag": one_line(fit(payload, 50)),
        "reply": fit(payload, 20_000).strip(),
        "note": fit(f"内部：{payload}", 20_000).strip(),
        "status_note": fit(payload, 2000).strip(),
        "root_cause": fit(payload, 20_000),
        "outcome": fit(payload, 20_000).strip(),
        "customer_reply": fit(f"客户：{payload}", 20_000).strip(),
        "rating_comment": fit(payload, 2000).strip(),
        "saved_filter": one_line(fit(one_line(payload), 100)),
    }
    created = mia.post(
        "/tickets/",
        {
            "title": fit(payload, 200),
            "description": fit(payload, 20_000),
            "type": "complaint",
            "item": "SVC-HOT",
            "customer": "xinghuo",
            "contact": "dana",
            "requester_name": fit(payload, 100),
            "tags": [fit(payload, 50)],
        },
    )
    assert created.status_code == 201, created.content
    t = created.json()["id"]
    long_text, short_text = fit(payload, 20_000), fit(payload, 2000)
    answers = [
        alice.post(f"/tickets/{t}/reply", {"body": long_text}),
        alice.post(f"/tickets/{t}/note", {"body": fit(f"内部：{payload}", 20_000)}),
        alice.post(f"/tickets/{t}/transition", {"status": "in_progress", "note": short_text}),
        alice.patch(f"/tickets/{t}", {"root_cause": expected["root_cause"]}),
        alice.post(f"/tickets/{t}/follow-ups", {"method": "phone", "outcome": long_text}),
        alice.upload(
            f"/tickets/{t}/attachments",
            {"file": SimpleUploadedFile(f"../..\\{file_stem(payload)}.txt", "日志".encode())},
        ),
    ]
    for answer in answers:
        assert answer.status_code in (200, 201), answer.content
    file_id = answers[-1].json()[0]["id"]
    reply = dana.post(reverse("portal:reply", args=[t]), {"body": fit(f"客户：{payload}", 20_000)})
    assert reply.status_code == 302, reply.content[:500]
    resolved = alice.post(f"/tickets/{t}/transition", {"status": "resolved"})
    assert resolved.status_code == 200, resolved.content
    ticket = Ticket.objects.get(pk=t)
    token = satisfaction.create_request(ticket)
    hostile = Hostile(payload, ticket, token, expected, file_id)
    hostile.rate_page = client_for().get(reverse("portal:rate", args=[token])).text
    rated = dana.post(
        reverse("portal:rate_ticket", args=[t]),
        {"rating": "2", "comment": fit(payload, 2000)},
    )
    assert rated.status_code == 302, rated.content[:500]
    saved = client_for(personas.alice).post(
        reverse("tickets:saved_filter_save"),
        {"name": fit(one_line(payload), 100), "query": "status=resolved"},
    )
    assert saved.status_code == 302
    assert SavedFilter.objects.filter(name=expected["saved_filter"]).exists()
    return hostile


def _write_with_names(personas: Personas, s: Scene, payload: str) -> Hostile:
    # Names shown beside tickets and in autocomplete: a customer, a staff member.
    Customer.objects.create(code="evil", name=fit(payload, 200))
    make_user("mallory", display_name=fit(payload, 100), team=personas.support_team)
    before = set(Delivery.objects.values_list("pk", flat=True))
    result = _write_everything(personas, s, payload)
    result.mail = list(Delivery.objects.exclude(pk__in=before).order_by("pk"))
    return result


@pytest.fixture(scope="class", params=PAYLOADS)
def hostile_written(
    request, built_scene: Built, django_db_blocker: DjangoDbBlocker
) -> Iterator[Hostile]:
    """One payload written everywhere, once for the tests of the class that read it back, in a
    savepoint rolled back after them (the next payload starts from the scene again)."""
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock(), like_a_test(built_scene.media):
            personas, s = copy.deepcopy((built_scene.personas, built_scene.scene))
            written = _write_with_names(personas, s, request.param)
        yield written


@pytest.fixture
def hostile(hostile_written: Hostile, scene: Scene) -> Hostile:
    """This test's copy of what was written (after the scene's settings are in place)."""
    return copy.deepcopy(hostile_written)


def shows(html: str, text: str) -> bool:
    """``text`` (its longest line, which is what survives line breaks turned into <br>) is
    in the page as escaped text."""
    line = max(re.split(r"[\r\n]+", text), key=len)
    return escape(line[:60]) in html


class TestHostileTextReadBack:
    """Each payload is written once (``hostile_written``) and read back on every surface."""

    # --- HTML surfaces ----------------------------------------------------------------------------

    def test_the_staff_list_and_its_fragment_show_hostile_text_as_text(self, personas, hostile):
        client = client_for(personas.alice)
        page = client.get(reverse("tickets:list"))
        fragment = client.get(reverse("tickets:list"), headers={"HX-Request": "true"})
        searched = client.get(reverse("tickets:list"), {"q": fit(hostile.payload, 100)})

        for response in (page, fragment, searched):
            assert response.status_code == 200
            assert_inert(response.text)
            assert shows(response.text, hostile.expected["title"])
        assert shows(page.text, hostile.expected["saved_filter"])
        assert "<" not in fragment.get("HX-Push-Url", "")

    def test_the_ticket_page_shows_every_field_as_text(self, personas, hostile):
        html = (
            client_for(personas.alice).get(reverse("tickets:detail", args=[hostile.ticket.pk])).text
        )

        assert_inert(html)
        for name in ("title", "description", "requester_name", "tag", "reply", "note", "outcome"):
            assert shows(html, hostile.expected[name]), name
        for name in ("status_note", "root_cause", "customer_reply", "rating_comment"):
            assert shows(html, hostile.expected[name]), name

    def test_autocomplete_fragments_show_hostile_names_as_text(self, personas, hostile):
        client = client_for(personas.alice)
        for name, params in (
            ("customers", {}),
            ("users", {"purpose": "assign", "q": "mallory"}),
            ("items", {"q": "SVC"}),
        ):
            html = client.get(reverse(f"tickets:autocomplete_{name}"), params).text
            assert_inert(html)
        html = client.get(reverse("tickets:autocomplete_customers"), {"q": "evil"}).text
        assert shows(html, fit(hostile.payload, 200).strip())

    def test_portal_pages_show_hostile_text_as_text(self, personas, hostile):
        client = client_for(personas.dana)
        home = client.get(reverse("portal:home"), {"state": "all"}).text
        page = client.get(reverse("portal:ticket", args=[hostile.ticket.pk])).text

        for html in (home, page, hostile.rate_page):
            assert_inert(html)
            assert shows(html, hostile.expected["title"])
        for name in ("description", "reply", "customer_reply", "rating_comment"):
            assert shows(page, hostile.expected[name]), name
        assert hostile.expected["note"] not in page

    def test_the_admin_site_lists_hostile_text_as_text(self, personas, hostile):
        personas.erin.is_superuser = True
        personas.erin.save()
        client = client_for(personas.erin)
        pages = {
            "tickets": reverse("admin:tickets_ticket_changelist"),
            "ticket": reverse("admin:tickets_ticket_change", args=[hostile.ticket.pk]),
            "comments": reverse("admin:tickets_comment_changelist"),
            "attachments": reverse("admin:tickets_attachment_changelist"),
            "tags": reverse("admin:tickets_tag_changelist"),
            "saved filters": reverse("admin:tickets_savedfilter_changelist"),
        }
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, name
            assert not active_content(response.text), name
        searched = client.get(pages["tickets"], {"q": fit(hostile.payload, 100)})
        assert searched.status_code == 200
        assert not active_content(searched.text)
        assert shows(client.get(pages["tickets"]).text, hostile.expected["title"])

    # --- JSON -------------------------------------------------------------------------------------

    def test_the_api_gives_back_exactly_what_was_stored(self, personas, hostile):
        api = api_as(personas.alice)
        t = hostile.ticket.pk
        expected = hostile.expected

        detail = api.get(f"/tickets/{t}").json()
        assert detail["title"] == expected["title"]
        assert detail["description"] == expected["description"]
        assert detail["requester_name"] == expected["requester_name"]
        assert detail["tags"] == [expected["tag"]]
        assert detail["root_cause"] == expected["root_cause"]
        assert detail["rating_comment"] == expected["rating_comment"]
        [listed] = [row for row in api.get("/tickets/").json()["items"] if row["id"] == t]
        assert listed["title"] == expected["title"]

        events = api.get(f"/tickets/{t}/events", limit=500).json()["items"]
        bodies = [e["comment"]["body"] for e in events if e["comment"]]
        assert bodies == [expected["reply"], expected["note"], expected["customer_reply"]]
        assert expected["status_note"] in [e["data"].get("note") for e in events]
        [visit] = api.get(f"/tickets/{t}/follow-ups").json()
        assert visit["outcome"] == expected["outcome"]

        customer = api_as(personas.dana).get(f"/tickets/{t}").json()
        assert customer["title"] == expected["title"]
        assert customer["description"] == expected["description"]

    def test_the_api_answers_with_json_whatever_the_text(self, personas, hostile):
        response = api_as(personas.alice).get(f"/tickets/{hostile.ticket.pk}")

        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.json()["title"] == hostile.expected["title"]

    # --- e-mail -----------------------------------------------------------------------------------

    def test_e_mails_have_one_line_subjects_and_plain_text_bodies(self, hostile):
        # The outbox rows the writes left: one address each, a one-line subject, text only (the
        # sender renders the HTML part from the text with autoescaping).
        assert hostile.mail, "the writes above send e-mails"
        for message in hostile.mail:
            assert "\n" not in message.subject and "\r" not in message.subject
            assert message.html == ""
            assert message.address and "," not in message.address and "\n" not in message.address
        subjects = " ".join(m.subject for m in hostile.mail)
        assert hostile.expected["title"][:40] in subjects

    # --- files ------------------------------------------------------------------------------------

    def test_file_names_lose_path_separators_and_controls(self, personas, hostile):
        [row] = [
            f
            for f in api_as(personas.alice).get(f"/tickets/{hostile.ticket.pk}/attachments").json()
            if f["id"] == hostile.file_id
        ]
        name = row["name"]

        assert "/" not in name and "\\" not in name
        assert not re.search(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]", name)
        assert name.endswith(".txt") and len(name) <= 200

    def test_every_download_is_an_attachment_that_may_not_be_sniffed(self, personas, hostile):
        t, f = hostile.ticket.pk, hostile.file_id
        downloads = {
            "staff page": client_for(personas.alice).get(reverse("tickets:attachment", args=[f])),
            "portal": client_for(personas.dana).get(reverse("portal:attachment", args=[f])),
            "api": api_as(personas.alice).get(f"/tickets/{t}/attachments/{f}"),
        }
        for surface, response in downloads.items():
            assert response.status_code == 200, surface
            disposition = response["Content-Disposition"]
            assert disposition.startswith("attachment;"), surface
            assert "\n" not in disposition and "\r" not in disposition, surface
            assert response["X-Content-Type-Options"] == "nosniff", surface
            assert response["Content-Type"].startswith("text/plain"), surface


# --- NUL bytes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/tickets/", {"title": NUL_TEXT}, "title"),
        ("/tickets/", {"title": "正常", "description": NUL_TEXT}, "description"),
        ("/tickets/", {"title": "正常", "requester_name": NUL_TEXT}, "requester_name"),
        ("/tickets/", {"title": "正常", "tags": [NUL_TEXT]}, "tags"),
        ("/tickets/{t}/reply", {"body": NUL_TEXT}, "body"),
        ("/tickets/{t}/note", {"body": NUL_TEXT}, "body"),
        ("/tickets/{t}/follow-ups", {"method": "phone", "outcome": NUL_TEXT}, "outcome"),
        ("/tickets/{t}/transition", {"status": "closed", "note": NUL_TEXT}, "note"),
    ],
    ids=["title", "description", "requester", "tag", "reply", "note", "follow-up", "status-note"],
)
def test_the_api_refuses_nul_bytes_with_a_field_error(personas, scene, path, payload, field):
    before = (Ticket.objects.count(), scene.fresh().version)

    response = api_as(personas.alice).post(path.format(t=scene.ticket.pk), payload)

    assert field in error_fields(response)
    assert (Ticket.objects.count(), scene.fresh().version) == before


def test_the_api_refuses_nul_bytes_in_a_change(personas, scene):
    api = api_as(personas.alice)

    for name in ("title", "description", "root_cause"):
        response = api.patch(f"/tickets/{scene.ticket.pk}", {name: NUL_TEXT})
        assert name in error_fields(response)
    assert "\x00" not in scene.fresh().title


def test_searching_for_a_nul_byte_is_refused_with_a_reason(personas, scene):
    api = api_as(personas.alice)
    page = client_for(personas.alice)

    for name in ("q", "tag"):
        query: dict[str, str] = {name: NUL_TEXT}
        assert name in error_fields(api.get("/tickets/", **query))
        html = page.get(reverse("tickets:list"), query)
        assert html.status_code == 200, name  # the bad value is explained and left out
        assert "Null characters are not allowed." in html.text
    saved = page.post(reverse("tickets:saved_filter_save"), {"name": NUL_TEXT, "query": ""})
    assert saved.status_code == 302
    assert not SavedFilter.objects.filter(name__contains="前").exists()


def test_pages_refuse_nul_bytes_with_a_form_error(personas, scene):
    staff, customer = client_for(personas.alice), client_for(personas.dana)
    version = scene.fresh().version
    answers = [
        staff.post(
            reverse("tickets:reply", args=[scene.ticket.pk]),
            {"kind": "note", "body": NUL_TEXT, "version": version},
        ),
        customer.post(reverse("portal:reply", args=[scene.ticket.pk]), {"body": NUL_TEXT}),
        customer.post(
            reverse("portal:new"),
            {"item": scene.item.pk, "type": "consultation", "title": NUL_TEXT, "description": "x"},
        ),
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert not scene.ticket.comments.filter(body__contains="前").exists()
