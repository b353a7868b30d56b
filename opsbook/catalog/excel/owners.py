"""Owners in a cell: usernames, display names or team names, loaded once and matched in memory.

A name no user or team has is an error, unless the import was told what to do with it
(``OwnerChoices``): use an existing staff member or team, or create a staff member of that name.
A name to create gets a placeholder id (negative) while planning; the writer creates the user in
the import's transaction and writes the real id (``OwnerDirectory.pending``). Only names that
are still unknown are ever created, so importing the same file with the same choices again
creates nobody: the name is then a user's display name.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Team, User
from opsbook.accounts.services import staff_name_problem

from .columns import normalize
from .textformats import TextFormatError, join_names, split_names

Owner = tuple[int | None, int | None]  # (user id, team id): exactly one is set

CREATE, USER, TEAM = "create", "user", "team"


@dataclass(frozen=True)
class OwnerChoice:
    """What to do with one unknown owner name: create a staff member, or use a user or team."""

    action: str  # CREATE, USER or TEAM
    target: int | None = None  # the user's or team's id (USER, TEAM)
    label: str = ""  # the user's or team's name, for the preview

    def as_value(self) -> str:
        """The form value: ``create``, ``user:ID`` or ``team:ID``."""
        return self.action if self.action == CREATE else f"{self.action}:{self.target}"


def assignable_users():
    """Staff members an owner name may be mapped to: active, not customer contacts."""
    return User.objects.staff().only("id", "username", "display_name", "first_name", "last_name")


class OwnerChoices:
    """Per unknown owner name (compared as the importer compares names), what to do with it;
    ``create_all``: create a staff member for every other unknown name."""

    def __init__(self, choices: Mapping[str, OwnerChoice] | None = None, create_all=False):
        self.create_all = create_all
        self.by_key = {normalize(name): (name, c) for name, c in (choices or {}).items()}

    def __bool__(self) -> bool:
        return self.create_all or bool(self.by_key)

    def get(self, name: str) -> OwnerChoice | None:
        hit = self.by_key.get(normalize(name))
        if hit is not None:
            return hit[1]
        return OwnerChoice(CREATE) if self.create_all else None

    @property
    def creates(self) -> bool:
        return self.create_all or any(c.action == CREATE for _n, c in self.by_key.values())

    def as_values(self) -> dict[str, str]:
        """Name → form value, to keep between the preview and the confirm step."""
        return {name: choice.as_value() for name, choice in self.by_key.values()}

    @classmethod
    def from_values(cls, values: Mapping[str, str], create_all=False) -> "OwnerChoices":
        """From form values (``create``, ``user:ID``, ``team:ID``; empty: no choice).
        ValidationError naming the owner when a value is malformed or its user or team is not
        (or no longer) one an owner may be."""
        wanted: dict[str, tuple[str, int | None]] = {}
        errors = []
        for name, value in values.items():
            action, _sep, target = str(value).partition(":")
            if not value:
                continue
            if action == CREATE and not target:
                wanted[name] = (CREATE, None)
            elif action in (USER, TEAM) and target.isdigit() and len(target) < 12:
                wanted[name] = (action, int(target))
            else:
                errors.append(_("%(name)s: choose what to do with this owner.") % {"name": name})
        user_ids = [t for a, t in wanted.values() if a == USER and t is not None]
        team_ids = [t for a, t in wanted.values() if a == TEAM and t is not None]
        users: dict[int, str] = {u.pk: u.label for u in assignable_users().filter(pk__in=user_ids)}
        teams: dict[int, str] = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
        choices = {}
        for name, (kind, pk) in wanted.items():
            found = {USER: users, TEAM: teams}.get(kind)
            if found is not None and pk not in found:
                errors.append(
                    _("%(name)s: the chosen user or team no longer exists or is inactive.")
                    % {"name": name}
                )
                continue
            label = found[pk] if found is not None and pk is not None else ""
            choices[name] = OwnerChoice(kind, pk, label)
        if errors:
            raise ValidationError(errors)
        return cls(choices, create_all=create_all)

    @classmethod
    def from_logins(cls, pairs: Iterable[str], create_all=False) -> "OwnerChoices":
        """From ``NAME=LOGIN`` pairs (the command line, the API): LOGIN is an active staff
        member's username, else a team's name. ValidationError naming each bad pair."""
        choices, errors = {}, []
        for pair in pairs:
            name, sep, login = pair.rpartition("=")
            name, login = name.strip(), login.strip()
            if not sep or not name or not login:
                errors.append(_("%(pair)s: write NAME=LOGIN.") % {"pair": pair[:120]})
                continue
            user = assignable_users().filter(username=login).first()
            if user is not None:
                choices[name] = OwnerChoice(USER, user.pk, user.label)
                continue
            team = Team.objects.filter(name=login).first()
            if team is not None:
                choices[name] = OwnerChoice(TEAM, team.pk, team.name)
                continue
            errors.append(
                _(
                    "%(pair)s: no active staff member has the username %(login)s and no team has "
                    "that name."
                )
                % {"pair": pair[:120], "login": login[:120]}
            )
        if errors:
            raise ValidationError(errors)
        return cls(choices, create_all=create_all)


class OwnerError(TextFormatError):
    def __init__(self, message: str, unknown: list[str]):
        super().__init__(message)
        self.unknown = unknown


class OwnerDirectory:
    """Staff users (active or not) and teams, found by username, display name or team name."""

    def __init__(self, users=None, teams=None, choices: OwnerChoices | None = None):
        if users is None:
            users = User.objects.exclude(role=Role.CUSTOMER).only(
                "id", "username", "display_name", "first_name", "last_name"
            )
        if teams is None:
            teams = Team.objects.only("id", "name")
        self.users = {u.pk: u for u in users}
        self.teams = {t.pk: t for t in teams}
        self._index: dict[str, set[Owner]] = defaultdict(set)
        for user in self.users.values():
            names = {
                user.username,
                user.display_name,
                user.get_full_name(),
                f"{user.last_name}{user.first_name}",
            }
            for name in names:
                if name.strip():
                    self._index[normalize(name)].add((user.pk, None))
        for team in self.teams.values():
            self._index[normalize(team.name)].add((None, team.pk))
        self.choices = choices or OwnerChoices()
        self.chosen: dict[str, str] = {}  # names resolved by a choice: key → name as first seen
        self.pending: dict[int, str] = {}  # placeholder user id → name of the user to create
        self._pending_keys: dict[str, int] = {}

    def matches(self, name: str) -> set[Owner]:
        return self._index.get(normalize(name), set())

    def resolve(self, name: str) -> set[Owner]:
        """The owner an unknown name was chosen to be (a placeholder when it is to be created);
        empty when there is no choice for it. TextFormatError when it cannot be a new user's
        name."""
        choice = self.choices.get(name)
        if choice is None:
            return set()
        key = normalize(name)
        self.chosen.setdefault(key, name)
        if choice.action == USER:
            self.users.setdefault(choice.target, User(pk=choice.target, display_name=choice.label))
            return {(choice.target, None)}
        if choice.action == TEAM:
            self.teams.setdefault(choice.target, Team(pk=choice.target, name=choice.label))
            return {(None, choice.target)}
        refusal = staff_name_problem(name)
        if refusal is not None:
            raise TextFormatError(
                _("Owner %(name)s cannot be created: %(reason)s")
                % {"name": name[:40], "reason": refusal}
            )
        pk = self._pending_keys.get(key)
        if pk is None:
            pk = self._pending_keys[key] = -(len(self.pending) + 1)
            self.pending[pk] = name
        return {(pk, None)}

    def created(self, placeholder: int, user: User) -> None:
        """The user created for a placeholder: labels and later lookups find them."""
        self.users[user.pk] = user
        self._index[normalize(user.username)].add((user.pk, None))

    def parse(self, text: str) -> tuple[tuple[int | None, int | None, bool], ...]:
        """Owners in a cell, the first primary: ((user_id, team_id, is_primary), …)."""
        owners, unknown, problems = [], [], []
        for name in split_names(text):
            found = self.matches(name)
            if not found:
                try:
                    found = self.resolve(name)
                except TextFormatError as exc:
                    problems.append(str(exc))
                    continue
            if not found:
                unknown.append(name)
            elif len(found) > 1:
                problems.append(
                    _(
                        "%(name)s is ambiguous: several users or teams have that name; use the "
                        "username."
                    )
                    % {"name": name}
                )
            else:
                owner = next(iter(found))
                if owner in owners:
                    problems.append(_("%(name)s is listed twice.") % {"name": name})
                owners.append(owner)
        if unknown:
            problems.insert(
                0,
                _(
                    "Unknown owner %(names)s: no user or team has this username, display name or "
                    "team name."
                )
                % {"names": "、".join(unknown)},
            )
        if problems:
            raise OwnerError(" ".join(problems), unknown)
        return tuple((u, t, i == 0) for i, (u, t) in enumerate(owners))

    def name_for(self, user_id: int | None, team_id: int | None) -> str:
        """The name the exporter writes: the display name when it finds exactly this owner."""
        if team_id is not None:
            team = self.teams[team_id]
            return team.name
        assert user_id is not None  # an owner is a user or a team
        if user_id in self.pending:
            return self.pending[user_id]
        user = self.user(user_id)
        if self.matches(user.label) == {(user_id, None)}:
            return user.label
        return user.username

    def user(self, pk: int) -> User:
        user = self.users.get(pk)
        if user is None and pk in self.pending:  # to be created by the import
            return User(display_name=self.pending[pk])
        if user is None:  # not staff (a customer contact left as an owner): fetched on demand
            user = self.users[pk] = User.objects.get(pk=pk)
        return user

    def format(self, owners) -> str:
        return join_names(self.name_for(u, t) for u, t, _primary in owners)
