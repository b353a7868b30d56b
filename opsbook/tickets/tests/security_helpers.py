"""The scene the permission matrix and the hostile-input tests share, and what they check HTML
with.

One service (热线电话服务, owned by alice, so its tickets go to alice and her team 客服部) that
both 星火教育 (dana's organisation) and 明远学校 (carl's) receive, and one that neither does
(charlie's on-site visits). Ticket A is 星火教育's, resolved after a public reply with a
public file, with an internal note and an internal file beside them, and a one-time rating
link. alice has a saved filter. Requests go through the whole URL and middleware stack:
sessions for pages, real bearer tokens for the API.

``scene`` builds it for each test. A module with many tests on the same scene builds it once
instead (``built_scene``: created inside a transaction that is rolled back when the module
ends); each of its tests runs in its own savepoint inside that transaction and gets fresh copies
of the personas and the scene, so what one test changes, in the database or on the objects,
never reaches the next. Such a module binds the fixtures under the usual names:

    built_scene, scene_copy = security_helpers.built_scene, security_helpers.scene_copy
    personas, scene = security_helpers.personas_of_built_scene, security_helpers.copied_scene
"""

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation
from pytest_django import DjangoDbBlocker

import opsbook.settings
from opsbook.accounts.testing import Personas
from opsbook.calendars.models import Calendar
from opsbook.catalog.models import ServiceItem
from opsbook.jobs.testing import run_when_enqueued
from opsbook.tickets import filters, satisfaction, services
from opsbook.tickets.models import Attachment, Comment, SavedFilter, Ticket
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

TITLE_A = "星火教育：无法登录"
PUBLIC_REPLY = "已重置密码，请再试一次。"
INTERNAL_NOTE = "内部备注：账号被风控锁定，勿告知客户"
PUBLIC_FILE = "截图.png"
INTERNAL_FILE = "内部排查.txt"
INTERNAL_FILE_TEXT = "仅限员工：数据库连接串"


