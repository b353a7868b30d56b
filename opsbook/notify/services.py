"""Writes of the notify app. ``do_notify`` is what every domain calls.

``do_notify`` must be called inside the transaction of the change that causes it: it writes the
inbox entries and the outbox rows (``Delivery``) in that transaction, so a rolled-back change
notifies nobody and a committed one loses nothing. The worker sends the outbox later.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from opsbook.accounts.models import User

from .choices import Audience, ChannelKind, Event
from .models import Delivery, Notification, Preference, Rule

# A message written for one reader, in the language active when it is called: (title, body).
Message = Callable[[], tuple[str, str]]

# Used when no active rule names an event: the people the caller names get an inbox entry and
# an e-mail; no chat group is told.
DEFAULT_AUDIENCES = frozenset(
    {Audience.ASSIGNEE, Audience.OWNERS, Audience.TEAM_LEAD, Audience.MANAGERS}
)


def absolute(link: str) -> str:
    """A path on this site as a URL under the configured public base URL."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{settings.OPSBOOK_BASE_URL}{link}"


def _in_language(language: str, message: Message) -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        title, body = message()
    return str(title)[:200], str(body)


def do_notify(
    event: Event | str,
    *,
    key: str,
    message: Message,
    link: str,
    audiences: Mapping[Audience | str, Iterable[User]],
    now: datetime,
) -> list[Notification]:
    """Tell the people ``audiences`` names about ``event``, as the active rules say.

    ``key`` names what this is about ("occurrence:42:overdue"); an entry with the same key for
    the same person is never written twice, so a job that runs twice notifies once. ``link`` is
    a path on this site. Returns the inbox entries created.
    """
    rules = list(Rule.objects.filter(event=event, is_active=True).select_related("channel"))
    if rules:
        wanted = {(r.audience, "in_app") for r in rules if r.in_app}
        wanted |= {(r.audience, "email") for r in rules if r.email}
        chats = [r.channel for r in rules if r.channel is not None and r.channel.is_active]
    else:
        wanted = {(a, how) for a in DEFAULT_AUDIENCES for how in ("in_app", "email")}
        chats = []
    people: dict[int, tuple[User, set[str]]] = {}
    for audience, users in audiences.items():
        for user in users:
            if user is None or not user.is_active:
                continue
            hows = {how for (a, how) in wanted if a == audience}
            if hows:
                people.setdefault(user.pk, (user, set()))[1].update(hows)
    created: list[Notification] = []
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=people)}
    for user, hows in people.values():
        pref = prefs.get(user.pk)
        if pref is not None and event in (pref.muted_events or []):
            continue
        title, body = _in_language(user.language, message)
        note = None
        if "in_app" in hows:
            note = _insert_once(
                Notification,
                user=user,
                key=key,
                event=event,
                title=title,
                body=body,
                link=link,
                created_at=now,
            )
            if note is not None:
                created.append(note)
        if "email" in hows and user.email and (pref is None or pref.email_enabled):
            _insert_once(
                Delivery,
                key=f"{key}:email:{user.pk}"[:250],
                event=event,
                kind=ChannelKind.EMAIL,
                recipient=user,
                address=user.email,
                notification=note,
                subject=title,
                body=body,
                link=absolute(link),
                next_attempt_at=now,
                created_at=now,
            )
    for channel in dict.fromkeys(chats):
        title, body = _in_language(settings.LANGUAGE_CODE, message)
        _insert_once(
            Delivery,
            key=f"{key}:channel:{channel.pk}"[:250],
            event=event,
            kind=channel.kind,
            channel=channel,
            subject=title,
            body=body,
            link=absolute(link),
            next_attempt_at=now,
            created_at=now,
        )
    return created


def _insert_once(model, **fields):
    """Insert the row unless its unique key exists (then None), without breaking the caller's
    transaction."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None
