"""Owner names no user or team has: listed once with their rows, then created as staff members
(name only) or mapped to an existing user or team, in the import's one transaction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.accounts.testing import make_user
from opsbook.audit.models import AuditEntry
from opsbook.catalog.excel.exporter import export_catalog
from opsbook.catalog.excel.owners import CREATE, OwnerChoice, OwnerChoices
from opsbook.catalog.models import Ownership, ServiceContent

from .excel_helpers import counts, csv_bytes, run, table, xlsx

BASE = {"一级分类": "客户服务", "二级分类": "热线服务", "服务项目": "400热线"}
ROWS = [
    {**BASE, "服务内容": "接听来电", "责任人": "张三、王工"},
    {**BASE, "服务内容": "回访", "责任人": "王工"},
    {**BASE, "服务内容": "投诉处理", "责任人": "李师傅"},
]


@pytest.fixture
def staff(personas):
    personas.alice.display_name = "张三"
    personas.alice.save()
    personas.mia, personas.erin  # noqa: B018  (created before counting users)
    return personas


def load(rows=ROWS, **kwargs):
    header = list(dict.fromkeys(k for r in rows for k in r))
    return run(xlsx(table(rows, header)), **kwargs)


def owners_of(name: str) -> list[str]:
    content = ServiceContent.objects.get(name=name)
    return [
        str(o.user.label if o.user else o.team)
        for o in Ownership.objects.filter(content=content).select_related("user", "team")
    ]


def test_each_unknown_name_is_listed_once_with_the_rows_using_it(staff):
    report = load()

    assert not report.ok
    assert [(o["name"], o["rows"], o["choice"]) for o in report.owner_names] == [
        ("王工", [2, 3], ""),
        ("李师傅", [4], ""),
    ]
    assert report.unknown_owners == ["王工", "李师傅"]


def test_creating_the_unknown_owners_imports_the_file_in_one_go(staff):
    report = load(owners=OwnerChoices(create_all=True), actor=staff.mia)

    assert report.ok, report.problems
    created = {o["name"]: User.objects.get(pk=o["id"]) for o in report.created_owners}
    assert sorted(created) == ["李师傅", "王工"]
    wang = created["王工"]
    assert (wang.display_name, wang.role, wang.is_active, wang.email) == ("王工", "agent", True, "")
    assert not wang.has_usable_password()
    assert wang.username == "staff-1" and created["李师傅"].username == "staff-2"
    assert owners_of("接听来电") == ["张三", "王工"]
    assert owners_of("投诉处理") == ["李师傅"]
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(wang.pk))
    assert (entry.action, entry.actor_id, entry.source) == ("create", staff.mia.pk, "import")
    assert entry.changes["display_name"] == [None, "王工"]


def test_a_dry_run_shows_what_would_be_created_and_writes_nothing(staff):
    before = counts()
    users = User.objects.count()

    report = load(owners=OwnerChoices(create_all=True), actor=staff.mia, dry_run=True)

    assert report.ok, report.problems
    assert [(o["name"], o["choice"]) for o in report.owner_names] == [
        ("王工", CREATE),
        ("李师傅", CREATE),
    ]
    assert report.created_owners == []
    assert (counts(), User.objects.count()) == (before, users)


def test_importing_again_with_the_same_choices_creates_nobody(staff):
    choices = OwnerChoices({"王工": OwnerChoice(CREATE), "李师傅": OwnerChoice(CREATE)})
    assert load(owners=choices, actor=staff.mia).ok
    users = User.objects.count()
    audit = AuditEntry.objects.count()

    again = load(owners=choices, actor=staff.mia)

    assert again.ok, again.problems
    assert again.created_owners == [] and again.owner_names == []
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, audit)
    assert again.summary["contents"] == {"created": 0, "updated": 0, "unchanged": 3}


def test_a_name_can_be_mapped_to_an_existing_user_or_team(staff):
    staff.bob  # noqa: B018
    staff.support_team  # noqa: B018  (created before the choices are read)
    choices = OwnerChoices.from_logins(["王工=bob", "李师傅=客服部"])
    users = User.objects.count()

    report = load(owners=choices, actor=staff.mia)

    assert report.ok, report.problems
    assert User.objects.count() == users
    assert owners_of("接听来电") == ["张三", staff.bob.label]
    assert owners_of("投诉处理") == ["客服部"]


def test_a_mapping_to_nobody_is_refused_naming_the_pair(staff):
    with pytest.raises(ValidationError) as raised:
        OwnerChoices.from_logins(["王工=nobody", "李师傅"])

    assert raised.value.messages == [
        "王工=nobody: no active staff member has the username nobody and no team has that name.",
        "李师傅: write NAME=LOGIN.",
    ]


def test_a_customer_contact_or_an_inactive_user_cannot_be_chosen(staff):
    staff.bob.is_active = False
    staff.bob.save()

    for login in ("dana", "bob"):
        getattr(staff, login)
        with pytest.raises(ValidationError):
            OwnerChoices.from_logins([f"王工={login}"])
    with pytest.raises(ValidationError):
        OwnerChoices.from_values({"王工": f"user:{staff.dana.pk}"})


def test_a_name_with_no_choice_still_refuses_the_whole_file(staff):
    before = counts()
    users = User.objects.count()

    report = load(owners=OwnerChoices({"王工": OwnerChoice(CREATE)}), actor=staff.mia)

    assert not report.ok
    assert [p.row for p in report.problems] == [4]
    assert "Unknown owner 李师傅" in report.problems[0].message
    assert (counts(), User.objects.count()) == (before, users)


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
def test_only_managers_and_admins_may_create_owners(staff, role):
    someone = make_user(f"someone-{role}", role)
    users = User.objects.count()

    with pytest.raises(PermissionDenied):
        load(owners=OwnerChoices(create_all=True), actor=someone)

    assert User.objects.count() == users


def test_an_admin_may_create_owners(staff):
    assert load(owners=OwnerChoices(create_all=True), actor=staff.erin).ok


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("王\x07工", "control characters"),
        ("王\u200e工", "control characters"),
        ("甲" * 200, "longer than 100 characters"),
        ('=HYPERLINK("http://x")', "looks like a spreadsheet formula"),
        ("@SUM(A1)", "looks like a spreadsheet formula"),
        ("+86 138", "looks like a spreadsheet formula"),
    ],
)
def test_a_hostile_name_is_not_created_and_nothing_is_written(staff, name, why):
    before = counts()
    users = User.objects.count()
    rows = [{**BASE, "服务内容": "接听来电", "责任人": name}]
    data = csv_bytes(table(rows, list(rows[0])))  # as typed: a CSV keeps any text

    report = run(data, "清单.csv", owners=OwnerChoices(create_all=True), actor=staff.mia)

    assert not report.ok
    (problem,) = report.problems
    assert (problem.row, problem.column) == (2, "责任人")
    assert "cannot be created" in problem.message and why in problem.message
    assert (counts(), User.objects.count()) == (before, users)


def test_a_formula_looking_name_may_be_mapped_and_exports_as_text(staff):
    rows = [{**BASE, "服务内容": "接听来电", "责任人": "=1+1"}]
    staff.bob  # noqa: B018
    choices = OwnerChoices.from_logins(["=1+1=bob"])

    report = run(csv_bytes(table(rows, list(rows[0]))), "清单.csv", owners=choices, actor=staff.mia)

    assert report.ok, report.problems
    assert owners_of("接听来电") == [staff.bob.label]
    assert b"=1+1" not in export_catalog()


def test_a_latin_name_gets_a_readable_username(staff):
    rows = [{**BASE, "服务内容": "接听来电", "责任人": "Li Lei"}]
    User.objects.create(username="li-lei", display_name="someone else")

    report = load(rows, owners=OwnerChoices(create_all=True), actor=staff.mia)

    assert report.ok, report.problems
    assert [o["username"] for o in report.created_owners] == ["li-lei-2"]
