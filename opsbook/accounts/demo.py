"""Demo people, teams and customers of an online-education operations team.

``load_people()`` is idempotent: people are found by username, teams by name, customers by code;
whatever exists is left as it is (a team without a lead gets the demo's lead).
"""

from dataclasses import dataclass, field
from typing import Any

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User

PASSWORD = "opsbook-demo"

CUSTOMERS = [
    ("xinghuo", "星火教育集团", "华东地区 K12 连锁教育机构，合作 3 年，按月结算。"),
    ("mingyuan", "明远实验学校", "民办完全中学，2026 年春季起使用直播课堂。"),
]

# username, display name, role, team, customer code, extra fields
PEOPLE: list[tuple[str, str, str, str | None, str | None, dict[str, Any]]] = [
    ("admin", "系统管理员", Role.ADMIN, None, None, {"is_superuser": True}),
    ("manager", "王芳", Role.MANAGER, "课程运营部", None, {"first_name": "芳", "last_name": "王"}),
    ("alice", "张三", Role.AGENT, "学员服务部", None, {"capacity_hours": 160}),
    ("bob", "李四", Role.AGENT, "市场部", None, {"capacity_hours": 120}),
    ("carol", "赵敏", Role.AGENT, "技术支持部", None, {"capacity_hours": 160}),
    ("viewer", "刘洋", Role.VIEWER, None, None, {}),
    ("chenjing", "陈静", Role.CUSTOMER, None, "xinghuo", {}),
    ("zhouqiang", "周强", Role.CUSTOMER, None, "mingyuan", {}),
]

# name, lead, description
TEAMS = [
    ("课程运营部", "manager", "课程设计、更新与排课。"),
    ("学员服务部", "alice", "招生咨询、学籍、学习跟踪与客户服务。"),
    ("技术支持部", "carol", "学习平台、直播课堂与故障处理。"),
    ("市场部", "bob", "招生活动与新媒体渠道。"),
]


@dataclass
class People:
    """The demo's people and teams by name, and how many rows ``load_people()`` created."""

    users: dict[str, User] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    created_users: int = 0
    created_teams: int = 0
    created_customers: int = 0


def load_people() -> People:
    """Create whatever of the demo's customers, teams and people is missing."""
    people = People()
    customers = {code: _customer(people, code, name, notes) for code, name, notes in CUSTOMERS}
    for name, _lead, description in TEAMS:
        people.teams[name] = _team(people, name, description)
    for username, label, role, team_name, customer_code, extra in PEOPLE:
        people.users[username] = _user(
            people,
            username,
            label,
            role,
            people.teams.get(team_name) if team_name else None,
            customers.get(customer_code) if customer_code else None,
            extra,
        )
    for name, lead, _description in TEAMS:
        team = people.teams[name]
        if team.lead_id is None:
            team.lead = people.users[lead]
            team.save(update_fields=["lead"])
    return people


def _customer(people: People, code: str, name: str, notes: str) -> Customer:
    customer, created = Customer.objects.get_or_create(
        code=code, defaults={"name": name, "notes": notes}
    )
    people.created_customers += created
    return customer


def _team(people: People, name: str, description: str) -> Team:
    team, created = Team.objects.get_or_create(name=name, defaults={"description": description})
    people.created_teams += created
    return team


def _user(
    people: People,
    username: str,
    label: str,
    role: str,
    team: Team | None,
    customer: Customer | None,
    extra: dict[str, Any],
) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        display_name=label,
        role=role,
        team=team,
        customer=customer,
        email=f"{username}@example.com",
        **extra,
    )
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    people.created_users += 1
    return user
