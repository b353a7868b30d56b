"""The people pages: who may see them, lists, adding and editing, invitations, deactivation,
and the import wizard."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsbook.accounts.choices import Role
from opsbook.accounts.models import ApiToken, Customer, Team, User
from opsbook.accounts.services import do_create_api_token
from opsbook.accounts.testing import make_user
from opsbook.catalog.models import CustomerService
from opsbook.catalog.testing import make_item

from .helpers import sheets, xlsx

LISTS = ["people:staff", "people:teams", "people:customers", "people:contacts", "people:import"]


@pytest.fixture
def manager(client, personas):
    client.force_login(personas.mia)
    return client


def _link(message) -> str:
    found = re.search(r"https?://\S+/people/welcome/\S+/", str(message.body))
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("name", LISTS)
def test_managers_and_admins_see_the_pages(client, personas, name):
    for person in (personas.mia, personas.erin):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LISTS)
def test_agents_get_403_customers_404_and_strangers_the_login_page(client, personas, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(personas.alice)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(personas.vera)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(personas.dana)
    assert client.get(reverse(name)).status_code == 404


def test_the_navigation_shows_people_to_managers_only(client, personas):
    client.force_login(personas.mia)
    assert reverse("people:staff") in client.get(reverse("tickets:list")).text
    client.force_login(personas.alice)
    assert reverse("people:staff") not in client.get(reverse("tickets:list")).text


def test_the_staff_list_searches_and_its_queries_do_not_grow(
    manager, personas, django_assert_max_num_queries
):
    for n in range(30):
        make_user(f"agent{n}", team=personas.support_team, display_name=f"坐席{n}")
    make_user("zhangwei", display_name="张伟", email="zw@example.com")

    with django_assert_max_num_queries(12):
        page = manager.get(reverse("people:staff"))
    assert "坐席29" in page.text
    found = manager.get(reverse("people:staff"), {"q": "张伟"})
    assert "zhangwei" in found.text and "agent1" not in found.text


@pytest.mark.parametrize("name", ["people:teams", "people:customers", "people:contacts"])
def test_other_lists_run_a_bounded_number_of_queries(
    manager, personas, name, django_assert_max_num_queries
):
    for n in range(20):
        team = Team.objects.create(name=f"组{n}", lead=personas.alice)
        customer = Customer.objects.create(code=f"c{n}", name=f"客户{n}")
        make_user(f"contact{n}", Role.CUSTOMER, customer=customer, team=team)
    with django_assert_max_num_queries(12):
        assert manager.get(reverse(name)).status_code == 200


def test_adding_a_person_invites_them_and_the_link_sets_a_password_once(
    manager, client, personas, django_capture_on_commit_callbacks
):
    data = {
        "display_name": "王芳",
        "username": "wangfang",
        "email": "wangfang@example.com",
        "phone": "13800000001",
        "team": personas.support_team.pk,
        "role": Role.AGENT,
        "is_team_lead": "on",
        "capacity_hours": "160",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(reverse("people:staff_new"), data)

    assert response.status_code == 302
    wang = User.objects.get(username="wangfang")
    assert Team.objects.get(pk=personas.support_team.pk).lead == wang
    assert (wang.capacity_hours, wang.has_usable_password()) == (160, False)
    (message,) = mail.outbox
    assert message.to == ["wangfang@example.com"]
    assert "Your login is: wangfang" in message.body or "wangfang" in message.body
    link = _link(message)

    manager.logout()
    follow = client.get(link, follow=True)
    assert "wangfang" in follow.text
    done = client.post(
        follow.redirect_chain[-1][0],
        {"new_password1": "Fresh-horse-42-staple", "new_password2": "Fresh-horse-42-staple"},
    )
    assert done.status_code == 302
    wang.refresh_from_db()
    assert wang.check_password("Fresh-horse-42-staple")
    assert client.get(reverse("accounts:preferences")).status_code == 200

    client.logout()
    again = client.get(link, follow=True)
    assert "invalid-link" in again.text


def test_an_invitation_link_expires(client, personas, time_machine, settings):
    from opsbook.people.invitations import invitation_link

    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    person = make_user("late", email="late@example.com")
    person.set_unusable_password()
    person.save()
    link = invitation_link(person)

    time_machine.move_to(start + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60))
    assert "invalid-link" in client.get(link, follow=True).text


def test_a_person_with_a_name_only_is_listed_as_not_invited_and_can_be_invited(
    manager, personas, django_capture_on_commit_callbacks
):
    person = User.objects.create(username="liuyang", display_name="刘洋")
    person.set_unusable_password()
    person.save()
    assert (
        "not invited yet"
        in manager.get(reverse("people:staff"), headers={"accept-language": "en"}).text
        or "尚未邀请" in manager.get(reverse("people:staff")).text
    )

    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("people:staff_invite", args=[person.pk]), {"email": "ly@example.com"})

    person.refresh_from_db()
    assert person.email == "ly@example.com" and person.invited_at is not None
    assert mail.outbox[0].to == ["ly@example.com"]


def test_inviting_without_an_e_mail_says_so(manager, personas):
    person = make_user("noemail")
    response = manager.post(reverse("people:staff_invite", args=[person.pk]), {}, follow=True)
    assert User.objects.get(pk=person.pk).invited_at is None
    assert response.status_code == 200


def test_deactivating_from_the_page_ends_tokens_and_sessions_for_good(manager, client, personas):
    alice = personas.alice
    do_create_api_token(alice)
    other = type(client)()
    other.force_login(alice)

    manager.post(reverse("people:staff_active", args=[alice.pk]), {"active": "0"})
    manager.post(reverse("people:staff_active", args=[alice.pk]), {"active": "1"})

    assert User.objects.get(pk=alice.pk).is_active
    assert ApiToken.objects.get(user=alice).revoked_at is not None
    assert other.get(reverse("accounts:preferences")).status_code == 302


def test_managers_cannot_deactivate_themselves(manager, personas):
    manager.post(reverse("people:staff_active", args=[personas.mia.pk]), {"active": "0"})
    assert User.objects.get(pk=personas.mia.pk).is_active


def test_a_manager_cannot_make_or_change_an_administrator(manager, personas):
    erin = personas.erin
    data = {"display_name": "E", "username": "erin", "role": Role.VIEWER}
    manager.post(reverse("people:staff_edit", args=[erin.pk]), data)
    manager.post(reverse("people:staff_active", args=[erin.pk]), {"active": "0"})
    erin.refresh_from_db()
    assert (erin.role, erin.is_active) == (Role.ADMIN, True)

    made = manager.post(
        reverse("people:staff_new"), {"display_name": "X", "username": "x", "role": Role.ADMIN}
    )
    assert made.status_code == 200
    assert not User.objects.filter(username="x").exists()


def test_a_login_or_e_mail_used_by_someone_else_is_an_error_on_the_field(manager, personas):
    make_user("taken", email="t@example.com")
    response = manager.post(
        reverse("people:staff_new"),
        {"display_name": "X", "username": "TAKEN", "email": "T@example.com", "role": "agent"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "email"}


def test_teams_customers_and_contacts_are_added_and_edited(manager, personas):
    item = make_item(code="HOT-1", name="热线")
    manager.post(reverse("people:team_new"), {"name": "财务部", "lead": personas.alice.pk})
    team = Team.objects.get(name="财务部")
    assert team.lead == personas.alice

    cycle = manager.post(
        reverse("people:team_edit", args=[personas.support_team.pk]),
        {"name": "客服部", "parent": team.pk},
    )
    assert cycle.status_code == 302
    again = manager.post(
        reverse("people:team_edit", args=[team.pk]),
        {"name": "财务部", "parent": personas.support_team.pk},
    )
    assert again.status_code == 200 and "parent" in again.context["form"].errors

    manager.post(
        reverse("people:customer_new"),
        {"code": "xinghe", "name": "星河学校", "services": [item.pk], "is_active": "on"},
    )
    xinghe = Customer.objects.get(code="xinghe")
    assert list(CustomerService.objects.filter(customer=xinghe).values_list("item", flat=True)) == [
        item.pk
    ]
    manager.post(
        reverse("people:contact_new"),
        {"display_name": "陈静", "username": "chenjing", "customer": xinghe.pk},
    )
    contact = User.objects.get(username="chenjing")
    assert (contact.role, contact.customer) == (Role.CUSTOMER, xinghe)
    page = manager.get(reverse("people:customer_edit", args=[xinghe.pk]))
    assert "陈静" in page.text


def test_deactivating_an_organisation_deactivates_its_contacts(manager, personas):
    dana = personas.dana
    do_create_api_token(dana)
    customer = dana.customer
    manager.post(
        reverse("people:customer_edit", args=[customer.pk]),
        {"code": customer.code, "name": customer.name},
    )
    dana.refresh_from_db()
    assert not dana.is_active
    assert ApiToken.objects.get(user=dana).revoked_at is not None


def test_the_import_wizard_previews_then_imports(manager, personas):
    upload = SimpleUploadedFile("花名册.xlsx", xlsx(sheets()))
    assert manager.post(reverse("people:import"), {"file": upload}).status_code == 302
    preview = manager.get(reverse("people:import_preview"))
    assert preview.context["report"].ok
    assert not User.objects.filter(username="wangfang").exists()

    done = manager.post(
        reverse("people:import_confirm"), {"upload": preview.context["upload_token"]}
    )

    assert done.context["report"].ok
    assert User.objects.filter(username="wangfang").exists()


def test_the_export_downloads_a_workbook(manager, personas):
    response = manager.get(reverse("people:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_every_form_page_renders(manager, personas):
    pages = [
        reverse("people:staff_new"),
        reverse("people:staff_edit", args=[personas.alice.pk]),
        reverse("people:team_new"),
        reverse("people:team_edit", args=[personas.support_team.pk]),
        reverse("people:customer_new"),
        reverse("people:customer_edit", args=[personas.customer_a.pk]),
        reverse("people:contact_new") + f"?customer={personas.customer_a.pk}",
        reverse("people:contact_edit", args=[personas.dana.pk]),
    ]
    for url in pages:
        assert manager.get(url).status_code == 200, url
    assert manager.get(reverse("people:staff_edit", args=[personas.dana.pk])).status_code == 404
    assert manager.get(reverse("people:contact_edit", args=[personas.alice.pk])).status_code == 404


def test_impossible_ids_in_a_form_are_field_errors(manager, personas):
    huge = str(2**63)
    made = manager.post(
        reverse("people:staff_new"),
        {"display_name": "X", "username": "x", "role": "agent", "team": huge},
    )
    assert made.status_code == 200 and "team" in made.context["form"].errors
    org = manager.post(
        reverse("people:customer_new"), {"code": "c", "name": "C", "services": [huge]}
    )
    assert org.status_code == 200 and "services" in org.context["form"].errors
    assert manager.get(reverse("people:contact_new") + "?customer=" + huge * 2).status_code == 200


def test_the_staff_list_finds_people_not_invited_yet(manager, personas):
    nameless = User(username="owner1", display_name="清单负责人")
    nameless.set_unusable_password()
    nameless.save()
    invited = User(username="owner2", display_name="已邀请", invited_at=personas.mia.date_joined)
    invited.set_unusable_password()
    invited.save()

    page = manager.get(reverse("people:staff"), {"state": "uninvited"})

    assert "owner1" in page.text
    assert "owner2" not in page.text and "alice" not in page.text


def test_a_manager_cannot_send_a_new_link_to_someone_who_has_a_password(
    manager, client, personas, django_capture_on_commit_callbacks
):
    # The link would be a password reset: a manager who changed alice's address could take her
    # account over. An administrator may send it.
    alice = personas.alice
    assert alice.has_usable_password()
    page = manager.get(reverse("people:staff_edit", args=[alice.pk]))
    assert 'id="send-invitation"' not in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("people:staff_invite", args=[alice.pk]),
            {"email": "mallory@example.com"},
            follow=True,
        )
    assert response.status_code == 200
    assert User.objects.get(pk=alice.pk).email == alice.email
    assert not mail.outbox

    client.force_login(personas.erin)
    assert 'id="send-invitation"' in client.get(reverse("people:staff_edit", args=[alice.pk])).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:staff_invite", args=[alice.pk]), {"email": "alice@example.com"})
    assert mail.outbox[0].to == ["alice@example.com"]
