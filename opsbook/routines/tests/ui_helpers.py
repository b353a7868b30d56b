"""A small scene for the tests of the routine-work pages, API and services: a service item with
recurring and on-demand content owned by Alice, another item owned by Charlie, and occurrences
made directly (the generator has its own tests)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.accounts.services import do_create_api_token
from opsbook.catalog.testing import make_content, make_item
from opsbook.routines.choices import OccurrenceStatus, Source
from opsbook.routines.models import Occurrence

# A Wednesday; tests freeze the clock here (09:00 in Shanghai).
TODAY = date(2026, 3, 11)
NOW = datetime(2026, 3, 11, 1, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_occurrence(
    content,
    *,
    due_on: date = TODAY,
    due_at: datetime | None = None,
    status: str = OccurrenceStatus.OPEN,
    assignee=None,
    owners=(),
    team=None,
    completed_at: datetime | None = None,
    period: tuple[date, date] | None = None,
    index: int = 1,
    source: str = Source.SCHEDULE,
    **fields,
) -> Occurrence:
    start, end = period or (due_on.replace(day=1), due_on + timedelta(days=20))
    occurrence = Occurrence.objects.create(
        content=content,
        source=source,
        period_start=start,
        period_end=end,
        index=index,
        planned_on=due_on,
        due_on=due_on,
        # 18:00 in Shanghai
        due_at=due_at or datetime.combine(due_on, datetime.min.time(), UTC) + timedelta(hours=10),
        status=status,
        assignee=assignee,
        team=team if team is not None else (assignee.team if assignee else None),
        completed_at=completed_at,
        **fields,
    )
    occurrence.owners.set(owners or ([assignee] if assignee else []))
    return occurrence


def png(name: str = "photo.png", size: int | None = None) -> SimpleUploadedFile:
    data = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, data, content_type="image/png")


def bearer(user) -> dict[str, str]:
    _token, raw = do_create_api_token(user)
    return {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}


class Scene:
    def __init__(self, personas):
        self.personas = personas
        self.item = make_item(personas.alice, name="机房巡检", code="SVC-1")
        self.content = make_content(
            self.item, personas.alice, name="巡检机房", code="SVC-1.1", frequency_text="每周一次"
        )
        self.on_demand = make_content(
            self.item, personas.alice, name="上门维修", code="SVC-1.2", frequency_text="按需"
        )
        self.other_item = make_item(personas.charlie, name="网络运维", code="SVC-2")
        self.other_content = make_content(
            self.other_item, personas.charlie, name="检查交换机", code="SVC-2.1"
        )


@pytest.fixture
def scene(personas):
    return Scene(personas)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
