import pytest

from opsbook.core.testing import Personas


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # argon2 is what production uses (tested in accounts/tests); MD5 keeps the suite fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas(db) -> Personas:
    return Personas()
