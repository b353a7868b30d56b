from opsbook import settings as opsbook_settings
from opsbook.accounts.models import User


def test_passwords_are_stored_as_argon2_hashes(settings, db):
    # The suite swaps in a fast hasher (opsbook/conftest.py); put the real list back.
    settings.PASSWORD_HASHERS = opsbook_settings.PASSWORD_HASHERS
    user = User(username="hashed")
    user.set_password("a-long-enough-passphrase")
    user.save()

    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert "a-long-enough-passphrase" not in user.password
    assert user.check_password("a-long-enough-passphrase")


def test_an_older_pbkdf2_hash_still_works_and_is_upgraded_to_argon2(settings, db):
    settings.PASSWORD_HASHERS = list(reversed(opsbook_settings.PASSWORD_HASHERS))
    user = User(username="legacy")
    user.set_password("an-old-passphrase-1")
    user.save()
    settings.PASSWORD_HASHERS = opsbook_settings.PASSWORD_HASHERS

    assert user.password.startswith("pbkdf2_sha256$")
    assert user.check_password("an-old-passphrase-1")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
