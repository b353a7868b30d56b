"""No English left in the Chinese interface: every main page and form, drawn in Simplified
Chinese on the whole demo as each kind of user sees it, with the forms' errors too, has no text
that is English words only (option labels, filter choices, choice labels, headers, buttons,
help texts, error messages). Names that stay as they are (Opsbook, SLA, Excel, file types, time
zones, codes, e-mail addresses) are allowed."""

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from html.parser import HTMLParser
from zoneinfo import ZoneInfo, available_timezones

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoDbBlocker

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.calendars.models import Calendar
from opsbook.catalog.models import Category, ServiceContent, ServiceItem
from opsbook.demo.loader import load_demo
from opsbook.people.invitations import invitation_link
from opsbook.people.tests.helpers import sheets as people_sheets
from opsbook.people.tests.helpers import xlsx as people_xlsx
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.security_helpers import like_a_test, rolled_back

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)  # within the demo's year, after the next-year warning starts

# Words that are names, not English: the product, standards, file types, the language menu.
KEEP = {
    *("opsbook", "sla", "api", "kpi", "excel", "csv", "xlsx", "ics", "icalendar", "txt"),
    *("english", "chinesecalendar", "png", "jpg", "jpeg", "pdf", "gbk", "utf", "id", "url"),
    *("ok", "www", "http", "https", "cn"),
}
WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
# Things that are not prose: codes, e-mail addresses, paths, time zones, commands, versions.
NOT_PROSE = re.compile(
    r"^[\w.+-]+@[\w.-]+$|^/|^[A-Z]+[-_]?\d|^[A-Za-z]+/[A-Za-z_+-]+(/[A-Za-z_+-]+)?$|^opsbook |"
    r"^`|^v?\d"
)
TIME_ZONES = available_timezones()
SKIP_TAGS = {"script", "style", "code", "kbd", "pre", "textarea", "title"}


class _Texts(HTMLParser):
    """Visible text nodes, option labels and placeholders, with their element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("placeholder", "title", "aria-label", "data-confirm", "data-label"):
            if values.get(name):
                self.found.append((f"{tag}[{name}]", values[name] or ""))
        if tag not in {"input", "br", "hr", "img", "meta", "link"}:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if data.strip() and not SKIP_TAGS.intersection(self.stack):
            self.found.append((self.stack[-1] if self.stack else "", data.strip()))


def english_texts(html: str, names: frozenset[str] = frozenset()) -> list[str]:
    """The texts of ``html`` that are English prose (no Chinese at all, real words); a text
    that is one of ``names`` (a username, a customer's code: data, not labels) is not."""
    parser = _Texts()
    parser.feed(html.split("<body", 1)[-1].split(">", 1)[-1])
    english = []
    for where, text in parser.found:
        if CJK.search(text) or NOT_PROSE.search(text) or text in TIME_ZONES or text in names:
            continue
        words = [w for w in WORD.findall(text) if w.lower() not in KEEP and w not in names]
        if words:
            english.append(f"<{where}> {text}")
    return english


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker: DjangoDbBlocker, tmp_path_factory) -> Iterator[None]:
    with rolled_back(django_db_blocker):
        with (
            django_db_blocker.unblock(),
            like_a_test(tmp_path_factory.mktemp("media")),
            time_machine.travel(datetime.combine(TODAY, time(10), tzinfo=SHANGHAI), tick=False),
        ):
            load_demo(TODAY)
        yield


@pytest.fixture
def at_demo_time(demo, db, time_machine, settings):
    settings.PUBLIC_FEEDBACK_ENABLED = True
    time_machine.move_to(datetime.combine(TODAY, time(10), tzinfo=SHANGHAI), tick=False)


