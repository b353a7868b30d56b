from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from opsbook.accounts.testing import make_user
from opsbook.surveys import services
from opsbook.surveys.models import Campaign, Survey
from opsbook.surveys.testing import make_campaign, make_survey

# 2026-11-10 10:00 in Shanghai.
NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


@dataclass
class World:
    survey: Survey
    campaign: Campaign
    now: datetime


@pytest.fixture
def frozen_time(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def world(personas, frozen_time) -> World:
    """A survey sent to 星火教育 (dana and dina) and to carl of 明远学校."""
    personas.dana.email = "dana@xinghuo.example"
    personas.dana.save()
    make_user("dina", "customer", customer=personas.customer_a, email="dina@xinghuo.example")
    survey = make_survey(personas.mia, now=NOW)
    campaign = make_campaign(
        personas.mia,
        survey,
        customers=[personas.customer_a],
        contacts=[personas.carl],
        now=NOW,
    )
    return World(survey=survey, campaign=campaign, now=NOW)


@pytest.fixture
def sent(world, personas) -> World:
    services.do_send_campaign(personas.mia, world.campaign, world.now)
    return world
