from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from opsbook.accounts.access import can_manage_catalog, is_admin
from opsbook.accounts.choices import Role
from opsbook.accounts.models import User


def create_superuser(username="root", email="root@example.com"):
    call_command(
        "createsuperuser",
        "--noinput",
        "--username",
        username,
        "--email",
        email,
        stdout=StringIO(),
    )


def test_createsuperuser_without_a_prompt_makes_an_administrator(monkeypatch, db):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-operator-passphrase-7")

    create_superuser()

    user = User.objects.get(username="root")
    assert user.is_superuser
    assert user.is_staff
    assert user.role == Role.ADMIN
    assert is_admin(user)
    assert can_manage_catalog(user)


def test_the_new_superuser_can_sign_in(client, monkeypatch, db):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-operator-passphrase-7")
    create_superuser()

    response = client.post(
        reverse("accounts:login"), {"username": "root", "password": "an-operator-passphrase-7"}
    )

    assert response.status_code == 302
    assert client.get(reverse("accounts:preferences")).status_code == 200


def test_createsuperuser_without_a_password_makes_an_account_that_cannot_sign_in(
    client, monkeypatch, db
):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    create_superuser()

    assert not User.objects.get(username="root").has_usable_password()


def test_createsuperuser_refuses_a_taken_username(monkeypatch, alice):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-operator-passphrase-7")

    with pytest.raises(CommandError, match="already taken"):
        create_superuser(username="alice")
    assert not User.objects.get(username="alice").is_superuser


def test_a_superuser_stays_an_administrator_whatever_role_is_saved(db):
    user = User(username="root", is_superuser=True, role=Role.VIEWER)
    user.save()

    assert user.role == Role.ADMIN
    assert user.is_staff


def test_only_administrators_get_the_django_admin(personas):
    assert personas.erin.is_staff
    assert not personas.mia.is_staff
    assert not personas.alice.is_staff
