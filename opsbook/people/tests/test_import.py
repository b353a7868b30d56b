"""The roster import: teams, staff, customer organisations and contacts, all or nothing."""

import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.accounts.services import do_create_api_token, user_for_token
from opsbook.catalog.models import CustomerService
from opsbook.catalog.testing import make_item
from opsbook.people.excel.exporter import export_people

from .helpers import counts, csv_bytes, messages, run, sheets, state, xlsx


def test_a_roster_creates_teams_staff_customers_and_contacts(db):
    report = run(xlsx(sheets()))

    assert report.ok, messages(report)
    assert report.summary["team"]["created"] == 2
    assert report.summary["staff"]["created"] == 3
    support = Team.objects.get(name="客服部")
    assert Team.objects.filter(pk=support.pk).values_list(
        "parent__name", "lead__username"
    ).get() == ("运营中心", "wangfang")
    wang = User.objects.get(username="wangfang")
    assert (wang.display_name, wang.role, wang.team, wang.capacity_hours, wang.phone) == (
        "王芳",
        Role.AGENT,
        support,
        160,
        "13800000001",
    )
    assert not wang.has_usable_password()
    assert User.objects.get(username="liuyang").role == Role.MANAGER
    contact = User.objects.get(username="chenjing")
    assert (contact.role, contact.customer) == (Role.CUSTOMER, Customer.objects.get(code="xinghe"))


