from django.urls import reverse

from opsbook.accounts.testing import PASSWORD

CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "a-brand-new-passphrase-42"


def test_password_change_needs_a_signed_in_user(client, db):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_user_changes_their_password(client, personas):
    client.force_login(personas.alice)

    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_done")
    personas.alice.refresh_from_db()
    assert personas.alice.check_password(NEW_PASSWORD)
    assert not personas.alice.check_password(PASSWORD)


def test_the_session_survives_the_password_change(client, personas):
    client.force_login(personas.alice)
    client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert client.get(reverse("accounts:password_done")).status_code == 200


def test_the_new_password_signs_in_and_the_old_one_does_not(client, personas):
    client.force_login(personas.alice)
    client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.post(reverse("accounts:logout"))
    login = reverse("accounts:login")

    assert client.post(login, {"username": "alice", "password": PASSWORD}).status_code == 200
    assert client.post(login, {"username": "alice", "password": NEW_PASSWORD}).status_code == 302


def test_a_wrong_old_password_changes_nothing(client, personas):
    client.force_login(personas.alice)

    response = client.post(
        CHANGE,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    personas.alice.refresh_from_db()
    assert personas.alice.check_password(PASSWORD)


def test_a_short_or_common_new_password_is_refused(client, personas):
    client.force_login(personas.alice)

    for weak in ["short1", "password123", "1234567890123"]:
        response = client.post(
            CHANGE, {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]
    personas.alice.refresh_from_db()
    assert personas.alice.check_password(PASSWORD)


def test_mismatched_new_passwords_are_refused(client, personas):
    client.force_login(personas.alice)

    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": "other-words-99",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
