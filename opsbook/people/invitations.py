"""One-time links to set a password, for new accounts (and again when a manager resends one).

Nothing is stored: like Django's password reset token, the link is an HMAC over the account's
state, so it stops working once a password is set (the password hash changes), when the account
is deactivated, when its e-mail changes, or after ``PASSWORD_RESET_TIMEOUT`` seconds
(``INVITATION_DAYS``). The link is built on ``OPSBOOK_BASE_URL``.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from opsbook.accounts.models import User
from opsbook.core import clock


class InvitationTokens(PasswordResetTokenGenerator):
    key_salt = "opsbook.people.invitations.InvitationTokens"

    def _make_hash_value(self, user, timestamp):
        login = (
            "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        )
        return (
            f"{user.pk}{user.password}{login}{timestamp}{user.email}{user.is_active}"
            f"{user.session_stamp}"
        )

    def _now(self) -> datetime:
        # Django compares naive datetimes; the one clock, in UTC, keeps tests' time travel.
        return clock.now().replace(tzinfo=None)


invitation_tokens = InvitationTokens()


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    path = reverse("people:welcome", kwargs={"uidb64": uid, "token": token})
    return settings.OPSBOOK_BASE_URL + path
