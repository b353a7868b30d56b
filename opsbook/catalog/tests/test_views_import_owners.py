"""The import wizard's preview: owners who are not users yet are decided there (created or
mapped), the rows to look at come first with what changes in each, and bad cells are marked."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.accounts.testing import make_user
from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import Ownership, ServiceContent
from opsbook.catalog.testing import make_category, make_item
from opsbook.catalog.views.spreadsheets import STAGED

IMPORT = reverse("catalog:import")
PREVIEW = reverse("catalog:import_preview")
OWNERS = reverse("catalog:import_owners")
CONFIRM = reverse("catalog:import_confirm")

FILE = "\n".join(
    [
        "一级分类,服务项目,服务内容,责任人",
        "客户服务,热线,接听来电,张三、王工",
        "客户服务,热线,回访,王工",
        "客户服务,热线,投诉处理,李师傅",
    ]
)


@pytest.fixture
def client():
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture(autouse=True)
def imports(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def manager(client, personas):
    assert personas.alice.label == "张三"
    personas.support_team, personas.bob  # noqa: B018  (choices in the preview)
    client.force_login(personas.mia)
    return client


def upload(client, text: str = FILE) -> str:
    file = SimpleUploadedFile("清单.csv", text.encode(), content_type="text/csv")
    assert client.post(IMPORT, {"file": file}).status_code == 302
    return client.session[STAGED.session_key]["token"]


def owner_rows(html: str) -> list[tuple[str, str]]:
    section = html[
        html.index('id="owner-choices"') : html.index("</table>", html.index("owner-choices"))
    ]
    names = re.findall(r'class="owner-name">([^<]*)</label>', section)
    rows = re.findall(r'<td data-label="Rows">([^<]*)</td>', section)
    return list(zip(names, rows, strict=True))


def test_the_preview_lists_each_unknown_owner_once_with_its_rows(manager):
    upload(manager)

    html = manager.get(PREVIEW).text

    assert owner_rows(html) == [("王工", "2, 3"), ("李师傅", "4")]
    assert 'value="create"' in html  # a manager may create them
    assert "Confirm and import" not in html


def test_creating_and_mapping_owners_on_the_preview_then_importing(manager, personas):
    token = upload(manager)
    html = manager.get(PREVIEW).text
    bob = re.search(rf'<option value="(user:{personas.bob.pk})">', html)
    assert bob is not None
    users = User.objects.count()

    response = manager.post(
        OWNERS,
        {"upload": token, "name": ["王工", "李师傅"], "choice-0": "create", "choice-1": bob[1]},
    )

    assert response.status_code == 302 and response.url == PREVIEW
    preview = manager.get(PREVIEW).text
    assert "Confirm and import" in preview
    assert User.objects.count() == users  # nothing is created before the confirmation
    done = manager.post(CONFIRM, {"upload": token})
    assert "was imported" in done.text
    wang = User.objects.get(display_name="王工")
    assert (wang.role, wang.has_usable_password()) == (Role.AGENT, False)
    assert f'王工 <span class="text-body-secondary">({wang.username})</span>' in done.text
    owners = Ownership.objects.filter(content__name="投诉处理").select_related("user")
    assert [o.user for o in owners] == [personas.bob]
    assert AuditEntry.objects.filter(object_type="accounts.user", actor=personas.mia).count() == 1


def test_create_all_creates_every_unknown_name_once_and_a_second_import_creates_none(manager):
    token = upload(manager)
    manager.post(OWNERS, {"upload": token, "name": ["王工", "李师傅"], "create_all": "1"})
    manager.post(CONFIRM, {"upload": token})
    users = User.objects.count()

    token = upload(manager)
    html = manager.get(PREVIEW).text

    assert 'id="owner-choices"' not in html  # the names are staff members now
    assert "Confirm and import" in html
    manager.post(CONFIRM, {"upload": token})
    assert User.objects.count() == users
    assert ServiceContent.objects.count() == 3


def test_a_mapping_to_a_customer_contact_is_refused(manager, personas):
    token = upload(manager)

    response = manager.post(
        OWNERS,
        {"upload": token, "name": ["王工"], "choice-0": f"user:{personas.dana.pk}"},
        follow=True,
    )

    assert "no longer exists or is inactive" in response.text
    assert owner_rows(response.text)[0] == ("王工", "2, 3")


def test_a_chosen_user_deactivated_before_the_confirmation_stops_the_import(manager, personas):
    token = upload(manager)
    choice = f"user:{personas.bob.pk}"
    manager.post(
        OWNERS,
        {"upload": token, "name": ["王工", "李师傅"], "choice-0": choice, "choice-1": choice},
    )
    User.objects.filter(pk=personas.bob.pk).update(is_active=False)

    response = manager.post(CONFIRM, {"upload": token}, follow=True)

    assert "no longer exists or is inactive" in response.text
    assert ServiceContent.objects.count() == 0


def test_choices_need_the_upload_they_were_made_for(manager):
    upload(manager)

    response = manager.post(OWNERS, {"upload": "x" * 32, "name": ["王工"], "choice-0": "create"})

    assert response.status_code == 302 and response.url == IMPORT


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
def test_only_managers_and_admins_reach_the_owner_choices(client, personas, role):
    client.force_login(make_user(f"x-{role}", role))

    response = client.post(OWNERS, {"upload": "x" * 32, "name": ["王工"], "choice-0": "create"})

    assert response.status_code in (403, 404)
    assert not User.objects.filter(display_name="王工").exists()


def test_hostile_names_are_shown_escaped_and_cannot_be_created(manager):
    name = "<img src=x onerror=alert(1)>"
    token = upload(manager, f"一级分类,服务项目,服务内容,责任人\n客户服务,热线,接听,{name}\n")

    html = manager.get(PREVIEW).text
    assert name not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    manager.post(OWNERS, {"upload": token, "name": [name], "choice-0": "create"})
    formula = manager.get(PREVIEW).text
    assert "Confirm and import" in formula  # an odd name, but a name

    token = upload(
        manager, "一级分类,服务项目,服务内容,责任人\n客户服务,热线,接听,=cmd|' calc'!A0\n"
    )
    manager.post(OWNERS, {"upload": token, "name": ["=cmd|' calc'!A0"], "choice-0": "create"})
    refused = manager.get(PREVIEW).text
    assert "looks like a spreadsheet formula" in refused
    assert "Confirm and import" not in refused


def test_the_preview_puts_refused_then_changed_rows_first_with_what_changes(manager, personas):
    make_item(code="HOT-1", name="热线", category=make_category("客户服务"), description="旧说明")
    lines = ["一级分类,项目编号,服务项目,项目说明,服务内容,开始时间"]
    lines += [f"客户服务,KEEP-{n},保持{n},,内容,2026-01-01" for n in range(3)]
    lines += ["客户服务,HOT-1,热线,新说明,,", "客户服务,BAD-1,坏的,,内容,2026-02-30"]
    upload(manager, "\n".join(lines))

    html = manager.get(PREVIEW).text

    rows = re.findall(r'<tr id="row-(\d+)" data-status="(\w*)"', html)
    assert rows[0] == ("6", "refused")
    assert rows[1][1] in ("created", "updated")
    assert ("5", "updated") in rows
    change = html[html.index('id="row-5"') :]
    change = change[: change.index("</tr>")]
    said = re.sub(r"<[^>]+>", "", change.split('class="import-changes">')[1].split("</td>")[0])
    assert said == "项目说明: 旧说明 → 新说明"
    bad = html[html.index('id="row-6"') :]
    assert re.search(
        r'class="cell-error" title="[^"]*2026[^"]*" aria-invalid="true">2026-02-30<', bad
    )


def test_the_preview_queries_do_not_grow_with_names_rows_or_staff(
    manager, django_assert_max_num_queries
):
    def preview_with(count: int) -> int:
        for n in range(count):
            make_user(f"staff-extra-{count}-{n}", Role.AGENT)
        lines = ["一级分类,服务项目,服务内容,责任人"]
        lines += [f"客户服务,热线,内容{n},新人{n}、王工" for n in range(count)]
        upload(manager, "\n".join(lines))
        with django_assert_max_num_queries(40) as captured:
            html = manager.get(PREVIEW).text
        assert len(re.findall(r'class="owner-name"', html)) == count + 1
        return len(captured)

    assert preview_with(2) == preview_with(30)