def chinese_client(username: str | None) -> Client:
    client = Client(headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def staff_pages() -> list[str]:
    item = ServiceItem.objects.filter(contents__isnull=False).order_by("pk").first()
    content = ServiceContent.objects.order_by("pk").first()
    category = Category.objects.order_by("pk").first()
    calendar = Calendar.objects.order_by("pk").first()
    assert item and content and category and calendar
    tickets = [
        Ticket.objects.filter(type=kind).order_by("pk").first()
        for kind in Ticket.objects.values_list("type", flat=True).distinct()
    ]
    return [
        reverse("tickets:list"),
        reverse("tickets:list")
        + "?status=new&sla=breached&ordering=priority&q=xyz&created_from=bad",
        reverse("tickets:new"),
        *(reverse("tickets:detail", args=[t.pk]) for t in tickets if t),
        reverse("catalog:tree"),
        reverse("catalog:tree") + "?status=draft&tier=core",
        reverse("catalog:item", args=[item.pk]),
        reverse("catalog:item_edit", args=[item.pk]),
        reverse("catalog:item_create"),
        reverse("catalog:content_create", args=[item.pk]),
        reverse("catalog:content_edit", args=[content.pk]),
        reverse("catalog:categories"),
        reverse("catalog:category_edit", args=[category.pk]),
        reverse("catalog:import"),
        reverse("calendars:list"),
        reverse("calendars:create"),
        reverse("calendars:detail", args=[calendar.pk]),
        reverse("calendars:edit", args=[calendar.pk]),
        reverse("calendars:hours", args=[calendar.pk]),
        reverse("calendars:exception_create", args=[calendar.pk]),
        reverse("calendars:years", args=[calendar.pk]),
        reverse("calendars:import", args=[calendar.pk]),
        reverse("accounts:preferences"),
        reverse("accounts:password_change"),
        reverse("tickets:default_targets"),
        *people_pages(),
    ]


def people_pages() -> list[str]:
    """The people pages (staff, teams, customers, contacts, the roster import), lists filtered
    and unfiltered, and one record of each kind."""
    person = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    contact = User.objects.filter(role=Role.CUSTOMER).order_by("pk").first()
    team = Team.objects.order_by("pk").first()
    customer = Customer.objects.order_by("pk").first()
    assert person and contact and team and customer
    return [
        reverse("people:staff"),
        reverse("people:staff") + "?q=xyz&state=uninvited",
        reverse("people:staff_new"),
        reverse("people:staff_edit", args=[person.pk]),
        reverse("people:teams"),
        reverse("people:team_new"),
        reverse("people:team_edit", args=[team.pk]),
        reverse("people:customers"),
        reverse("people:customers") + "?q=xyz",
        reverse("people:customer_new"),
        reverse("people:customer_edit", args=[customer.pk]),
        reverse("people:contacts"),
        reverse("people:contacts") + f"?customer={customer.pk}&q=xyz",
        reverse("people:contact_new"),
        reverse("people:contact_edit", args=[contact.pk]),
        reverse("people:import"),
    ]


def portal_pages(username: str) -> list[str]:
    ticket = Ticket.objects.filter(contact__username=username).order_by("pk").first()
    assert ticket is not None
    return [
        reverse("portal:home"),
        reverse("portal:new"),
        reverse("portal:ticket", args=[ticket.pk]),
    ]


def data_names() -> frozenset[str]:
    """Usernames and customer codes: the people pages list them as they are."""
    usernames = User.objects.values_list("username", flat=True)
    return frozenset([*usernames, *Customer.objects.values_list("code", flat=True)])


def collect(client: Client, urls: list[str], method: str = "get") -> list[str]:
    """One line per English text: the request, the element and the text."""
    names = data_names()
    found = []
    for url in urls:
        response = getattr(client, method)(url, {} if method == "post" else None)
        assert response.status_code in {200, 400, 403, 404, 409}, (url, response.status_code)
        if response.status_code == 404:
            continue  # outside this user's scope (the error pages are tested on their own)
        texts = english_texts(response.text, names)
        found += [f"{method.upper()} {url} {text}" for text in texts]
    return found


def test_pages_for_staff_have_no_english_left(at_demo_time):
    found = []
    for username in ("admin", "manager", "alice", "viewer"):
        found += [
            f"{username}: {line}" for line in collect(chinese_client(username), staff_pages())
        ]
    assert not found, "\n".join(dict.fromkeys(found))


def test_the_customer_portal_and_public_pages_have_no_english_left(at_demo_time):
    found = collect(chinese_client("chenjing"), portal_pages("chenjing"))
    found += collect(chinese_client(None), [reverse("accounts:login"), reverse("portal:feedback")])
    assert not found, "\n".join(dict.fromkeys(found))


def test_forms_sent_empty_answer_in_chinese(at_demo_time):
    calendar = Calendar.objects.order_by("pk").first()
    item = ServiceItem.objects.order_by("pk").first()
    assert calendar and item
    staff = [
        reverse("tickets:new"),
        reverse("catalog:item_create"),
        reverse("catalog:item_edit", args=[item.pk]),
        reverse("catalog:content_create", args=[item.pk]),
        reverse("catalog:categories"),
        reverse("catalog:import"),
        reverse("calendars:create"),
        reverse("calendars:edit", args=[calendar.pk]),
        reverse("calendars:hours", args=[calendar.pk]),
        reverse("calendars:exception_create", args=[calendar.pk]),
        reverse("calendars:years", args=[calendar.pk]),
        reverse("calendars:import", args=[calendar.pk]),
        reverse("accounts:preferences"),
        reverse("accounts:password_change"),
        reverse("people:staff_new"),
        reverse("people:team_new"),
        reverse("people:customer_new"),
        reverse("people:contact_new"),
        reverse("people:import"),
    ]
    found = collect(chinese_client("admin"), staff, "post")
    found += collect(chinese_client("chenjing"), [reverse("portal:new")], "post")
    found += collect(chinese_client(None), [reverse("portal:feedback")], "post")
    assert not found, "\n".join(dict.fromkeys(found))


def test_the_check_finds_english_labels():
    html = (
        "<body><select><option>High</option><option>高</option><option>Asia/Shanghai</option>"
        '</select><th>Created</th><button title="Save">保存</button><td>KC-01</td>'
        "<code>opsbook calendar sync-cn</code><p>SLA 与 Excel</p></body>"
    )

    assert english_texts(html) == ["<option> High", "<th> Created", "<button[title]> Save"]


def test_every_choice_label_has_a_chinese_translation():
    untranslated = []
    with translation.override("zh-hans"):
        for choices in all_subclasses(models.TextChoices):
            if not choices.__module__.startswith("opsbook."):
                continue
            for value, label in choices.choices:
                if not CJK.search(str(label)) and str(label).lower() not in KEEP:
                    untranslated.append(f"{choices.__module__}.{choices.__name__}.{value}: {label}")
    assert not untranslated, "\n".join(untranslated)


def all_subclasses(cls: type[models.TextChoices]) -> list[type[models.TextChoices]]:
    found: list[type[models.TextChoices]] = []
    for sub in cls.__subclasses__():
        found += [sub, *all_subclasses(sub)]
    return found


def test_created_is_a_time_column_not_the_new_status(at_demo_time):
    html = chinese_client("manager").get(reverse("tickets:list")).text

    assert '<th scope="col">创建时间</th>' in html
    assert 'data-label="创建时间"' in html
    assert ">新建</label>" in html  # the status keeps its word
    assert '<th scope="col">新建</th>' not in html


def test_people_forms_with_errors_answer_in_chinese(at_demo_time):
    person = User.objects.filter(role=Role.AGENT).order_by("pk").first()
    contact = User.objects.filter(role=Role.CUSTOMER).order_by("pk").first()
    team = Team.objects.order_by("pk").first()
    customer = Customer.objects.order_by("pk").first()
    assert person and contact and team and customer
    client = chinese_client("admin")
    bad = {"name": "", "display_name": "", "username": "坏 名字", "email": "not-an-address"}
    bad |= {"role": "captain", "team": "999999", "customer": "999999", "code": "坏 编号"}
    found = []
    for url in (
        reverse("people:staff_new"),
        reverse("people:staff_edit", args=[person.pk]),
        reverse("people:team_edit", args=[team.pk]),
        reverse("people:customer_new"),
        reverse("people:customer_edit", args=[customer.pk]),
        reverse("people:contact_new"),
        reverse("people:contact_edit", args=[contact.pk]),
    ):
        response = client.post(url, bad)
        assert response.status_code in {200, 400}, (url, response.status_code)
        found += [f"POST {url} {text}" for text in english_texts(response.text, data_names())]
    assert not found, "\n".join(dict.fromkeys(found))


def test_the_sla_default_targets_page_with_errors_answers_in_chinese(at_demo_time):
    client = chinese_client("manager")
    url = reverse("tickets:default_targets")
    page = client.get(url).text
    names = re.findall(r'name="([^"]+-(?:response_minutes|resolution_minutes|time_basis))"', page)
    assert names, "the page shows the targets' fields"
    data = {name: "bogus" if name.endswith("time_basis") else "-5" for name in names}

    response = client.post(url, data)

    assert response.status_code == 400
    found = english_texts(response.text)
    found += [f"viewer: {t}" for t in english_texts(chinese_client("viewer").get(url).text)]
    assert not found, "\n".join(dict.fromkeys(found))


def test_the_roster_import_wizard_answers_in_chinese(at_demo_time):
    client = chinese_client("admin")
    roster = people_xlsx(
        people_sheets(
            员工=[
                ["姓名", "登录名", "邮箱", "电话", "团队", "角色", "团队负责人", "月工时", "启用"],
                [
                    "王芳",
                    "wangfang",
                    "wangfang@example.com",
                    "",
                    "无此团队",
                    "船长",
                    "也许",
                    -1,
                    "是",
                ],
                ["赵强", "zhaoqiang", "不是邮箱", "", "", "客服", "否", "", "是"],
            ]
        )
    )
    found = []
    # The logins and codes in the file are data too.
    names = data_names() | {"wangfang", "zhaoqiang", "liuyang", "xinghe"}
    for name, data in (("花名册.xlsx", roster), ("花名册.xlsx", people_xlsx(people_sheets()))):
        upload = SimpleUploadedFile(name, data)
        response = client.post(reverse("people:import"), {"file": upload})
        assert response.status_code == 302, response.text[:2000]
        preview = client.get(reverse("people:import_preview"))
        assert preview.status_code == 200
        found += [f"preview {name}: {t}" for t in english_texts(preview.text, names)]
        token = re.search(r'name="upload" value="([^"]+)"', preview.text)
        if token is None:  # a roster with problems is not offered for import
            assert "船长" in preview.text
            continue
        done = client.post(reverse("people:import_confirm"), {"upload": token.group(1)})
        assert done.status_code == 200
        found += [f"done {name}: {t}" for t in english_texts(done.text, names)]
    bad_file = SimpleUploadedFile("花名册.xlsx", b"not a workbook")
    response = client.post(reverse("people:import"), {"file": bad_file}, follow=True)
    found += [f"bad file: {t}" for t in english_texts(response.text)]
    assert not found, "\n".join(dict.fromkeys(found))


def test_the_set_password_page_of_an_invitation_answers_in_chinese(at_demo_time):
    person = User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()
    assert person is not None
    client = chinese_client(None)
    link = invitation_link(person).removeprefix(settings.OPSBOOK_BASE_URL)

    page = client.get(link, follow=True)
    assert page.status_code == 200
    set_password = page.redirect_chain[-1][0] if page.redirect_chain else link
    errors = client.post(set_password, {"new_password1": "abc", "new_password2": "abd"})
    assert errors.status_code == 200
    expired = client.get(link.replace("/welcome/", "/welcome/x").rstrip("/") + "x/", follow=True)

    names = data_names()
    found = [f"page: {t}" for t in english_texts(page.text, names)]
    found += [f"errors: {t}" for t in english_texts(errors.text, names)]
    found += [f"expired: {t}" for t in english_texts(expired.text, names)]
    assert not found, "\n".join(dict.fromkeys(found))
