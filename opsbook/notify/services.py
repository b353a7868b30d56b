"""Writes of the notify app. ``do_notify`` is what every domain calls.

``do_notify`` must be called inside the transaction of the change that causes it: it writes the
inbox entries and the outbox rows (``Delivery``) in that transaction, so a rolled-back change
notifies nobody and a committed one loses nothing. The worker sends the outbox later.

Each person's preferences are honoured here: a muted event writes nothing for them; with e-mail
off, or the daily digest on, no per-event e-mail is written (the digest, ``digest.py``, lists
the inbox instead); during quiet hours the e-mail is written HELD until they end
(``digest.release_held`` turns it PENDING then). Chat groups ignore personal preferences.

The inbox pages and the API write through the other ``do_*`` functions below: marking entries
read, the rules (managers) and one's own preferences.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from opsbook.accounts.models import User
from opsbook.audit.models import Action
from opsbook.audit.services import diff, record, snapshot
from opsbook.core.permissions import require

from . import access
from .choices import ROUTED_EVENTS, Audience, ChannelKind, DeliveryStatus, Event
from .models import Channel, Delivery, Notification, Preference, Rule

# A message written for one reader, in the language active when it is called: (title, body).
Message = Callable[[], tuple[str, str]]

# Used when no rule at all names an event: the people the caller names get an inbox entry and
# an e-mail; no chat group is told. (An event whose rules are all switched off tells nobody.)
DEFAULT_AUDIENCES = frozenset(
    {Audience.ASSIGNEE, Audience.OWNERS, Audience.TEAM_LEAD, Audience.MANAGERS}
)


def absolute(link: str) -> str:
    """A path on this site as a URL under the configured public base URL."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{settings.OPSBOOK_BASE_URL}{link}"


def safe_path(link: str) -> str:
    """``link`` when it is a path on this site ("/tickets/12/"), else "": an inbox entry never
    points anywhere else (no scheme, no host, no "//host", no backslashes or control
    characters)."""
    link = (link or "").strip()
    if (
        not link.startswith("/")
        or link.startswith("//")
        or "\\" in link
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in link)
        or not url_has_allowed_host_and_scheme(link, allowed_hosts=set())
    ):
        return ""
    return link[:500]


def quiet_until(
    now: datetime, start: time | None, end: time | None, zone: tzinfo
) -> datetime | None:
    """When the quiet hours ``start``–``end`` (wall-clock times in ``zone``) that contain
    ``now`` end, or None when ``now`` is outside them (or none are set). Hours across midnight
    (22:00–07:00) work; a window whose start equals its end is empty."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone)
    at = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        if not start <= at < end:
            return None
    elif at >= start:
        day += timedelta(days=1)
    elif at >= end:
        return None
    return datetime.combine(day, end, tzinfo=zone)


def _in_language(language: str, message: Message) -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        title, body = message()
    return str(title)[:200], str(body)


@dataclass
class Outcome:
    """What one notification wrote: inbox entries and outbox rows (new ones only)."""

    notifications: list[Notification] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


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
    a path on this site (anything else is dropped). Returns the inbox entries created.
    """
    rules = list(Rule.objects.filter(event=event).select_related("channel"))
    return _notify(
        event,
        key=key,
        message=message,
        link=link,
        audiences=audiences,
        now=now,
        rules=[r for r in rules if r.is_active],
        fallback=not rules,
    ).notifications


