import pytest
from django.urls import reverse

from opsbook.accounts.models import ApiToken
from opsbook.accounts.services import do_create_api_token, do_deactivate_user, user_for_token
from opsbook.accounts.testing import PASSWORD

PREFERENCES = reverse("accounts:preferences")


def test_deactivating_a_user_ends_their_open_session(client, alice):
    assert (
        client.post(
            reverse("accounts:login"), {"username": "alice", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(PREFERENCES).status_code == 200

    do_deactivate_user(alice)

    response = client.get(PREFERENCES)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_deactivated_user_cannot_sign_in_again(client, personas):
    do_deactivate_user(personas.alice)

    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    assert client.get(PREFERENCES).status_code == 302


def test_deactivating_a_user_revokes_their_api_tokens(personas):
    _token, raw = do_create_api_token(personas.alice, name="nightly export")
    _other, other_raw = do_create_api_token(personas.bob)
    assert user_for_token(raw) == personas.alice

    do_deactivate_user(personas.alice)

    assert user_for_token(raw) is None
    assert ApiToken.objects.get(user=personas.alice).revoked_at is not None
    assert user_for_token(other_raw) == personas.bob


def test_a_deactivated_user_cannot_be_given_a_new_token(personas):
    do_deactivate_user(personas.alice)

    with pytest.raises(ValueError, match="inactive"):
        do_create_api_token(personas.alice)

    assert not ApiToken.objects.filter(user=personas.alice).exists()


def test_unticking_active_in_the_admin_site_also_stops_sessions_and_tokens(
    client, admin_client, alice
):
    _token, raw = do_create_api_token(alice)
    client.force_login(alice)
    page = admin_client.get(reverse("admin:accounts_user_change", args=[alice.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "is_active": "",
            "team": alice.team_id,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        }
    )

    response = admin_client.post(reverse("admin:accounts_user_change", args=[alice.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert client.get(PREFERENCES).status_code == 302
    assert user_for_token(raw) is None
