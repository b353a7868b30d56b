"""The item's history in the reader's language, never in the audit trail's stored formats:
standards as people write them (电话：响应≤5分钟，解决≤1天（工作时间）), owners as
王芳（主负责）, nobody as 系统. Entries stored long ago read the same way. Issue 8: the history
showed `phone response<=5m resolution<=1440m business` and `王芳 (primary)`."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from opsbook.accounts.testing import make_user
from opsbook.audit.models import AuditEntry
from opsbook.catalog import services, wording
from opsbook.catalog.models import Ownership, ServiceStandard
from opsbook.catalog.testing import make_item

pytestmark = pytest.mark.django_db


CASES = [
    (
        "standards",
        "phone response<=5m resolution<=1440m business",
        "电话：响应≤5分钟，解决≤1天（工作时间）",
    ),
    ("standards", "chat urgent response<=1m calendar", "在线客服（紧急）：响应≤1分钟（日历时间）"),
    (
        "standards",
        "email resolution<=240m business 节假日顺延",
        "邮件：解决≤4小时（工作时间） —— 节假日顺延",
    ),
    ("owners", "王芳 (primary)", "王芳（主负责）"),
    ("owners", "客服部", "客服部"),
    ("checkpoints", "2026-03-01 上线 (done)", "2026-03-01 上线（已完成）"),
    ("kpis", "接通率 >= 95%", "接通率 ≥ 95%"),
    ("resources", "people: 两名值班员", "人员：两名值班员"),
    ("standards", "服务态度良好", "服务态度良好"),  # a sentence kept as it was written
]


@pytest.mark.parametrize(("kind", "stored", "shown"), CASES)
def test_stored_part_labels_read_as_people_write_them(kind, stored, shown):
    with translation.override("zh-hans"):
        assert wording.part_text(kind, stored) == shown


def test_nobody_is_the_system_and_sources_are_words():
    with translation.override("zh-hans"):
        assert wording.actor_text("system") == "系统"
        assert wording.actor_text("王芳") == "王芳"
        assert wording.source_text("import") == "导入"
        assert wording.source_text("web") == ""


def test_the_item_page_shows_its_history_in_words(personas):
    wang = make_user("wangfang", display_name="王芳", team=personas.support_team)
    item = make_item(None)
    services.do_update_item(
        None,
        item,
        parts=services.Parts(
            owners=[Ownership(user=wang, is_primary=True)],
            standards=[
                ServiceStandard(
                    channel="phone",
                    response_minutes=5,
                    resolution_minutes=1440,
                    time_basis="business",
                )
            ],
        ),
        source="import",
    )
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(personas.mia)

    page = client.get(reverse("catalog:item", args=[item.pk])).content.decode()
    history = page.split('id="history"')[1]

    assert "电话：响应≤5分钟，解决≤1天（工作时间）" in history
    assert "王芳（主负责）" in history
    assert '系统 <span class="text-body-secondary small">(导入)</span>' in history
    assert "response&lt;=" not in history and "(primary)" not in history
    assert ">system<" not in history
    # what is stored is unchanged (the API serves it as it always did)
    entry = AuditEntry.objects.filter(object_id=str(item.pk)).first()
    assert entry is not None and entry.changes["owners"][1] == ["王芳 (primary)"]
