from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from opsbook.accounts.models import ApiToken, User
from opsbook.accounts.services import do_create_api_token, do_revoke_api_token
from opsbook.core import clock


class Command(BaseCommand):
    help = "Manage API tokens: `token create --user NAME` prints a new bearer token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--user", required=True, help="username")
        create.add_argument("--name", default="", help="what the token is for")
        create.add_argument("--days", type=int, default=0, help="expire after N days (0: never)")
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by its hint")
        revoke.add_argument("hint")

    def handle(self, *args, action, **options):
        if action == "create":
            user = self._user(options["user"])
            expires = clock.now() + timedelta(days=options["days"]) if options["days"] else None
            try:
                _token, raw = do_create_api_token(user, name=options["name"], expires_at=expires)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(raw)
        elif action == "list":
            user = self._user(options["user"])
            now = clock.now()
            for token in user.api_tokens.all():
                if token.revoked_at:
                    state = "revoked"
                elif token.expires_at and token.expires_at <= now:
                    state = "expired"
                else:
                    state = "active"
                self.stdout.write(
                    f"{token.hint}…\t{state}\t{token.name}\t{token.created_at:%Y-%m-%d}"
                )
        else:
            tokens = list(ApiToken.objects.filter(hint=options["hint"].rstrip("…")))
            if len(tokens) != 1:
                raise CommandError("no single token has that hint")
            do_revoke_api_token(tokens[0])
            self.stdout.write("revoked")

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