def test_new_accounts_with_an_e_mail_get_a_set_password_link_and_no_password(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = run(xlsx(sheets()))

    assert report.invited == 3
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["chenjing@example.com", "wangfang@example.com", "zhaoqiang@example.com"]
    assert "/people/welcome/" in mail.outbox[0].body
    # Name-only people are listed as not invited yet.
    assert User.objects.get(username="liuyang").invited_at is None


def test_importing_the_same_file_twice_changes_nothing(db, django_capture_on_commit_callbacks):
    data = xlsx(sheets())
    assert run(data).ok
    before, audit = state(), counts()["audit"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = run(data)

    assert again.ok, messages(again)
    assert state() == before
    assert counts()["audit"] == audit
    assert callbacks == []
    assert all(c["created"] == c["updated"] == 0 for c in again.summary.values())


def test_a_dry_run_reports_and_writes_nothing(db):
    before = counts()

    report = run(xlsx(sheets()), dry_run=True)

    assert report.ok
    assert report.summary["staff"]["created"] == 3
    assert counts() == before
    assert mail.outbox == []


def test_english_headers_and_sheet_names_work(db):
    book: dict[str, list[list]] = {
        "Teams": [["Name", "Parent team"], ["Support", ""]],
        "Staff": [
            ["Name", "Login", "E-mail", "Team", "Role", "Team lead", "Capacity (hours per month)"],
            ["Amy", "amy", "amy@example.com", "Support", "agent", "yes", 100],
        ],
        "Customers": [["Code", "Name"], ["acme", "Acme School"]],
        "Contacts": [["Name", "Login", "Customer"], ["Bo", "bo", "Acme School"]],
    }

    report = run(xlsx(book))

    assert report.ok, messages(report)
    assert Team.objects.filter(name="Support", lead__username="amy").exists()
    assert User.objects.filter(username="bo", customer__code="acme").exists()


def test_one_sheet_with_a_kind_column_imports_every_kind(db):
    rows = [
        ["类型", "姓名", "登录名", "团队", "编号", "客户", "上级团队"],
        ["团队", "客服部", "", "", "", "", ""],
        ["员工", "王芳", "wangfang", "客服部", "", "", ""],
        ["客户", "星河学校", "", "", "xinghe", "", ""],
        ["联系人", "陈静", "chenjing", "", "", "xinghe", ""],
    ]

    report = run(csv_bytes(rows), "roster.csv")

    assert report.ok, messages(report)
    assert User.objects.filter(username="wangfang", team__name="客服部").exists()
    assert User.objects.filter(username="chenjing", customer__name="星河学校").exists()


def test_customers_receive_the_service_items_named_by_code(db, personas):
    make_item(code="HOT-1", name="热线")
    make_item(code="VISIT-2", name="上门")
    customers = [["编号", "名称", "服务项目"], ["xinghe", "星河学校", "HOT-1、visit-2"]]

    report = run(xlsx(sheets(客户=customers)))

    assert report.ok, messages(report)
    xinghe = Customer.objects.get(code="xinghe")
    assert sorted(
        CustomerService.objects.filter(customer=xinghe).values_list("item__code", flat=True)
    ) == ["HOT-1", "VISIT-2"]


def test_a_changed_row_updates_only_that_record(db):
    assert run(xlsx(sheets())).ok
    staff = [list(r) for r in sheets()["员工"]]
    staff[2][7] = 80  # 赵强's capacity

    report = run(xlsx(sheets(员工=staff)))

    assert report.ok, messages(report)
    assert report.summary["staff"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert User.objects.get(username="zhaoqiang").capacity_hours == 80
    assert report.rows[0]["key"] == "zhaoqiang"  # changed rows first
    assert report.rows[0]["changes"] == {"月工时": [120, 80]}


def test_a_row_marked_inactive_deactivates_the_account_for_good(db):
    assert run(xlsx(sheets())).ok
    wang = User.objects.get(username="wangfang")
    _token, raw = do_create_api_token(wang)
    staff = [list(r) for r in sheets()["员工"]]
    staff[1][8] = "否"

    assert run(xlsx(sheets(员工=staff))).ok

    assert user_for_token(raw) is None
    staff[1][8] = "是"
    assert run(xlsx(sheets(员工=staff))).ok
    assert User.objects.get(username="wangfang").is_active
    assert user_for_token(raw) is None


def test_a_manager_cannot_import_an_administrator(db, personas):
    staff = [list(r) for r in sheets()["员工"]]
    staff[3][5] = "管理员"

    report = run(xlsx(sheets(员工=staff)), actor=personas.mia)

    assert not report.ok
    assert any("员工!R4 C(角色)" in m and "administrator" in m for m in messages(report))


def test_the_command_imports_and_exports(db, tmp_path, capsys):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx(sheets()))

    call_command("people", "import", str(path), "--dry-run", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] and printed["dry_run"]
    assert not User.objects.exists()

    call_command("people", "import", str(path))
    assert "Imported." in capsys.readouterr().out
    assert User.objects.count() == 4

    out = tmp_path / "export.xlsx"
    call_command("people", "export", str(out))
    before = state()
    call_command("people", "import", str(out))
    assert state() == before


def test_the_command_exits_1_listing_the_problems(db, tmp_path, capsys):
    staff = [list(r) for r in sheets()["员工"]]
    staff[2][4] = "不存在的部门"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(sheets(员工=staff)))

    with pytest.raises(CommandError) as exc:
        call_command("people", "import", str(path))

    assert exc.value.returncode == 1
    assert "员工!R3 C(团队): There is no team called 不存在的部门." in capsys.readouterr().out
    assert not User.objects.exists()


def test_a_manager_reimports_an_export_listing_administrators_unchanged(db, personas):
    personas.erin, personas.alice, personas.mia  # noqa: B018 (created on first use)
    before = state()
    report = run(export_people(), actor=personas.mia)

    assert report.ok, messages(report)
    assert state() == before


def test_the_preview_names_changes_as_the_file_heads_them(db):
    assert run(xlsx(sheets())).ok
    staff = [list(r) for r in sheets()["员工"]]
    staff[2][4] = "运营中心"  # 赵强 moves team
    staff[2][5] = "只读"

    report = run(xlsx(sheets(员工=staff)), dry_run=True)

    (changed,) = [r for r in report.rows if r["action"] == "updated"]
    assert changed["changes"] == {"团队": ["客服部", "运营中心"], "角色": ["客服", "只读"]}
