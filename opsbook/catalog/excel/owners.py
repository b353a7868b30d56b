"""Owners in a cell: usernames, display names or team names, loaded once and matched in memory."""

from collections import defaultdict

from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Team, User

from .columns import normalize
from .textformats import TextFormatError, join_names, split_names

Owner = tuple[int | None, int | None]  # (user id, team id): exactly one is set


class OwnerError(TextFormatError):
    def __init__(self, message: str, unknown: list[str]):
        super().__init__(message)
        self.unknown = unknown


class OwnerDirectory:
    """Staff users (active or not) and teams, found by username, display name or team name."""

    def __init__(self, users=None, teams=None):
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

    def matches(self, name: str) -> set[Owner]:
        return self._index.get(normalize(name), set())

    def parse(self, text: str) -> tuple[tuple[int | None, int | None, bool], ...]:
        """Owners in a cell, the first primary: ((user_id, team_id, is_primary), …)."""
        owners, unknown, problems = [], [], []
        for name in split_names(text):
            found = self.matches(name)
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
        user = self.user(user_id)
        if self.matches(user.label) == {(user_id, None)}:
            return user.label
        return user.username

    def user(self, pk: int) -> User:
        user = self.users.get(pk)
        if user is None:  # not staff (a customer contact left as an owner): fetched on demand
            user = self.users[pk] = User.objects.get(pk=pk)
        return user

    def format(self, owners) -> str:
        return join_names(self.name_for(u, t) for u, t, _primary in owners)
