"""Deactivation is final wherever it happens: reactivating an account revives neither its old
API tokens nor its old sessions (issue 8)."""

from django.urls import reverse

from opsbook.accounts.models import ApiToken
from opsbook.accounts.services import do_create_api_token, do_deactivate_user

PREFERENCES = reverse("accounts:preferences")


def _admin_save(admin_client, user, *, active: bool):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "is_active": "on" if active else "",
            "team": user.team_id or "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        }
    )
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_unticking_then_ticking_active_in_the_admin_site_revives_no_token_or_session(
    client, admin_client, personas
):
    alice = personas.alice
    _token, raw = do_create_api_token(alice)
    client.force_login(alice)
    assert client.get(PREFERENCES).status_code == 200

    _admin_save(admin_client, alice, active=False)
    _admin_save(admin_client, alice, active=True)

    assert client.get(PREFERENCES).status_code == 302  # the old session is signed out
    api = client.get("/api/people/staff", headers={"authorization": f"Bearer {raw}"})
    assert api.status_code == 401
    assert ApiToken.objects.get(user=alice).revoked_at is not None
    # The reactivated person signs in afresh and works.
    alice.refresh_from_db()
    client.force_login(alice)
    assert client.get(PREFERENCES).status_code == 200


def test_a_save_that_keeps_the_account_active_ends_nothing(client, personas):
    alice = personas.alice
    do_create_api_token(alice)
    client.force_login(alice)

    alice.phone = "123"
    alice.save()

    assert client.get(PREFERENCES).status_code == 200
    assert ApiToken.objects.get(user=alice).revoked_at is None


def test_the_service_then_a_plain_reactivation_revives_nothing(client, personas):
    alice = personas.alice
    do_create_api_token(alice)
    client.force_login(alice)

    do_deactivate_user(alice)
    alice.refresh_from_db()
    alice.is_active = True
    alice.save()

    assert client.get(PREFERENCES).status_code == 302
    assert ApiToken.objects.get(user=alice).revoked_at is not None


def _admin_post(client, user, **changes):
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "09:00:00", "is_active": "on"})
    for key in ("is_superuser", "is_staff"):
        data[key] = "on" if form.initial.get(key) else ""
    data.update(changes)
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)


def test_the_admin_site_refuses_deactivating_your_own_account(admin_client, admin_user, personas):
    assert personas.erin  # another administrator: only the self rule applies
    response = _admin_post(admin_client, admin_user, is_active="")
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.non_field_errors()
    assert error in ("You cannot deactivate your own account.", "不能停用自己的账号。")
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_admin_site_keeps_the_last_active_administrator(admin_client, admin_user, personas):
    erin = personas.erin
    assert _admin_post(admin_client, erin, is_active="").status_code == 302  # another remains
    response = _admin_post(admin_client, admin_user, role="manager", is_superuser="")
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.non_field_errors()
    assert "admin" in error
    admin_user.refresh_from_db()
    assert admin_user.role == "admin"