def _notify(
    event: Event | str,
    *,
    key: str,
    message: Message,
    link: str,
    audiences: Mapping[Audience | str, Iterable[User]],
    now: datetime,
    rules: list[Rule],
    fallback: bool = False,
) -> Outcome:
    link = safe_path(link)
    if not fallback:
        wanted = {(r.audience, "in_app") for r in rules if r.in_app}
        wanted |= {(r.audience, "email") for r in rules if r.email}
        chats = [
            r.channel
            for r in rules
            if r.audience == Audience.CHAT_GROUP and r.channel is not None and r.channel.is_active
        ]
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
    outcome = Outcome()
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=people)}
    zone = timezone.get_default_timezone()
    # The test message is the notify app's own: nobody mutes it, and it is sent at once.
    personal = event != Event.TEST
    for user, hows in people.values():
        pref = prefs.get(user.pk)
        if pref is not None and event in (pref.muted_events or []):
            continue
        digest = personal and pref is not None and pref.digest
        title, body = _in_language(user.language, message)
        note = None
        # With the digest on, what would have been e-mailed waits in the inbox for the digest.
        if ("in_app" in hows or (digest and "email" in hows)) and user.is_staff_member:
            note = _insert_once(
                Notification,
                user=user,
                key=key[:200],
                event=event,
                title=title,
                body=body,
                link=link,
                created_at=now,
            )
            if note is not None:
                outcome.notifications.append(note)
        if "email" in hows and user.email and not digest and (pref is None or pref.email_enabled):
            held = (
                quiet_until(now, pref.quiet_start, pref.quiet_end, zone)
                if (personal and pref is not None)
                else None
            )
            mail = _insert_once(
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
                status=DeliveryStatus.HELD if held else DeliveryStatus.PENDING,
                next_attempt_at=held or now,
                created_at=now,
            )
            if mail is not None:
                outcome.deliveries.append(mail)
    for channel in dict.fromkeys(chats):
        title, body = _in_language(settings.LANGUAGE_CODE, message)
        chat = _insert_once(
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
        if chat is not None:
            outcome.deliveries.append(chat)
    return outcome


def _insert_once(model, **fields):
    """Insert the row unless its unique key exists (then None), without breaking the caller's
    transaction."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


# --- The inbox --------------------------------------------------------------------------------


def do_mark_read(user: User, entry: Notification, *, now: datetime) -> Notification:
    """Mark one of the user's own entries read (once: the first time is kept)."""
    require(access.has_inbox(user) and entry.user_id == user.pk)
    Notification.objects.filter(pk=entry.pk, read_at__isnull=True).update(read_at=now)
    entry.refresh_from_db(fields=["read_at"])
    return entry


def do_mark_all_read(user: User, *, now: datetime) -> int:
    """Mark every unread entry of the user read; returns how many."""
    require(access.has_inbox(user))
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)


# --- Rules (managers) -----------------------------------------------------------------------

RULE_FIELDS = ("event", "audience", "in_app", "email", "channel", "is_active")


def _check_rule(values: dict, rule: Rule | None) -> None:
    errors: dict[str, str] = {}
    if values["event"] not in ROUTED_EVENTS:
        errors["event"] = _("Choose one of the events in the list.")
    if values["audience"] not in Audience.values:
        errors["audience"] = _("Choose one of the recipients in the list.")
    channel = values["channel"]
    if values["audience"] == Audience.CHAT_GROUP:
        if channel is None:
            errors["channel"] = _("A rule for a chat group names its chat channel.")
        elif not channel.is_active:
            errors["channel"] = _("This chat channel is not active.")
    else:
        if channel is not None:
            errors["channel"] = _("Only a rule for a chat group names a chat channel.")
        if not values["in_app"] and not values["email"]:
            errors["in_app"] = _("Tick the inbox, e-mail or both: this rule would send nothing.")
    if not errors:
        twins = Rule.objects.filter(
            event=values["event"], audience=values["audience"], channel=channel
        )
        if rule is not None:
            twins = twins.exclude(pk=rule.pk)
        if twins.exists():
            errors["audience"] = _("There is already a rule for this event and recipient.")
    if errors:
        raise ValidationError(errors)


def do_save_rule(
    actor: User | None,
    rule: Rule | None,
    *,
    event: str,
    audience: str,
    in_app: bool = True,
    email: bool = True,
    channel: Channel | None = None,
    is_active: bool = True,
    source: str = "web",
) -> Rule:
    """Create (``rule`` None) or change a rule. A rule for a chat group sends to its channel
    only, so its inbox and e-mail flags are cleared."""
    if actor is not None:
        require(access.can_manage_rules(actor), _("Only managers change notification rules."))
    if audience == Audience.CHAT_GROUP:
        in_app = email = False
    values = {
        "event": event,
        "audience": audience,
        "in_app": in_app,
        "email": email,
        "channel": channel,
        "is_active": is_active,
    }
    _check_rule(values, rule)
    with transaction.atomic():
        if rule is None:
            rule = Rule.objects.create(**values)
            record(
                actor=actor,
                action=Action.CREATE,
                obj=rule,
                changes=diff({}, snapshot(rule, RULE_FIELDS)),
                source=source,
            )
            return rule
        before = snapshot(rule, RULE_FIELDS)
        for name, value in values.items():
            setattr(rule, name, value)
        rule.save()
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=rule,
            changes=diff(before, snapshot(rule, RULE_FIELDS)),
            source=source,
        )
    return rule


def do_delete_rule(actor: User | None, rule: Rule, *, source: str = "web") -> None:
    """Delete a rule. When an event has no active rule left, the callers' named people get an
    inbox entry and an e-mail (the fallback of ``do_notify``)."""
    if actor is not None:
        require(access.can_manage_rules(actor), _("Only managers change notification rules."))
    with transaction.atomic():
        record(
            actor=actor,
            action=Action.DELETE,
            obj=rule,
            changes=diff(snapshot(rule, RULE_FIELDS), {}),
            source=source,
        )
        rule.delete()


