"""People and teams named in a request: by id (a number) or by username / team name (text)."""

from opsbook.accounts.models import Team, User


def find_user(ref: int | str) -> User | None:
    """A user by id (a number) or username (a string)."""
    field = "pk" if isinstance(ref, int) else "username"
    return User.objects.filter(**{field: ref}).first()


def find_team(ref: int | str) -> Team | None:
    field = "pk" if isinstance(ref, int) else "name"
    return Team.objects.filter(**{field: ref}).first()


def query_ref(text: str) -> int | str:
    """A query string names a user or team by id when it is all digits, by name otherwise."""
    return int(text) if text.isdigit() else text
