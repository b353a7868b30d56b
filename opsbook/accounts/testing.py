"""Test personas, shared by every app's tests (the ``personas`` fixture in opsbook/conftest.py).

  erin     administrator
  mia      operations manager
  alice    agent on the 客服部 team (owns things in tests)
  bob      agent on alice's team
  charlie  agent on another team (an outsider to alice's work)
  vera     read-only viewer
  dana     customer contact of 星火教育
  carl     customer contact of another customer, 明远学校

Each app's own factories live in its ``testing.py`` (``opsbook/catalog/testing.py``, ...).
"""

from collections.abc import Callable
from typing import Any

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str, role: str = Role.AGENT, **fields: Any) -> User:
    user = User(username=username, role=role, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


class Personas:
    """Lazily created people; ``personas.alice`` creates Alice on first use."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    def _get[T](self, name: str, factory: Callable[[], T]) -> T:
        if name not in self._cache:
            self._cache[name] = factory()
        value: T = self._cache[name]
        return value

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
