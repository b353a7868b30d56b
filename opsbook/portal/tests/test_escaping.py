"""Script typed into titles, bodies, comments and file names is shown as text everywhere in
the portal."""

import re

import pytest
from django.urls import reverse

from opsbook.tickets import satisfaction, services

from .conftest import resolved, text_file

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
HOSTILE = f"{SCRIPT}{IMAGE}"


def assert_inert(html: str) -> None:
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def hostile_ticket(personas, world):
    ticket = services.do_create_ticket(
        personas.dana,
        title=HOSTILE,
        description=HOSTILE,
        channel="portal",
        item=world.service,
        files=[text_file(f"{SCRIPT}.txt")],
    )
    services.do_reply(personas.alice, ticket, HOSTILE, files=[text_file(f"{IMAGE}.txt")])
    return ticket


def test_the_list_and_the_ticket_page_show_script_as_text(client, personas, hostile_ticket):
    client.force_login(personas.dana)

    assert_inert(client.get(reverse("portal:home")).text)
    html = client.get(reverse("portal:ticket", args=[hostile_ticket.pk])).text
    assert_inert(html)
    assert "onerror=alert(2)>" not in html


def test_a_downloaded_file_keeps_a_harmless_name(client, personas, hostile_ticket):
    client.force_login(personas.dana)
    attachment = hostile_ticket.attachments.filter(comment__isnull=True).get()

    response = client.get(reverse("portal:attachment", args=[attachment.pk]))

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "<" not in disposition.split("filename*=")[-1]


def test_the_rating_page_shows_a_hostile_title_as_text(client, personas, hostile_ticket):
    resolved(hostile_ticket, personas.alice)
    token = satisfaction.create_request(hostile_ticket)

    assert_inert(client.get(reverse("portal:rate", args=[token])).text)


def test_a_refused_feedback_form_shows_what_was_typed_as_text(client, db, settings):
    settings.PUBLIC_FEEDBACK_ENABLED = True

    response = client.post(
        reverse("portal:feedback"),
        {"type": "complaint", "title": HOSTILE, "description": HOSTILE, "email": "x@example.com"},
    )

    assert response.status_code == 400
    html = response.text
    assert SCRIPT not in html and "<img src=x" not in html


def test_portal_pages_carry_no_inline_script_or_style(client, personas, hostile_ticket, settings):
    """The Content Security Policy allows only the site's own files."""
    settings.PUBLIC_FEEDBACK_ENABLED = True
    resolved(hostile_ticket, personas.alice)
    token = satisfaction.create_request(hostile_ticket)
    pages = [reverse("portal:rate", args=[token]), reverse("portal:feedback")]
    anonymous = [client.get(url).text for url in pages]
    client.force_login(personas.dana)
    signed_in = [
        client.get(url).text
        for url in (
            reverse("portal:home"),
            reverse("portal:new"),
            reverse("portal:ticket", args=[hostile_ticket.pk]),
        )
    ]

    for html in anonymous + signed_in:
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
        assert "<style" not in html and " style=" not in html
        assert not re.search(r"\son[a-z]+=", html.replace("onerror=alert(2)", ""))
