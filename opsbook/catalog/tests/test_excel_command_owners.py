"""`opsbook catalog import --create-owners / --map-owner NAME=LOGIN`: owners who are not users
yet, from the shell."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.accounts.testing import make_user
from opsbook.catalog.models import Ownership, ServiceContent

from .excel_helpers import table, xlsx

ROWS = [
    {"一级分类": "客户服务", "服务项目": "400热线", "服务内容": "接听", "责任人": "张三、王工"},
    {"一级分类": "客户服务", "服务项目": "400热线", "服务内容": "回访", "责任人": "李师傅"},
]


def catalog(*args) -> str:
    out = StringIO()
    call_command("catalog", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def workbook(personas, tmp_path):
    personas.alice.display_name = "张三"
    personas.alice.save()
    personas.bob, personas.mia, personas.support_team  # noqa: B018
    path = tmp_path / "清单.xlsx"
    path.write_bytes(xlsx(table(ROWS)))
    return path


def owners(content: str) -> list[str]:
    return [
        str(o.user.label if o.user else o.team)
        for o in Ownership.objects.filter(content__name=content).select_related("user", "team")
    ]


def test_unknown_owners_are_refused_with_a_hint_at_the_options(workbook):
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("catalog", "import", str(workbook), stdout=out)

    assert out.getvalue().splitlines()[-1] == (
        "Owners who are not users yet: 王工、李师傅. Name the user or team each means with "
        "--map-owner NAME=LOGIN, or create them with --create-owners."
    )
    assert ServiceContent.objects.count() == 0


def test_create_owners_creates_staff_members_once(workbook, personas):
    output = catalog("import", str(workbook), "--create-owners", "--user", "mia")

    assert "New staff member 王工 (username staff-1): invite them to sign in." in output
    assert "New staff member 李师傅 (username staff-2): invite them to sign in." in output
    assert owners("接听") == ["张三", "王工"]
    users = User.objects.count()

    again = catalog("import", str(workbook), "--create-owners", "--user", "mia")

    assert "New staff member" not in again
    assert User.objects.count() == users


def test_map_owner_names_a_user_or_a_team_and_create_owners_takes_the_rest(workbook, personas):
    output = catalog(
        "import", str(workbook), "--map-owner", "王工=bob", "--map-owner", "李师傅=客服部"
    )

    assert "New staff member" not in output
    assert owners("接听") == ["张三", personas.bob.label]
    assert owners("回访") == ["客服部"]


def test_a_dry_run_says_who_would_be_created_and_writes_nothing(workbook):
    users = User.objects.count()

    output = catalog(
        "import", str(workbook), "--dry-run", "--create-owners", "--map-owner", "王工=bob"
    )

    assert "Would create the staff member 李师傅." in output
    assert "王工" not in output
    assert User.objects.count() == users


def test_a_bad_mapping_stops_before_reading_the_file(workbook):
    with pytest.raises(CommandError) as raised:
        catalog("import", str(workbook), "--map-owner", "王工=nobody", "--map-owner", "李师傅")

    assert str(raised.value) == (
        "王工=nobody: no active staff member has the username nobody and no team has that name. "
        "李师傅: write NAME=LOGIN."
    )


def test_create_owners_needs_a_manager_or_an_admin(workbook):
    make_user("lead", Role.AGENT)

    with pytest.raises(CommandError):
        catalog("import", str(workbook), "--create-owners", "--user", "lead")

    assert not User.objects.filter(display_name="王工").exists()
