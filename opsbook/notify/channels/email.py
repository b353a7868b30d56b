"""E-mail: one message with a plain-text body and an HTML alternative, through Django's mail
settings (``EMAIL_*``, see docs/operators/notifications.md).

The HTML is rendered from ``notify/email/message.html`` with autoescaping, so nothing a user
wrote (a ticket title, a comment) becomes markup; a delivery that carries its own HTML (the
digest) was rendered the same way by its writer. Subjects are single lines (line breaks would
be header injection) and Django encodes non-ASCII ones as RFC 2047 words (``=?utf-8?b?…?=``).
A mail server that cannot be reached or answers a temporary (4xx) error is retried; a
permanent refusal of the recipient (5xx) fails."""

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .base import Message, Outcome, in_language


def single_line(text: str) -> str:
    return " ".join(text.split())[:200]


def text_body(message: Message) -> str:
    parts = [message.body.strip()] if message.body.strip() else []
    if message.link:
        parts.append(message.link)
    return "\n\n".join(parts) + "\n"


def html_body(message: Message) -> str:
    if message.html:
        return message.html
    return render_to_string(
        "notify/email/message.html",
        {"subject": message.subject, "body": message.body, "link": message.link},
    )


def build(message: Message) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        single_line(message.subject),
        text_body(message),
        settings.DEFAULT_FROM_EMAIL,
        [message.address],
    )
    email.attach_alternative(html_body(message), "text/html")
    return email


class EmailAdapter:
    kind = "email"

    def send(self, message: Message, connection: Any = None, language: str = "") -> Outcome:
        """Send one message, written in ``language`` (the recipient's), through ``connection``
        when the worker keeps one open for its pass (one SMTP session for many messages), else
        through a connection of its own. Errors are worded in the active language."""
        if not message.address:
            return Outcome.failed(_("The recipient has no e-mail address."))
        try:
            mailer = connection if connection is not None else mailers.default
            if connection is not None:
                mailer.open()  # once per session: a no-op while it is open
            with in_language(language):
                email = build(message)
            mailer.send_messages([email])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            error = _("The mail server refused the recipient: %(detail)s") % {
                "detail": "; ".join(f"{c} {t!r}" for c, t in exc.recipients.values())
            }
            if all(400 <= code < 500 for code in codes):
                return Outcome.retry(error)
            return Outcome.failed(error)
        except smtplib.SMTPResponseException as exc:
            error = _("The mail server answered %(code)s %(text)s") % {
                "code": exc.smtp_code,
                "text": exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else exc.smtp_error,
            }
            if 400 <= exc.smtp_code < 500:
                return Outcome.retry(error)
            return Outcome.failed(error)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            return Outcome.retry(
                _("Could not reach the mail server: %(error)s")
                % {"error": exc or type(exc).__name__}
            )
        return Outcome.sent()
