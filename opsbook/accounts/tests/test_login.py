import re

import pytest
from django.urls import reverse

from opsbook.accounts.testing import PASSWORD

LOGIN = reverse("accounts:login")
PREFERENCES = reverse("accounts:preferences")


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def without_per_request_noise(html: str, username: str) -> str:
    html = re.sub(r'value="[A-Za-z0-9]{64}"', 'value="csrf"', html)
    html = re.sub(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', '"X-CSRFToken": "csrf"', html)
    return html.replace(username, "USERNAME")


def test_the_login_page_is_served_to_anonymous_visitors(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'name="password"' in response.text


def test_pages_redirect_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(PREFERENCES)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={PREFERENCES}"


def test_a_user_signs_in_with_the_right_password(client, alice):
    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).url == reverse("work:mine")
    assert client.get(PREFERENCES).status_code == 200


def test_signing_in_returns_to_the_page_asked_for(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": PREFERENCES})

    assert response.url == PREFERENCES


def test_signing_in_does_not_redirect_to_another_site(client, alice):
    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response.url == reverse("home")


def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = sign_in(client, "alice", "not-the-password")

    assert response.status_code == 200
    assert response.text.count('class="alert alert-danger"') == 1
    assert client.get(PREFERENCES).status_code == 302


@pytest.mark.parametrize("other", ["nobody", "inactive"])
def test_an_unknown_or_inactive_user_gets_the_same_answer_as_a_wrong_password(
    client, personas, other, alice
):
    if other == "inactive":
        personas.bob.is_active = False
        personas.bob.save()
        attempt = ("bob", PASSWORD)
    else:
        attempt = ("nobody", "whatever-password")

    wrong_password = sign_in(client, "alice", "not-the-password")
    unknown = sign_in(client, *attempt)

    assert wrong_password.status_code == unknown.status_code == 200
    assert without_per_request_noise(wrong_password.text, "alice") == without_per_request_noise(
        unknown.text, attempt[0]
    )


def test_a_signed_in_user_visiting_the_login_page_is_sent_on(client, personas):
    client.force_login(personas.alice)

    response = client.get(LOGIN)

    assert response.status_code == 302


def test_logging_out_ends_the_session(client, alice):
    assert sign_in(client, "alice", PASSWORD).status_code == 302

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get(PREFERENCES).status_code == 302


def test_logging_out_needs_a_post(client, personas):
    client.force_login(personas.alice)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(PREFERENCES).status_code == 200
