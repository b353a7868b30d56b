import pytest


@pytest.fixture
def alice(personas):
    """Alice exists and can sign in (with opsbook.accounts.testing.PASSWORD)."""
    return personas.alice


@pytest.fixture
def bob(personas):
    return personas.bob
