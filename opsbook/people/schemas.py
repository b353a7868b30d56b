"""The people API's input and output schemas (names prefixed so they stay unique in the
OpenAPI document)."""

from typing import Literal

from ninja import Field, Schema

from opsbook.accounts.models import Customer, Team, User

StaffRole = Literal["admin", "manager", "agent", "viewer"]
AccountState = Literal["deactivated", "password_set", "invited", "not_invited"]


def account_state(user: User) -> str:
    if not user.is_active:
        return "deactivated"
    if user.has_usable_password():
        return "password_set"
    return "invited" if user.invited_at else "not_invited"


class PersonOut(Schema):
    id: int
    username: str
    name: str
    email: str
    phone: str
    role: StaffRole
    team_id: int | None
    team: str | None
    is_team_lead: bool
    capacity_hours: int | None
    is_active: bool
    account: AccountState

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.label

    @staticmethod
    def resolve_team(obj: User) -> str | None:
        return obj.team.name if obj.team_id and obj.team else None

    @staticmethod
    def resolve_is_team_lead(obj: User) -> bool:
        return bool(obj.team_id and obj.team and obj.team.lead_id == obj.pk)

    @staticmethod
    def resolve_account(obj: User) -> str:
        return account_state(obj)


class PersonIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    name: str = Field(min_length=1, max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    role: StaffRole = "agent"
    team_id: int | None = None
    is_team_lead: bool = False
    capacity_hours: int | None = Field(None, ge=0, le=744)
    invite: bool = True


class PersonPatch(Schema):
    username: str | None = Field(None, min_length=1, max_length=150)
    name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    role: StaffRole | None = None
    team_id: int | None = None
    is_team_lead: bool | None = None
    capacity_hours: int | None = Field(None, ge=0, le=744)


class PeopleInviteIn(Schema):
    email: str | None = Field(None, max_length=254)


class ContactOut(Schema):
    id: int
    username: str
    name: str
    email: str
    phone: str
    customer_id: int
    customer: str
    is_active: bool
    account: AccountState

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.label

    @staticmethod
    def resolve_customer(obj: User) -> str:
        return obj.customer.code if obj.customer else ""

    @staticmethod
    def resolve_account(obj: User) -> str:
        return account_state(obj)


class ContactIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    name: str = Field(min_length=1, max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    customer_id: int
    invite: bool = True


class ContactPatch(Schema):
    username: str | None = Field(None, min_length=1, max_length=150)
    name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    customer_id: int | None = None


class TeamOut(Schema):
    id: int
    name: str
    parent_id: int | None
    lead_id: int | None
    description: str

    @staticmethod
    def resolve_description(obj: Team) -> str:
        return obj.description


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    parent_id: int | None = None
    lead_id: int | None = None
    description: str = Field("", max_length=2000)


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    parent_id: int | None = None
    lead_id: int | None = None
    description: str | None = Field(None, max_length=2000)


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool
    notes: str
    services: list[str]

    @staticmethod
    def resolve_services(obj: Customer) -> list[str]:
        return sorted(s.item.code for s in obj.services.all())


class CustomerIn(Schema):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=200)
    is_active: bool = True
    notes: str = Field("", max_length=2000)
    services: list[str] = Field(default_factory=list, max_length=1000)


class CustomerPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=50)
    name: str | None = Field(None, min_length=1, max_length=200)
    is_active: bool | None = None
    notes: str | None = Field(None, max_length=2000)
    services: list[str] | None = Field(None, max_length=1000)
