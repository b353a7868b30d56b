import pytest

from . import scene


@pytest.fixture
def board(personas):
    """The November 2026 scene (see ``scene.py``), looked at on 2026-12-03."""
    return scene.build(personas)


@pytest.fixture
def at_now():
    from opsbook.tickets.tests.factories import frozen_time

    with frozen_time(scene.NOW):
        yield scene.NOW
