"""The building blocks of the demo checklist: what an item and a content entry declare, and small
helpers for their standards, KPIs, checkpoints, resources and owners."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from opsbook.catalog.choices import DeliveryMode, KpiDirection, Status, Tier, TimeBasis
from opsbook.catalog.models import Checkpoint, Kpi, Resource, ServiceStandard

CATEGORIES = [
    ("课程开发", ["课程设计", "课程更新"]),
    ("学员管理", ["招生与注册", "学习跟踪"]),
    ("技术支持", ["平台运维", "故障处理"]),
    ("客户服务", ["热线与在线客服", "投诉与回访"]),
    ("市场推广", ["活动策划", "渠道运营"]),
]

WORKDAYS = "工作日 9:00–18:00"
ALWAYS = "7×24"
NEXT_BUSINESS_DAY = 9 * 60  # one working day of 9:00–18:00, in business minutes


def owners(*names: str) -> list[tuple[str, bool]]:
    """Owner names (usernames or team names); the first one is the primary owner."""
    return [(name, i == 0) for i, name in enumerate(names)]


def standard(
    channel: str,
    response: int | None = None,
    resolution: int | None = None,
    *,
    priority: str = "",
    basis: str = TimeBasis.BUSINESS,
    text: str = "",
) -> ServiceStandard:
    return ServiceStandard(
        channel=channel,
        priority=priority,
        response_minutes=response,
        resolution_minutes=resolution,
        time_basis=basis,
        description=text,
    )


def kpi(
    name: str, target: str, unit: str = "%", direction: str = KpiDirection.AT_LEAST, text: str = ""
) -> Kpi:
    return Kpi(name=name, target=Decimal(target), unit=unit, direction=direction, description=text)


def checkpoint(due: str, title: str, done: bool = False) -> Checkpoint:
    return Checkpoint(due_date=date.fromisoformat(due), title=title, done=done)


def resource(kind: str, text: str) -> Resource:
    return Resource(kind=kind, description=text)


@dataclass
class Content:
    code: str
    name: str
    frequency: str
    description: str = ""
    owners: list[tuple[str, bool]] = field(default_factory=list)
    standards: list[ServiceStandard] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    notes: str = ""


@dataclass
class Item:
    code: str
    category: tuple[str, str]
    name: str
    frequency: str
    description: str
    owners: list[tuple[str, bool]]
    contents: list[Content]
    tier: str = Tier.BASIC
    service_hours: str = WORKDAYS
    delivery_mode: str = DeliveryMode.REMOTE
    target_customers: str = "全体学员"
    region: str = "全国"
    review_cycle_months: int | None = 12
    review_in_days: int | None = None
    standards: list[ServiceStandard] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    notes: str = ""
    status: str = Status.ACTIVE
    start_date: str | None = "2026-01-01"


# Effort estimates (minutes per occurrence) of the recurring content, for the workload page:
# planned hours = occurrences × effort. Alice's phone and mail duty fill her month on purpose,
# so the demo shows an owner flagged as overloaded.
EFFORT_MINUTES = {
    "DEV-001-01": 480,
    "DEV-001-02": 240,
    "DEV-002-01": 120,
    "DEV-002-02": 90,
    "DEV-002-03": 480,
    "DEV-003-01": 60,
    "DEV-003-02": 60,
    "STU-001-01": 60,
    "STU-001-02": 20,
    "STU-001-03": 30,
    "STU-002-01": 120,
    "STU-002-02": 120,
    "STU-003-01": 90,
    "STU-003-02": 60,
    "STU-003-03": 240,
    "STU-004-01": 240,
    "STU-004-02": 480,
    "STU-004-03": 120,
    "TEC-001-01": 60,
    "TEC-001-02": 30,
    "TEC-001-03": 240,
    "TEC-001-04": 960,
    "TEC-002-01": 90,
    "TEC-002-02": 120,
    "TEC-003-02": 180,
    "TEC-003-03": 120,
    "CS-001-01": 120,
    "CS-001-02": 120,
    "CS-001-03": 120,
    "CS-002-01": 60,
    "CS-002-02": 45,
    "CS-002-03": 120,
    "CS-003-03": 240,
    "CS-004-01": 480,
    "CS-004-02": 960,
    "CS-004-03": 180,
    "MKT-001-01": 480,
    "MKT-001-03": 240,
    "MKT-002-01": 120,
    "MKT-002-02": 60,
    "MKT-002-03": 90,
}