def png(name=PUBLIC_FILE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def text_file(name: str, text: str = "日志内容\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


@dataclass
class Scene:
    calendar: Calendar
    item: ServiceItem  # both organisations receive it; alice is its primary owner
    other_item: ServiceItem  # nobody receives it; charlie's team owns it
    ticket: Ticket  # ticket A: 星火教育's, alice's team, resolved
    other_ticket: Ticket  # 技术支持部's ticket for 明远学校 (outside alice's scope)
    reply: Comment
    note: Comment
    public_file: Attachment
    internal_file: Attachment
    saved_filter: SavedFilter  # alice's
    token: str  # ticket A's one-time rating link

    def fresh(self) -> Ticket:
        return Ticket.objects.get(pk=self.ticket.pk)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def scene(personas, media, settings) -> Scene:
    settings.PUBLIC_FEEDBACK_ENABLED = True
    return build_scene(personas)


def build_scene(personas: Personas) -> Scene:
    for person, address in (
        (personas.dana, "dana@xinghuo.example"),
        (personas.carl, "carl@mingyuan.example"),
        (personas.alice, "alice@opsbook.example"),
        (personas.bob, "bob@opsbook.example"),
        (personas.charlie, "charlie@opsbook.example"),
    ):
        person.email = address
        person.save()
    personas.erin, personas.vera, personas.mia  # noqa: B018 (created on first use)
    calendar = make_calendar()
    item = make_service(
        personas.alice,
        code="SVC-HOT",
        name="热线电话服务",
        standards=(("phone", "", 30, 480, "business"), ("portal", "", 60, 960, "business")),
    )
    other_item = make_service(personas.charlie, code="SVC-VISIT", name="上门巡检")
    give_service(personas.customer_a, item)
    give_service(personas.customer_b, item)
    ticket = make_ticket(
        personas.mia, item, title=TITLE_A, customer=personas.customer_a, contact=personas.dana
    )
    reply = services.do_reply(personas.alice, ticket, PUBLIC_REPLY, files=[png()])
    note = services.do_add_note(personas.alice, ticket, INTERNAL_NOTE)
    [internal_file] = services.do_add_attachments(
        personas.alice, ticket, [text_file(INTERNAL_FILE, INTERNAL_FILE_TEXT)], public=False
    )
    ticket.refresh_from_db()
    services.do_change_status(personas.alice, ticket, "resolved")
    ticket.refresh_from_db()
    other_ticket = make_ticket(
        personas.mia, other_item, title="明远学校：上门巡检", customer=personas.customer_b
    )
    saved_filter, _created = filters.do_save_ticket_filter(
        personas.alice, name="我的未结工单", query="status=new"
    )
    return Scene(
        calendar=calendar,
        item=item,
        other_item=other_item,
        ticket=ticket,
        other_ticket=other_ticket,
        reply=reply,
        note=note,
        public_file=ticket.attachments.get(is_public=True),
        internal_file=internal_file,
        saved_filter=saved_filter,
        token=satisfaction.create_request(ticket),
    )


# --- the scene built once per module ----------------------------------------------------------


@dataclass
class Built:
    personas: Personas
    scene: Scene
    media: Path


@contextmanager
def rolled_back(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """A transaction on the test database, open while the block runs (and the tests inside it:
    each of theirs is a savepoint within), rolled back at its end."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@contextmanager
def like_a_test(media: Path) -> Iterator[None]:
    """What the suite's per-test fixtures (opsbook/conftest.py) and ``scene`` set, for writing
    outside a test: fast password hashing, tasks run when enqueued, messages in English, files
    under ``media``, the public feedback form on."""
    with (
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS=run_when_enqueued(opsbook.settings.TASKS),
            MEDIA_ROOT=media,
            PUBLIC_FEEDBACK_ENABLED=True,
        ),
        translation.override("en"),
    ):
        yield


@pytest.fixture(scope="module")
def built_scene(
    django_db_setup, django_db_blocker: DjangoDbBlocker, tmp_path_factory
) -> Iterator[Built]:
    """The scene, built once for the module and rolled back after its last test."""
    media = tmp_path_factory.mktemp("media")
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock(), like_a_test(media):
            personas = Personas()
            built = Built(personas, build_scene(personas), media)
        yield built


@pytest.fixture
def scene_copy(built_scene: Built, db, settings) -> tuple[Personas, Scene]:
    """For one test: copies of the built personas and scene (copied together, so an object
    both hold stays one object), and the scene's settings."""
    settings.MEDIA_ROOT = built_scene.media
    settings.PUBLIC_FEEDBACK_ENABLED = True
    return copy.deepcopy((built_scene.personas, built_scene.scene))


@pytest.fixture
def personas_of_built_scene(scene_copy: tuple[Personas, Scene]) -> Personas:
    return scene_copy[0]


@pytest.fixture
def copied_scene(scene_copy: tuple[Personas, Scene]) -> Scene:
    return scene_copy[1]


def client_for(user=None) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


# --- what "inert" means for an HTML answer ----------------------------------------------------

# A URL scheme that runs script, however it is written: mixed case, entities, or with tabs and
# line breaks inside (browsers drop those before reading the scheme).
ACTIVE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "srcdoc"})
OWN_SCRIPT = re.compile(r"^/(?![/\\])")  # a path on this site (not //other.host)


class _ActiveContent(HTMLParser):
    """Collects everything in a page that a browser would run: inline scripts, scripts from
    elsewhere than the site's static files, event-handler attributes, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not OWN_SCRIPT.match(names.get("src") or ""):
            self.found.append(f"<script {names}>")
        if tag in {"iframe", "object", "embed", "base"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value:
                cleaned = re.sub(r"[\x00-\x20]", "", unescape(value))
                if ACTIVE_SCHEME.match(cleaned):
                    self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_inert(html: str) -> None:
    """Nothing a user typed became markup: no script, handler or script URL in the page."""
    found = active_content(html)
    assert not found, found
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "<img src=x" not in lowered
    assert "<svg/onload" not in lowered
