"""The invitation e-mail. The service enqueues ``send_invitation`` after its transaction
commits; the task makes the one-time link when it runs (the link itself is never stored, not
even in the task queue) and writes the message in the recipient's language, as plain text."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from opsbook.accounts.models import User

from .invitations import invitation_link

logger = logging.getLogger(__name__)


def on_commit_send_invitation(user: User) -> None:
    user_id = user.pk
    transaction.on_commit(lambda: send_invitation.enqueue(user_id))


def invitation_message(user: User) -> tuple[str, str]:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    subject = _("Your Opsbook account")
    body = _(
        "Hello %(name)s,\n\n"
        "An account was made for you on Opsbook. Your login is: %(login)s\n\n"
        "Set your password with this link (it works once, for %(days)d days):\n%(link)s\n\n"
        "If you did not expect this message, ignore it."
    ) % {"name": user.label, "login": user.username, "days": days, "link": invitation_link(user)}
    return subject, body


@task
def send_invitation(user_id: int) -> bool:
    """Send the invitation if the account is still active and has an address."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = invitation_message(user)
    EmailMessage(subject, body, to=[user.email]).send()
    logger.info("invitation sent to user %s", user_id)
    return True