@dataclass
class TestSent:
    """What a "send test" wrote."""

    inbox: int = 0
    emails: int = 0
    chats: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.inbox or self.emails or self.chats)


def do_send_test(actor: User, rule: Rule, *, now: datetime) -> TestSent:
    """Send a test message through one rule: to its chat channel, or to ``actor`` (standing in
    for the rule's recipients) by the inbox and e-mail as the rule says. Sent at once, whatever
    the actor's preferences; each press sends a new one."""
    require(access.can_manage_rules(actor), _("Only managers change notification rules."))
    if rule.audience == Audience.CHAT_GROUP and (
        rule.channel is None or not rule.channel.is_active
    ):
        raise ValidationError({"channel": _("This chat channel is not active.")})
    rule_id, sender = rule.pk, actor.label

    def message() -> tuple[str, str]:
        label = Event(rule.event).label if rule.event in Event.values else rule.event
        return (
            _("Test: %(event)s") % {"event": label},
            _(
                "This is a test of notification rule #%(rule)s, sent by %(name)s. "
                "If you can read it, the rule reaches you."
            )
            % {"rule": rule_id, "name": sender},
        )

    with transaction.atomic():
        outcome = _notify(
            Event.TEST,
            key=f"test:rule:{rule.pk}:{actor.pk}:{now.isoformat()}",
            message=message,
            link=reverse("notify:inbox"),
            audiences={} if rule.audience == Audience.CHAT_GROUP else {rule.audience: [actor]},
            now=now,
            rules=[rule],
        )
    return TestSent(
        inbox=len(outcome.notifications),
        emails=sum(d.kind == ChannelKind.EMAIL for d in outcome.deliveries),
        chats=sum(d.kind != ChannelKind.EMAIL for d in outcome.deliveries),
    )


# --- Preferences (each person their own) ----------------------------------------------------

PREFERENCE_FIELDS = (
    "email_enabled",
    "muted_events",
    "quiet_start",
    "quiet_end",
    "digest",
    "digest_at",
)


def _preference_snapshot(pref: Preference) -> dict:
    """The preference's fields for the audit trail (times as "HH:MM")."""
    values = snapshot(pref, PREFERENCE_FIELDS)
    for name in ("quiet_start", "quiet_end", "digest_at"):
        if values[name] is not None:
            values[name] = values[name].strftime("%H:%M")
    return values


def preference_for(user: User) -> Preference:
    """The user's preferences, or the defaults (unsaved) when they never changed them."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def default_digest_time() -> time:
    return time.fromisoformat(settings.OPSBOOK_DIGEST_AT)


def _check_preferences(values: dict) -> None:
    errors: dict[str, str] = {}
    unknown = [e for e in values["muted_events"] if e not in ROUTED_EVENTS]
    if unknown:
        errors["muted_events"] = _("There is no event %(event)s.") % {"event": unknown[0]}
    start, end = values["quiet_start"], values["quiet_end"]
    if (start is None) != (end is None):
        errors["quiet_end" if end is None else "quiet_start"] = _(
            "Give both the start and the end of your quiet hours, or neither."
        )
    elif start is not None and start == end:
        errors["quiet_end"] = _("Quiet hours end at a different time than they start.")
    if errors:
        raise ValidationError(errors)


def do_save_preferences(
    user: User,
    *,
    email_enabled: bool,
    muted_events: Iterable[str],
    quiet_start: time | None,
    quiet_end: time | None,
    digest: bool,
    digest_at: time | None,
    source: str = "web",
) -> Preference:
    """Save the user's own notification preferences (quiet hours and the digest time are
    wall-clock times in the site's time zone)."""
    require(access.has_inbox(user), _("Notification preferences are for staff."))
    muted = [str(e) for e in muted_events]
    values = {
        "email_enabled": email_enabled,
        "muted_events": muted,
        "quiet_start": quiet_start,
        "quiet_end": quiet_end,
        "digest": digest,
        "digest_at": digest_at,
    }
    _check_preferences(values)
    # Kept in the order of the list of events, each once.
    values["muted_events"] = [str(e) for e in ROUTED_EVENTS if e in set(muted)]
    with transaction.atomic():
        pref = Preference.objects.select_for_update().filter(user=user).first()
        creating = pref is None
        if pref is None:
            pref = Preference(user=user)
        before = {} if creating else _preference_snapshot(pref)
        for name, value in values.items():
            setattr(pref, name, value)
        pref.save()
        record(
            actor=user,
            action=Action.CREATE if creating else Action.UPDATE,
            obj=pref,
            changes=diff(before, _preference_snapshot(pref)),
            source=source,
        )
    return pref
