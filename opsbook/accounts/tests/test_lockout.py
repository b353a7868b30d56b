from django.conf import settings
from django.urls import reverse

from opsbook.accounts.testing import PASSWORD

LOGIN = reverse("accounts:login")
PREFERENCES = reverse("accounts:preferences")


def fail_until_locked(client, username="alice"):
    response = None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": username, "password": "wrong-password"})
    return response


def test_failures_below_the_limit_still_show_the_login_form(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": "alice", "password": "wrong-password"})
        assert response.status_code == 200
        assert 'name="password"' in response.text

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302


def test_sign_in_locks_after_the_failure_limit(client, alice):

    response = fail_until_locked(client)

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert 'name="password"' not in response.text


def test_the_right_password_is_refused_while_locked_out(client, alice):
    fail_until_locked(client)

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert client.get(PREFERENCES).status_code == 302


def test_a_lockout_does_not_lock_other_users(client, alice, bob):
    fail_until_locked(client, "alice")

    response = client.post(LOGIN, {"username": "bob", "password": PASSWORD})

    assert response.status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": "alice", "password": "wrong-password"})
    client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    client.post(reverse("accounts:logout"))

    response = client.post(LOGIN, {"username": "alice", "password": "wrong-password"})

    assert response.status_code == 200
