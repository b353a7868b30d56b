"""do_notify honours each person's preferences: muted events, e-mail off, quiet hours (the
e-mail is HELD until they end, then released to the outbox), the digest; chat groups ignore
them all."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from opsbook.notify.choices import Audience, ChannelKind, DeliveryStatus, Event
from opsbook.notify.digest import release_held
from opsbook.notify.models import Channel, Delivery, Notification, Preference, Rule
from opsbook.notify.services import do_notify, quiet_until

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 9) -> datetime:
    """A moment on 2026-10-<day> at hour:minute in Shanghai, as UTC."""
    return datetime(2026, 10, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "start", "end", "until"),
    [
        (at(10), time(12), time(14), None),
        (at(12), time(12), time(14), at(14)),
        (at(13, 59), time(12), time(14), at(14)),
        (at(14), time(12), time(14), None),
        (at(23), time(22), time(7), at(7, day=10)),
        (at(2), time(22), time(7), at(7)),
        (at(7), time(22), time(7), None),
        (at(21, 59), time(22), time(7), None),
        (at(22), time(22), time(22), None),
        (at(22), None, time(7), None),
    ],
)
def test_quiet_hours_end_when_they_say_even_across_midnight(now, start, end, until):
    assert quiet_until(now, start, end, SHANGHAI) == until


pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(personas):
    personas.alice.email = "alice@example.com"
    personas.alice.save()
    return personas.alice


def notify(user, now, event=Event.TICKET_ASSIGNED, key="ticket:1:assigned"):
    return do_notify(
        event,
        key=key,
        message=lambda: ("工单已分派给你", "请处理"),
        link="/tickets/1/",
        audiences={Audience.ASSIGNEE: [user]},
        now=now,
    )


def prefer(user, **fields):
    return Preference.objects.create(user=user, **fields)


def test_an_email_during_quiet_hours_is_held_until_they_end_then_released(alice):
    prefer(alice, quiet_start=time(22), quiet_end=time(7))
    notify(alice, at(23, 30))
    assert Notification.objects.filter(user=alice).exists()  # the inbox is not quiet
    mail = Delivery.objects.get(kind=ChannelKind.EMAIL)
    assert mail.status == DeliveryStatus.HELD and mail.next_attempt_at == at(7, day=10)
    assert release_held(at(6, 59, day=10)) == 0
    assert release_held(at(7, day=10)) == 1
    mail.refresh_from_db()
    assert mail.status == DeliveryStatus.PENDING
    assert release_held(at(7, 1, day=10)) == 0


def test_outside_quiet_hours_the_email_is_pending_at_once(alice):
    prefer(alice, quiet_start=time(22), quiet_end=time(7))
    notify(alice, at(10))
    mail = Delivery.objects.get()
    assert mail.status == DeliveryStatus.PENDING and mail.next_attempt_at == at(10)


def test_release_leaves_other_statuses_alone(alice):
    notify(alice, at(10))
    Delivery.objects.update(status=DeliveryStatus.FAILED, next_attempt_at=at(9))
    assert release_held(at(11)) == 0
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


def test_a_muted_event_writes_nothing_for_that_person(alice, personas):
    prefer(alice, muted_events=[Event.TICKET_ASSIGNED])
    do_notify(
        Event.TICKET_ASSIGNED,
        key="ticket:1:assigned",
        message=lambda: ("t", "b"),
        link="/tickets/1/",
        audiences={Audience.ASSIGNEE: [alice, personas.bob]},
        now=at(10),
    )
    assert list(Notification.objects.values_list("user", flat=True)) == [personas.bob.pk]
    assert not Delivery.objects.filter(recipient=alice).exists()


def test_email_off_keeps_the_inbox_entry_only(alice):
    prefer(alice, email_enabled=False)
    notify(alice, at(10))
    assert Notification.objects.filter(user=alice).exists()
    assert not Delivery.objects.exists()


def test_with_the_digest_no_email_per_event_and_the_entry_waits_in_the_inbox(alice):
    prefer(alice, digest=True)
    Rule.objects.filter(event=Event.TICKET_ASSIGNED).update(in_app=False)  # e-mail only
    notify(alice, at(10))
    assert not Delivery.objects.exists()
    assert Notification.objects.get(user=alice).digested_at is None


def test_chat_groups_ignore_personal_preferences(alice):
    prefer(alice, muted_events=[Event.TICKET_ASSIGNED], quiet_start=time(0), quiet_end=time(23))
    channel = Channel.objects.create(name="值班群", kind=ChannelKind.WECOM, url="https://x")
    Rule.objects.create(
        event=Event.TICKET_ASSIGNED,
        audience=Audience.CHAT_GROUP,
        channel=channel,
        in_app=False,
        email=False,
    )
    notify(alice, at(10))
    chat = Delivery.objects.get()
    assert chat.channel == channel and chat.status == DeliveryStatus.PENDING


def test_a_link_off_this_site_is_dropped(alice):
    do_notify(
        Event.TICKET_ASSIGNED,
        key="k",
        message=lambda: ("t", "b"),
        link="https://evil.example/",
        audiences={Audience.ASSIGNEE: [alice]},
        now=at(10),
    )
    assert Notification.objects.get().link == ""
    assert Delivery.objects.get().link == ""


def test_customers_get_no_inbox_entry(personas):
    do_notify(
        Event.TICKET_ASSIGNED,
        key="k",
        message=lambda: ("t", "b"),
        link="/",
        audiences={Audience.ASSIGNEE: [personas.dana]},
        now=at(10),
    )
    assert not Notification.objects.exists()
