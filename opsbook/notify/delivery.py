"""The outbox worker: claims due ``Delivery`` rows, sends them, records the outcome.

One pass (``run_outbox``):

1. **Take back** rows a dead worker left in ``sending``: claimed longer ago than the lease
   (``NOTIFY_LEASE_SECONDS``) they go back to ``retrying``. A worker that died after the vendor
   accepted a message but before our UPDATE makes that one message go out twice; that window
   (one HTTP answer long) is the only way a message is sent twice.
2. **Claim** due rows (``pending`` or ``retrying`` with ``next_attempt_at <= now``) with one
   conditional UPDATE to ``sending`` (``claimed_at``, ``claimed_by`` a token of this pass,
   ``attempts + 1``): a second worker's UPDATE finds them no longer due, so no row is sent by
   two workers. Chat channels are claimed within their rate limit (the vendor's, or
   ``Channel.rate_per_minute``), counted over the last minute of claims with the channel's row
   locked; rows over the limit stay due and wait for a later pass, they are not failed.
3. **Send** each claimed row outside any transaction, pacing vendors with a per-second limit.
   A pass that runs long (slow peers) renews its claims every third of the lease and skips a
   row another worker took back, so a live worker never sends a row it no longer holds.
4. **Record** with a conditional UPDATE on (``sending``, our token): ``sent``; ``retrying``
   with exponential backoff (or the wait the vendor asked for, if longer); ``failed`` when
   retrying cannot help (bad key, bad sign, keyword missing) or after ``NOTIFY_MAX_ATTEMPTS``.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from opsbook.jobs.claims import claim_update

from . import secrets
from .channels import CHAT_ADAPTERS, EMAIL, Destination, Message, Outcome, Result, send_chat
from .choices import ChannelKind, DeliveryStatus
from .models import Channel, Delivery

logger = logging.getLogger(__name__)

DUE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


@dataclass(frozen=True)
class Limit:
    per_minute: int | None
    per_second: int | None = None


# The vendors' documented limits (shared/notes/webhooks.md); Channel.rate_per_minute overrides
# the per-minute figure. A generic webhook has no limit unless the channel sets one.
VENDOR_LIMITS: dict[str, Limit] = {
    ChannelKind.WECOM: Limit(20),
    ChannelKind.DINGTALK: Limit(20),
    ChannelKind.FEISHU: Limit(100, 5),
    ChannelKind.SLACK: Limit(60, 1),
}


def limit_for(channel: Channel) -> Limit | None:
    vendor = VENDOR_LIMITS.get(channel.kind, Limit(None))
    per_minute = channel.rate_per_minute or vendor.per_minute
    if per_minute is None and vendor.per_second is None:
        return None
    return Limit(per_minute, vendor.per_second)


def retry_delay(attempts: int, asked: float | None = None) -> timedelta:
    """Exponential backoff after ``attempts`` tries: base × 2^(attempts-1), capped; a longer
    wait the vendor asked for (Retry-After, DingTalk's 10-minute throttle) wins."""
    base = settings.NOTIFY_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.NOTIFY_RETRY_MAX_SECONDS)
    if asked is not None:
        seconds = max(seconds, asked)
    return timedelta(seconds=seconds)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:200]


# --- 1. take back -----------------------------------------------------------------------------


def reclaim_stale(now: datetime) -> int:
    """Rows left in ``sending`` by a worker that died go back to ``retrying`` (or ``failed``
    when that was their last attempt); returns how many."""
    lease = now - timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=lease)
    note = _("The worker sending this stopped before recording the outcome; it is tried again.")
    last = _(
        "The worker sending this stopped before recording the outcome, on the last attempt: "
        "it may or may not have arrived."
    )
    failed = claim_update(
        stale.filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS),
        status=DeliveryStatus.FAILED,
        last_error=last,
    )
    retried = claim_update(
        stale, status=DeliveryStatus.RETRYING, next_attempt_at=now, last_error=note
    )
    if failed or retried:
        logger.warning("outbox: took back %d rows left sending by a dead worker", failed + retried)
    return failed + retried


# --- 2. claim ---------------------------------------------------------------------------------


def _claim(ids: list[int], now: datetime, token: str) -> int:
    if not ids:
        return 0
    return claim_update(
        Delivery.objects.filter(pk__in=ids, status__in=DUE, next_attempt_at__lte=now),
        status=DeliveryStatus.SENDING,
        claimed_at=now,
        claimed_by=token,
        attempts=F("attempts") + 1,
    )


