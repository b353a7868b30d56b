"""The manual metrics pages: staff read them, managers define metrics and enter values (with
htmx on the metric's page), customers' contacts never see them."""

import pytest
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.metrics import services
from opsbook.metrics.models import ManualMetric, ManualValue
from opsbook.metrics.registry import Unit

from .manual_fakes import make_manual


@pytest.fixture
def manager(client, personas):
    client.force_login(personas.mia)
    return client


def _pages(metric) -> list[str]:
    return [
        reverse("metrics:manual_list"),
        reverse("metrics:manual_detail", args=[metric.code]),
        reverse("metrics:manual_template"),
    ]


def test_customers_never_see_the_pages(client, personas):
    metric = make_manual()
    client.force_login(personas.dana)
    for url in [
        *_pages(metric),
        reverse("metrics:manual_new"),
        reverse("metrics:manual_edit", args=[metric.code]),
        reverse("metrics:manual_import"),
    ]:
        assert client.get(url).status_code == 404, url


def test_staff_read_but_only_managers_write(client, personas):
    metric = make_manual()
    client.force_login(personas.alice)
    for url in _pages(metric):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("metrics:manual_detail", args=[metric.code])).content.decode()
    assert 'id="value-form"' not in page
    assert client.get(reverse("metrics:manual_new")).status_code == 403
    assert client.get(reverse("metrics:manual_import")).status_code == 403
    response = client.post(
        reverse("metrics:manual_detail", args=[metric.code]),
        {"period": "2026-11", "value": "1", "source": "x"},
    )
    assert response.status_code == 403
    assert not ManualValue.objects.exists()


def test_an_unknown_metric_is_404(manager):
    assert manager.get(reverse("metrics:manual_detail", args=["nope"])).status_code == 404


def test_a_manager_defines_a_metric(manager, personas):
    response = manager.post(
        reverse("metrics:manual_new"),
        {
            "code": "conversion",
            "name": "付费转化率",
            "name_en": "Paid conversion",
            "unit": "ratio",
            "better": "up",
            "period_kind": "month",
            "definition": "付费用户 / 注册用户",
        },
    )
    assert response.status_code == 302
    metric = ManualMetric.objects.get()
    assert response["Location"] == reverse("metrics:manual_detail", args=["conversion"])
    assert (metric.unit, metric.higher_is_better, metric.created_by) == (
        "ratio",
        True,
        personas.mia,
    )
    again = manager.post(
        reverse("metrics:manual_new"),
        {"code": "conversion", "name": "重复", "unit": "count", "period_kind": "month"},
    )
    assert again.status_code == 200
    assert ManualMetric.objects.count() == 1
    assert "invalid-feedback" in again.content.decode()


def test_the_list_shows_each_metric_with_its_last_twelve_values(
    manager, django_assert_max_num_queries
):
    for code in ("a", "b", "c"):
        metric = make_manual(code, name=f"指标{code}")
        for month in range(1, 13):
            services.do_set_manual_value(
                None, metric, period=f"2026-{month:02d}", value=month * 1000, source="t"
            )
        services.do_set_manual_value(None, metric, period="2025-12", value=7, source="t")
    with django_assert_max_num_queries(8):
        page = manager.get(reverse("metrics:manual_list")).content.decode()
    assert page.count("2026-12: 12,000") == 3
    assert "2025-12" not in page  # the thirteenth value is not shown
    assert "<polyline" in page


def test_a_value_is_entered_with_htmx_and_the_values_swap_in(manager, personas):
    metric = make_manual("conversion", unit=Unit.RATIO)
    response = manager.post(
        reverse("metrics:manual_detail", args=[metric.code]),
        {"period": "2026-11", "value": "12.5", "source": "BI 报表"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="values">')
    assert "12.5%" in body and "BI 报表" in body
    value = ManualValue.objects.get()
    assert str(value.value) == "0.1250" and value.entered_by == personas.mia


def test_a_bad_value_is_shown_on_the_form_and_nothing_is_written(manager):
    metric = make_manual("conversion", unit=Unit.RATIO)
    response = manager.post(
        reverse("metrics:manual_detail", args=[metric.code]),
        {"period": "2026-Q4", "value": "120", "source": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.content.decode().count("invalid-feedback") >= 1
    assert not ManualValue.objects.exists()
    response = manager.post(
        reverse("metrics:manual_detail", args=[metric.code]),
        {"period": "2026-Q4", "value": "12", "source": "x"},
    )
    assert "2026-11" in response.content.decode()  # the example of the right form
    assert not ManualValue.objects.exists()


def test_a_value_is_deleted(manager):
    metric = make_manual()
    value, _c = services.do_set_manual_value(None, metric, period="2026-11", value=3, source="t")
    response = manager.post(
        reverse("metrics:manual_value_delete", args=[metric.code, value.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert not ManualValue.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_type="metrics.manualvalue").exists()


def test_a_value_of_another_metric_is_404(manager):
    metric = make_manual("a")
    other = make_manual("b")
    value, _c = services.do_set_manual_value(None, other, period="2026-11", value=3, source="t")
    response = manager.post(reverse("metrics:manual_value_delete", args=[metric.code, value.pk]))
    assert response.status_code == 404
    assert ManualValue.objects.exists()


def test_the_metric_page_shows_the_history(manager, personas):
    metric = make_manual()
    services.do_set_manual_value(personas.mia, metric, period="2026-11", value=3, source="t")
    services.do_set_manual_value(personas.mia, metric, period="2026-11", value=4, source="t")
    page = manager.get(reverse("metrics:manual_detail", args=[metric.code])).content.decode()
    assert 'id="history"' in page
    assert page.count("米娅") >= 2


def test_a_metric_is_edited(manager):
    metric = make_manual()
    response = manager.post(
        reverse("metrics:manual_edit", args=[metric.code]),
        {
            "code": "ignored",
            "name": "注册用户数",
            "name_en": "",
            "unit": "count",
            "better": "",
            "period_kind": "month",
            "definition": "",
        },
    )
    assert response.status_code == 302
    metric.refresh_from_db()
    assert (metric.code, metric.name, metric.higher_is_better, metric.is_active) == (
        "signups",
        "注册用户数",
        None,
        False,
    )


def test_pages_are_chinese_by_default(manager):
    make_manual()
    page = manager.get(reverse("metrics:manual_list")).content.decode()
    assert "手工指标" in page
