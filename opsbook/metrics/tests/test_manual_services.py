"""Manual metrics and their values: defined and entered by managers, one value per period,
upserted, every change audited with who and when."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.audit.models import AuditEntry
from opsbook.metrics import services
from opsbook.metrics.models import ManualMetric, ManualValue
from opsbook.metrics.registry import Unit

from .manual_fakes import make_manual

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_a_manager_defines_a_manual_metric_and_it_is_audited(personas):
    metric = services.do_create_manual_metric(
        personas.mia,
        code="conversion",
        name="转化率",
        name_en="Conversion",
        unit=Unit.RATIO,
        higher_is_better=True,
        definition="付费用户 / 注册用户",
        period_kind="month",
        now=NOW,
    )
    assert metric.key == "manual.conversion"
    assert metric.created_by == personas.mia and metric.created_at == NOW
    entry = AuditEntry.objects.for_object(metric).get()
    assert entry.action == "create" and entry.actor == personas.mia
    assert entry.changes["name"] == [None, "转化率"]


@pytest.mark.parametrize("who", ["alice", "vera", "dana"])
def test_only_managers_and_admins_define_or_enter(personas, who):
    metric = make_manual()
    with pytest.raises(PermissionDenied):
        services.do_create_manual_metric(getattr(personas, who), code="x", name="X")
    with pytest.raises(PermissionDenied):
        services.do_set_manual_value(
            getattr(personas, who), metric, period="2026-11", value=1, source="CRM"
        )
    assert not ManualValue.objects.exists()
    services.do_set_manual_value(personas.erin, metric, period="2026-11", value=1, source="CRM")


def test_codes_are_unique_and_not_reserved(personas):
    make_manual("signups")
    with pytest.raises(ValidationError) as exc:
        services.do_create_manual_metric(personas.mia, code="signups", name="again")
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.do_create_manual_metric(personas.mia, code="new", name="新")
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.do_create_manual_metric(personas.mia, code="a b", name="空格")
    assert "code" in exc.value.message_dict
    assert ManualMetric.objects.count() == 1


def test_a_value_is_set_per_period_with_its_source_and_who_entered_it(personas):
    metric = make_manual()
    value, created = services.do_set_manual_value(
        personas.mia, metric, period="2026-11", value="1234", source="CRM 月报", now=NOW
    )
    assert created
    assert (value.period_start.isoformat(), value.period_end.isoformat()) == (
        "2026-11-01",
        "2026-12-01",
    )
    assert value.value == Decimal("1234") and value.source == "CRM 月报"
    assert value.entered_by == personas.mia and value.entered_at == NOW
    entry = AuditEntry.objects.for_object(value).get()
    assert entry.action == "create" and entry.parent_id == str(metric.pk)
    assert entry.changes["period"] == [None, "2026-11"]


def test_entering_a_period_again_replaces_its_value_and_records_the_change(personas):
    metric = make_manual()
    services.do_set_manual_value(personas.mia, metric, period="2026-11", value=10, source="A")
    later = datetime(2026, 12, 3, tzinfo=UTC)
    value, created = services.do_set_manual_value(
        personas.erin, metric, period="2026-11", value=12, source="B", now=later
    )
    assert not created
    assert ManualValue.objects.count() == 1
    assert value.value == 12 and value.source == "B"
    assert value.entered_by == personas.erin and value.entered_at == later
    change = AuditEntry.objects.for_object(value).filter(action="update").get()
    assert change.changes == {"value": ["10", "12"], "source": ["A", "B"]}
    # The same value again changes nothing and records nothing.
    services.do_set_manual_value(personas.mia, metric, period="2026-11", value=12, source="B")
    assert AuditEntry.objects.for_object(value).count() == 2


@pytest.mark.parametrize(
    ("period", "field"),
    [("2026-Q4", "period"), ("2026-13", "period"), ("11/2026", "period"), ("", "period")],
)
def test_a_period_of_another_kind_or_unreadable_is_refused(personas, period, field):
    metric = make_manual()
    with pytest.raises(ValidationError) as exc:
        services.do_set_manual_value(personas.mia, metric, period=period, value=1, source="A")
    assert field in exc.value.message_dict
    assert not ManualValue.objects.exists()


def test_values_are_checked_against_the_unit(personas):
    rate = make_manual("conversion", unit=Unit.RATIO)
    count = make_manual("signups")
    for metric, value in (
        (rate, "1.5"),
        (rate, "-0.1"),
        (count, "-3"),
        (count, "abc"),
        (count, "1.23456"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.do_set_manual_value(
                personas.mia, metric, period="2026-11", value=value, source="A"
            )
        assert "value" in exc.value.message_dict, (metric, value)
    with pytest.raises(ValidationError) as exc:
        services.do_set_manual_value(personas.mia, count, period="2026-11", value=1, source="  ")
    assert "source" in exc.value.message_dict
    assert not ManualValue.objects.exists()


def test_a_quarterly_metric_takes_quarters(personas):
    metric = make_manual("nps_q", unit=Unit.NPS, period_kind="quarter")
    value, _created = services.do_set_manual_value(
        personas.mia, metric, period="2026-Q4", value="42.5", source="调研"
    )
    assert value.period_start.isoformat() == "2026-10-01"
    assert value.period_end.isoformat() == "2027-01-01"


def test_deleting_a_value_is_audited(personas):
    metric = make_manual()
    value, _created = services.do_set_manual_value(
        personas.mia, metric, period="2026-11", value=5, source="A"
    )
    pk = value.pk
    with pytest.raises(PermissionDenied):
        services.do_delete_manual_value(personas.alice, value)
    services.do_delete_manual_value(personas.mia, value)
    assert not ManualValue.objects.exists()
    entry = AuditEntry.objects.get(
        object_type="metrics.manualvalue", object_id=str(pk), action="delete"
    )
    assert entry.changes["value"] == ["5", None]


def test_editing_keeps_the_code_and_the_period_kind_once_there_are_values(personas):
    metric = make_manual()
    services.do_update_manual_metric(personas.mia, metric, name="注册用户", is_active=False)
    metric.refresh_from_db()
    assert metric.name == "注册用户" and not metric.is_active
    assert AuditEntry.objects.for_object(metric).filter(action="update").get().changes["name"] == [
        "新增注册用户",
        "注册用户",
    ]
    with pytest.raises(ValidationError):
        services.do_update_manual_metric(personas.mia, metric, code="other")
    services.do_set_manual_value(personas.mia, metric, period="2026-11", value=5, source="A")
    with pytest.raises(ValidationError) as exc:
        services.do_update_manual_metric(personas.mia, metric, period_kind="quarter")
    assert "period_kind" in exc.value.message_dict