def claim_due(now: datetime, token: str, limit: int) -> list[Delivery]:
    """Claim up to ``limit`` due rows for this pass (``token``) and return them."""
    due = Delivery.objects.filter(status__in=DUE, next_attempt_at__lte=now)
    channel_ids = set(due.exclude(channel=None).values_list("channel_id", flat=True).distinct())
    limits = {
        c.pk: lim
        for c in Channel.objects.filter(pk__in=channel_ids)
        if (lim := limit_for(c)) is not None and lim.per_minute is not None
    }
    ids = list(
        due.exclude(channel_id__in=list(limits))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    claimed = _claim(ids, now, token)
    for channel_id, channel_limit in limits.items():
        room = limit - claimed
        if room <= 0:
            break
        with transaction.atomic():
            # The channel's row lock makes "count recent claims, then claim" one step for all
            # workers (PostgreSQL; SQLite runs one writer at a time anyway).
            list(Channel.objects.select_for_update().filter(pk=channel_id).values_list("pk"))
            recent = Delivery.objects.filter(
                channel_id=channel_id, claimed_at__gt=now - timedelta(minutes=1)
            ).count()
            allowance = min(room, (channel_limit.per_minute or 0) - recent)
            if allowance <= 0:
                continue
            ids = list(
                due.filter(channel_id=channel_id)
                .order_by("next_attempt_at", "id")
                .values_list("id", flat=True)[:allowance]
            )
            claimed += _claim(ids, now, token)
    return list(
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_by=token)
        .select_related("channel", "recipient")
        .order_by("next_attempt_at", "id")
    )


def renew_claims(ids: list[int], token: str, now: datetime) -> set[int]:
    """Move the claim time of the rows this pass still holds to ``now``; their ids."""
    held = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING, claimed_by=token)
    claim_update(held, claimed_at=now)
    return set(held.values_list("pk", flat=True))


# --- 3. send ----------------------------------------------------------------------------------


def message_for(delivery: Delivery, now: datetime) -> Message:
    return Message(
        event=delivery.event,
        subject=delivery.subject,
        body=delivery.body,
        link=delivery.link,
        sent_at=now,
        html=delivery.html,
        address=delivery.address,
    )


class MailSession:
    """One SMTP connection for a pass, opened at the first e-mail and dropped after an error
    (the next e-mail opens a new one), so a burst of e-mails (the digest) does not pay a TLS
    handshake and a login for each."""

    def __init__(self) -> None:
        self.connection: Any = None

    def get(self) -> Any:
        if self.connection is None:
            self.connection = mailers.default
        return self.connection

    def drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # a broken session may fail to close; it is discarded anyway
                logger.debug("outbox: closing the SMTP session failed", exc_info=True)
            self.connection = None


def send(delivery: Delivery, now: datetime, mail: MailSession | None = None) -> Outcome:
    """Send one claimed row; never raises for a problem of the destination."""
    message = message_for(delivery, now)
    if delivery.kind == ChannelKind.EMAIL:
        recipient = delivery.recipient
        if recipient is not None and not recipient.is_active:
            return Outcome.failed(_("The recipient's account is deactivated."))
        language = getattr(recipient, "language", "") or settings.LANGUAGE_CODE
        if mail is None:
            return EMAIL.send(message, language=language)
        outcome = EMAIL.send(message, mail.get(), language=language)
        if outcome.result != Result.SENT:
            mail.drop()
        return outcome
    channel = delivery.channel
    if channel is None:
        return Outcome.failed(_("The delivery has no channel."))
    if not channel.is_active:
        return Outcome.failed(_("The channel %(name)s is switched off.") % {"name": channel.name})
    adapter = CHAT_ADAPTERS.get(channel.kind)
    if adapter is None:
        return Outcome.failed(_("Unknown channel kind %(kind)s.") % {"kind": channel.kind})
    try:
        destination = Destination(
            kind=channel.kind,
            url=secrets.channel_url(channel),
            secret=secrets.channel_secret(channel),
            keyword=channel.keyword,
        )
    except secrets.SecretUnreadable as exc:
        return Outcome.failed(str(exc))
    return send_chat(adapter, message, destination, settings.LANGUAGE_CODE)


