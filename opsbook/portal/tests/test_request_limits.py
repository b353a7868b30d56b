"""Bodies over the limit are refused (413) before anything reads them, on every upload route.

Each request here is handed to Django with a ``wsgi.input`` that fails the test if anything reads
from it: a client that announces 1 GB and sends nothing used to hang the CSRF middleware, and a
200 MB body was spooled to disk before the view's own size check.
"""

import json
import sys
from io import BytesIO

import pytest
from django.test import Client
from django.test.client import ClientHandler

from opsbook.calendars.models import Calendar
from opsbook.tickets.models import Attachment, Ticket

GIGABYTE = 1024**3


class Unreadable:
    """A request body that must not be read."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read

    def __iter__(self):
        raise AssertionError("the request body was read")


def send(user, path, *, length: int | None, language="zh-hans", body=None, chunked=False):
    """POST ``path`` as ``user`` straight through Django's handler (CSRF checked, as in
    production), announcing ``length`` bytes."""
    client = Client()
    client.force_login(user)
    client.get("/accounts/login/")  # a CSRF cookie
    cookies = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookies,
        "HTTP_ACCEPT_LANGUAGE": language,
        "CONTENT_TYPE": "multipart/form-data; boundary=opsbook",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": Unreadable() if body is None else BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return ClientHandler(enforce_csrf_checks=True)(environ)


def text(response) -> str:
    """The answer's text, with the no-break space of sizes ("21.0 MB") made plain."""
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def calendar(db):
    return Calendar.objects.create(name="办公时间", time_zone="Asia/Shanghai")


def routes(personas, world, calendar):
    """(who, path) for every page that takes files."""
    return [
        (personas.dana, "/portal/new/"),
        (personas.dana, f"/portal/tickets/{world.dana_ticket.pk}/reply/"),
        (personas.alice, f"/tickets/{world.dana_ticket.pk}/attachments/"),
        (personas.alice, f"/tickets/{world.dana_ticket.pk}/reply/"),
        (personas.alice, "/tickets/new/"),
        (personas.mia, "/catalog/import/"),
        (personas.mia, "/people/import/"),
        (personas.erin, f"/calendars/{calendar.pk}/import/"),
    ]


def test_a_gigabyte_is_refused_on_every_upload_page_without_reading_it(personas, world, calendar):
    tickets_before = Ticket.objects.count()
    for user, path in routes(personas, world, calendar):
        response = send(user, path, length=GIGABYTE)
        assert response.status_code == 413, path
        page = text(response)
        assert "请求过大" in page, path
        assert "21.0 MB" in page, path  # the site-wide limit: 20 MB of import plus the form
        assert "URLconf" not in page and "Traceback" not in page
    assert Ticket.objects.count() == tickets_before
    assert not Attachment.objects.exists()


def test_an_upload_page_refuses_a_body_over_its_own_limit_before_reading_it(
    personas, world, calendar, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    form_room = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    limits = {
        "/catalog/import/": settings.IMPORT_MAX_BYTES,
        "/people/import/": settings.IMPORT_MAX_BYTES,
        "/calendars/": 2 * 1024 * 1024,
    }
    for user, path in routes(personas, world, calendar):
        limit = next(
            (value for prefix, value in limits.items() if path.startswith(prefix)),
            settings.ATTACHMENT_MAX_BYTES,
        )
        response = send(user, path, length=limit + form_room + 1)
        assert response.status_code == 413, path
        assert f"{limit // (1024 * 1024)}.0 MB" in text(response), path


def test_the_message_follows_the_browsers_language(personas, world):
    response = send(personas.dana, "/portal/new/", length=GIGABYTE, language="en")
    assert response.status_code == 413
    assert "The request is larger than the 21.0 MB this page accepts" in text(response)


def test_the_api_answers_413_in_json_without_reading(personas, world):
    path = f"/api/tickets/{world.dana_ticket.pk}/attachments"
    response = send(personas.alice, path, length=GIGABYTE, language="en")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "larger than the 21.0 MB" in json.loads(response.content)["detail"].replace("\xa0", " ")


def test_a_body_of_unknown_length_is_refused_without_reading(personas, world):
    response = send(personas.dana, "/portal/new/", length=None, chunked=True, language="en")
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()


def test_a_body_within_the_limit_is_read(personas, world):
    body = b'--opsbook\r\nContent-Disposition: form-data; name="body"\r\n\r\nhi\r\n--opsbook--\r\n'
    response = send(
        personas.dana,
        f"/portal/tickets/{world.dana_ticket.pk}/reply/",
        length=len(body),
        body=body,
        language="en",
    )
    # No CSRF token in the form: the CSRF middleware read the body and refused it, with the
    # site's own page.
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
