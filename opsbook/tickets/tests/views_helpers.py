"""Shared fixtures of the staff page tests (test_views_*.py): a browser asking for English, a
hotline service with standards on a business calendar, and tickets of two teams."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(personas):
    """alice owns the hotline (客服部); charlie owns on-site visits (技术支持部)."""
    calendar = make_calendar()
    hotline = make_service(
        personas.alice,
        code="SVC-HOT",
        name="热线电话服务",
        standards=(("phone", "", 30, 480, "business"), ("email", "", 60, 960, "business")),
    )
    visits = make_service(personas.charlie, code="SVC-VISIT", name="上门巡检")
    give_service(personas.customer_a, hotline)
    return {"calendar": calendar, "hotline": hotline, "visits": visits}


def client_for(user=None) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def pdf(name="报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ticket_for(personas, world, **fields):
    """A ticket on the hotline for 星火教育, assigned to alice (its primary owner)."""
    fields.setdefault("customer", personas.customer_a)
    return make_ticket(personas.mia, world["hotline"], **fields)


def other_team_ticket(personas, world, **fields):
    """A ticket of 技术支持部 (charlie's): outside alice's scope."""
    return make_ticket(personas.mia, world["visits"], **fields)