# --- 4. record --------------------------------------------------------------------------------


def record(delivery: Delivery, outcome: Outcome, token: str, now: datetime) -> DeliveryStatus:
    """Write the outcome of one attempt (``delivery.attempts`` counts it already)."""
    attempts = delivery.attempts
    changes: dict = {}
    if outcome.result == Result.SENT:
        status = DeliveryStatus.SENT
        changes = {"sent_at": now, "last_error": ""}
    elif outcome.result == Result.RETRY and attempts < settings.NOTIFY_MAX_ATTEMPTS:
        status = DeliveryStatus.RETRYING
        changes = {
            "next_attempt_at": now + retry_delay(attempts, outcome.retry_after),
            "last_error": outcome.error,
        }
    else:
        status = DeliveryStatus.FAILED
        error = outcome.error
        if outcome.result == Result.RETRY:
            error = _("Gave up after %(n)d attempts. Last error: %(error)s") % {
                "n": attempts,
                "error": error,
            }
        changes = {"last_error": error}
    done = claim_update(
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_by=token),
        status=status,
        **changes,
    )
    if not done:
        logger.warning(
            "outbox: delivery %s was taken back before its outcome was recorded", delivery.pk
        )
    return status


# --- a pass -----------------------------------------------------------------------------------


@dataclass
class Summary:
    taken_back: int = 0
    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"taken_back": self.taken_back, "claimed": self.claimed, **self.outcomes}


def run_outbox(
    now: datetime,
    *,
    limit: int | None = None,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Summary:
    """One pass of the worker. ``now`` decides what is due and is written as the claim time;
    ``clock`` (default: ``now`` for every row) gives the time each send happens."""
    summary = Summary(taken_back=reclaim_stale(now))
    token = worker_name()
    claimed = claim_due(now, token, limit or settings.NOTIFY_BATCH_SIZE)
    summary.claimed = len(claimed)
    last_send: dict[int, float] = {}
    mail = MailSession()
    heartbeat, ours = now, {d.pk for d in claimed}
    every = timedelta(seconds=settings.NOTIFY_LEASE_SECONDS / 3)
    try:
        for index, delivery in enumerate(claimed):
            at = clock() if clock is not None else now
            if at - heartbeat >= every:
                # A long pass (slow peers, timeouts) renews its claim on the rows it has yet
                # to send, and skips any another worker took back meanwhile: a row is never
                # sent by a worker that no longer holds it.
                ours = renew_claims([d.pk for d in claimed[index:]], token, at)
                heartbeat = at
            if delivery.pk not in ours:
                continue
            channel = delivery.channel
            pace = limit_for(channel) if channel is not None else None
            if channel is not None and pace is not None and pace.per_second:
                gap = 1.0 / pace.per_second
                waited = time.monotonic() - last_send.get(channel.pk, -gap)
                if waited < gap:
                    sleep(gap - waited)
                last_send[channel.pk] = time.monotonic()
            try:
                outcome = send(delivery, at, mail)
            except Exception as exc:  # a bug must not leave the row in "sending" until the lease
                logger.exception("outbox: delivery %s raised", delivery.pk)
                outcome = Outcome.retry(
                    _("Internal error: %(error)s") % {"error": type(exc).__name__}
                )
            status = record(delivery, outcome, token, at)
            summary.outcomes[status] = summary.outcomes.get(status, 0) + 1
    finally:
        mail.drop()
    return summary


def prune_deliveries(now: datetime) -> dict[str, int]:
    """Delete sent deliveries older than ``NOTIFY_SENT_KEEP_DAYS`` and failed ones older than
    ``NOTIFY_FAILED_KEEP_DAYS`` (by when they were created). Rows still due or being sent are
    never deleted. Idempotent."""
    sent_before = now - timedelta(days=settings.NOTIFY_SENT_KEEP_DAYS)
    failed_before = now - timedelta(days=settings.NOTIFY_FAILED_KEEP_DAYS)
    sent, _n = Delivery.objects.filter(
        status=DeliveryStatus.SENT, created_at__lt=sent_before
    ).delete()
    failed, _n = Delivery.objects.filter(
        status=DeliveryStatus.FAILED, created_at__lt=failed_before
    ).delete()
    return {"sent": sent, "failed": failed}
