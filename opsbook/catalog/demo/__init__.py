"""The demo service checklist of an online-education operations team (在线教育运营团队).

``load_checklist()`` is idempotent: categories are found by name under their parent, items and
content by code; whatever exists is left as it is. Every row is written through
``opsbook.catalog.services`` by the given actor, so the audit trail reads like real use
(source "demo"). The people and teams named as owners come from ``opsbook.accounts.demo``.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from opsbook.accounts.models import Team, User
from opsbook.catalog import services
from opsbook.catalog.models import Category, Ownership, ServiceContent, ServiceItem

from .learning import learning_items
from .operations import operations_items
from .specs import CATEGORIES, EFFORT_MINUTES, Content, Item

SOURCE = "demo"


def service_items() -> list[Item]:
    """The checklist. ``review_in_days`` is counted from the day the demo is loaded (negative:
    the review is overdue), so "due for review" always has something to show."""
    return [*learning_items(), *operations_items()]


@dataclass
class Created:
    """How many rows of the checklist ``load_checklist()`` created."""

    categories: int = 0
    items: int = 0
    contents: int = 0


def load_checklist(
    actor: User | None, users: dict[str, User], teams: dict[str, Team], today: date
) -> Created:
    """Create whatever of the demo checklist is missing, written by ``actor``; owners are named
    by username (``users``) or team name (``teams``)."""
    return _Loader(actor, users, teams, today).run()


class _Loader:
    def __init__(
        self, actor: User | None, users: dict[str, User], teams: dict[str, Team], today: date
    ):
        self.actor = actor
        self.users = users
        self.teams = teams
        self.today = today
        self.created = Created()
        self.categories: dict[tuple[str, str], Category] = {}

    def run(self) -> Created:
        for position, (root_name, children) in enumerate(CATEGORIES):
            root = self._category(root_name, None, position)
            for child_position, child_name in enumerate(children):
                self.categories[root_name, child_name] = self._category(
                    child_name, root, child_position
                )
        for position, item in enumerate(service_items()):
            self._item(item, position)
        return self.created

    def _category(self, name: str, parent: Category | None, position: int) -> Category:
        category = Category.objects.filter(name=name, parent=parent).first()
        if category is not None:
            return category
        self.created.categories += 1
        return services.do_create_category(
            self.actor, name=name, parent=parent, sort_order=position, source=SOURCE
        )

    def _parts(self, spec: Item | Content) -> services.Parts:
        return services.Parts(
            owners=[self._owner(name, primary) for name, primary in spec.owners] or None,
            standards=spec.standards or None,
            kpis=spec.kpis or None,
            checkpoints=spec.checkpoints or None,
            resources=spec.resources or None,
        )

    def _owner(self, name: str, primary: bool) -> Ownership:
        if name in self.users:
            return Ownership(user=self.users[name], is_primary=primary)
        return Ownership(team=self.teams[name], is_primary=primary)

    def _item(self, spec: Item, position: int) -> None:
        item = ServiceItem.objects.filter(code=spec.code).first()
        if item is None:
            next_review = (
                self.today + timedelta(days=spec.review_in_days)
                if spec.review_in_days is not None
                else None
            )
            item = services.do_create_item(
                self.actor,
                parts=self._parts(spec),
                source=SOURCE,
                code=spec.code,
                category=self.categories[spec.category],
                name=spec.name,
                description=spec.description,
                frequency_text=spec.frequency,
                tier=spec.tier,
                service_hours=spec.service_hours,
                delivery_mode=spec.delivery_mode,
                target_customers=spec.target_customers,
                region=spec.region,
                review_cycle_months=spec.review_cycle_months,
                next_review_date=next_review,
                start_date=date.fromisoformat(spec.start_date) if spec.start_date else None,
                notes=spec.notes,
                status=spec.status,
                sort_order=position,
            )
            self.created.items += 1
        for content_position, content in enumerate(spec.contents):
            if ServiceContent.objects.filter(code=content.code).exists():
                continue
            services.do_create_content(
                self.actor,
                item,
                parts=self._parts(content),
                source=SOURCE,
                code=content.code,
                name=content.name,
                description=content.description,
                frequency_text=content.frequency,
                effort_minutes=EFFORT_MINUTES.get(content.code),
                notes=content.notes,
                status=spec.status,
                sort_order=content_position,
            )
            self.created.contents += 1
