"""Test personas and small factories shared by every app's tests.

Personas (see docs/developers/testing.md):
  erin     administrator
  mia      operations manager
  alice    agent on the 客服部 team (owns things in tests)
  bob      agent on alice's team
  charlie  agent on another team (an outsider to alice's work)
  vera     read-only viewer
  dana     customer contact of 星火教育
  carl     customer contact of another customer, 明远学校
"""

from decimal import Decimal

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog import services as catalog
from opsbook.catalog.models import Category, Ownership

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, role: str = Role.AGENT, **fields) -> User:
    user = User(username=username, role=role, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


class Personas:
    """Lazily created people; ``personas.alice`` creates Alice on first use."""

    def __init__(self):
        self._cache = {}

    def _get(self, name, factory):
        if name not in self._cache:
            self._cache[name] = factory()
        return self._cache[name]

    @property
    def support_team(self) -> Team:
        return self._get("support_team", lambda: Team.objects.create(name="客服部"))

    @property
    def tech_team(self) -> Team:
        return self._get("tech_team", lambda: Team.objects.create(name="技术支持部"))

    @property
    def customer_a(self) -> Customer:
        return self._get(
            "customer_a", lambda: Customer.objects.create(code="xinghuo", name="星火教育")
        )

    @property
    def customer_b(self) -> Customer:
        return self._get(
            "customer_b", lambda: Customer.objects.create(code="mingyuan", name="明远学校")
        )

    @property
    def erin(self) -> User:
        return self._get("erin", lambda: make_user("erin", Role.ADMIN, display_name="Erin"))

    @property
    def mia(self) -> User:
        return self._get("mia", lambda: make_user("mia", Role.MANAGER, display_name="米娅"))

    @property
    def alice(self) -> User:
        return self._get(
            "alice",
            lambda: make_user("alice", Role.AGENT, display_name="张三", team=self.support_team),
        )

    @property
    def bob(self) -> User:
        return self._get(
            "bob", lambda: make_user("bob", Role.AGENT, display_name="李四", team=self.support_team)
        )

    @property
    def charlie(self) -> User:
        return self._get(
            "charlie",
            lambda: make_user("charlie", Role.AGENT, display_name="王五", team=self.tech_team),
        )

    @property
    def vera(self) -> User:
        return self._get("vera", lambda: make_user("vera", Role.VIEWER, display_name="Vera"))

    @property
    def dana(self) -> User:
        return self._get("dana", lambda: make_user("dana", Role.CUSTOMER, customer=self.customer_a))

    @property
    def carl(self) -> User:
        return self._get("carl", lambda: make_user("carl", Role.CUSTOMER, customer=self.customer_b))


def make_category(name: str = "客户服务", parent: Category | None = None) -> Category:
    category, _ = Category.objects.get_or_create(name=name, parent=parent)
    return category


def make_item(owner: User | None = None, category: Category | None = None, **values):
    values.setdefault("name", "热线电话服务")
    values.setdefault("frequency_text", "每日")
    parts = catalog.Parts(owners=[Ownership(user=owner, is_primary=True)] if owner else None)
    return catalog.do_create_item(
        None, category=category or make_category(), parts=parts, source="test", **values
    )


def make_content(item, owner: User | None = None, **values):
    values.setdefault("name", "接听来电")
    values.setdefault("frequency_text", "工作日每天")
    parts = catalog.Parts(owners=[Ownership(user=owner, is_primary=True)] if owner else None)
    return catalog.do_create_content(None, item, parts=parts, source="test", **values)


def kpi_target(value: str) -> Decimal:
    return Decimal(value)
