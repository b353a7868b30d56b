"""The daily digest and the release of e-mails held for quiet hours: two periodic jobs.

* ``send_digests(now)``: for each person who asked for the digest and whose digest time (their
  own, else ``OPSBOOK_DIGEST_AT``, wall-clock in the site's ``TIME_ZONE``) has come today, ONE
  e-mail ``Delivery`` listing their unread inbox entries no digest has listed yet, in their
  language. Its key is ``digest:<user>:<local date>``, so a second run (or a second worker)
  writes nothing; the entries it lists are marked ``digested_at`` in the same transaction.
  Nobody gets an empty digest.
* ``release_held(now)``: e-mails written HELD during someone's quiet hours become PENDING when
  the hours end (``next_attempt_at``), so the outbox worker sends them. One conditional UPDATE:
  any number of runs release each row once.

Both are registered with the scheduler (every minute) by ``notify/jobs.py``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from opsbook.core import clock
from opsbook.jobs.claims import claim_insert, claim_update
from opsbook.jobs.schedule import every

from .choices import ChannelKind, DeliveryStatus, Event
from .models import Delivery, Notification, Preference
from .querysets import digest_readers, held_due, waiting_for_digest
from .services import absolute, default_digest_time

# A digest lists at most this many entries; it says how many more wait in the inbox.
DIGEST_LIMIT = 50
DIGEST_KEY = "digest:{user}:{day}"


@dataclass
class DigestRun:
    sent: int = 0
    entries: int = 0


def digest_due_at(pref: Preference, now: datetime) -> datetime:
    """Today's digest moment of ``pref`` (today in the site's time zone)."""
    zone = timezone.get_default_timezone()
    day = now.astimezone(zone).date()
    return datetime.combine(day, pref.digest_at or default_digest_time(), tzinfo=zone)


def send_digests(now: datetime | None = None) -> DigestRun:
    """Write today's digest for everyone whose digest time has come and who has none yet."""
    now = now or clock.now()
    zone = timezone.get_default_timezone()
    today = now.astimezone(zone).date()
    due = [pref for pref in digest_readers() if digest_due_at(pref, now) <= now]
    done = set(
        Delivery.objects.filter(
            key__in=[DIGEST_KEY.format(user=p.user_id, day=today.isoformat()) for p in due]
        ).values_list("key", flat=True)
    )
    run = DigestRun()
    for pref in due:
        key = DIGEST_KEY.format(user=pref.user_id, day=today.isoformat())
        if key in done:
            continue
        listed = _send_one(pref, key, now)
        if listed:
            run.sent += 1
            run.entries += listed
    return run


def _last_digest_at(user_id: int) -> datetime | None:
    return (
        Delivery.objects.filter(recipient_id=user_id, event=Event.DIGEST)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def _send_one(pref: Preference, key: str, now: datetime) -> int:
    """Write one person's digest; returns how many entries it lists (0: nothing written)."""
    user = pref.user
    with transaction.atomic():
        # Since the last digest; a first digest looks back one day (what came before was
        # e-mailed one by one, or is in the inbox).
        since = _last_digest_at(user.pk) or now - timedelta(days=1)
        waiting = waiting_for_digest(user, since, now)
        entries = list(waiting[:DIGEST_LIMIT])
        if not entries:
            return 0
        more = waiting.count() - len(entries)
        # In the reader's language, with times in their own time zone.
        with (
            translation.override(user.language or settings.LANGUAGE_CODE),
            timezone.override(user.time_zone or settings.TIME_ZONE),
        ):
            subject = ngettext(
                "Opsbook daily digest: %(count)d unread notification",
                "Opsbook daily digest: %(count)d unread notifications",
                len(entries) + more,
            ) % {"count": len(entries) + more}
            context = {
                "user": user,
                "entries": [(e, absolute(e.link) if e.link else "") for e in entries],
                "more": more,
                "inbox_url": absolute(reverse("notify:inbox")),
                "preferences_url": absolute(reverse("notify:preferences")),
            }
            body = render_to_string("notify/inbox_digest_email.txt", context)
            html = render_to_string("notify/inbox_digest_email.html", context)
        delivery = claim_insert(
            Delivery,
            key=key,
            event=Event.DIGEST,
            kind=ChannelKind.EMAIL,
            recipient=user,
            address=user.email,
            subject=subject[:200],
            body=body,
            html=html,
            link=absolute(reverse("notify:inbox")),
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        if delivery is None:  # another run wrote today's digest first
            return 0
        Notification.objects.filter(pk__in=[e.pk for e in entries]).update(digested_at=now)
    return len(entries)


def release_held(now: datetime | None = None) -> int:
    """Turn e-mails held for quiet hours that are over into PENDING; returns how many."""
    now = now or clock.now()
    return claim_update(held_due(now), status=DeliveryStatus.PENDING)


@every(minutes=1, name="notify.send_digests")
@task()
def send_digests_task() -> int:
    return send_digests().sent


@every(minutes=1, name="notify.release_held")
@task()
def release_held_task() -> int:
    return release_held()
