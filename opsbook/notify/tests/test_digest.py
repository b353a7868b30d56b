"""The daily digest: one e-mail per person per day at their digest time (or the site's
default), listing their unread entries since the last digest, in their language; idempotent;
nobody gets an empty one. Registered with the scheduler."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsbook.jobs.schedule import Every, registry
from opsbook.notify.choices import Audience, ChannelKind, DeliveryStatus, Event
from opsbook.notify.digest import send_digests
from opsbook.notify.models import Delivery, Notification, Preference
from opsbook.notify.services import do_notify

from .inbox_helpers import make_entries

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 9) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def alice(personas):
    personas.alice.email = "alice@example.com"
    personas.alice.language = "zh-hans"
    personas.alice.save()
    Preference.objects.create(user=personas.alice, digest=True, digest_at=time(18))
    return personas.alice


def test_the_digest_lists_the_days_unread_entries_once_at_the_chosen_time(alice):
    entries = make_entries(alice, 3, start=at(9))
    Notification.objects.filter(pk=entries[0].pk).update(read_at=at(10))
    assert send_digests(at(17, 59)).sent == 0
    run = send_digests(at(18))
    assert (run.sent, run.entries) == (1, 2)
    mail = Delivery.objects.get()
    assert mail.kind == ChannelKind.EMAIL and mail.event == Event.DIGEST
    assert mail.status == DeliveryStatus.PENDING and mail.address == "alice@example.com"
    assert mail.key == f"digest:{alice.pk}:2026-10-09"
    assert "2" in mail.subject and "通知" in mail.subject  # in Alice's language
    assert entries[1].title in mail.body and entries[2].title in mail.body
    assert entries[0].title not in mail.body
    assert "http" in mail.body and "/tickets/2/" in mail.html
    assert set(
        Notification.objects.filter(digested_at__isnull=False).values_list("pk", flat=True)
    ) == {entries[1].pk, entries[2].pk}
    assert send_digests(at(18, 1)).sent == 0
    assert Delivery.objects.count() == 1


def test_the_next_digest_lists_only_what_came_since(alice):
    make_entries(alice, 1, start=at(9), title="第一天")
    send_digests(at(18))
    make_entries(alice, 1, start=at(9, day=10), title="第二天")
    send_digests(at(18, day=10))
    second = Delivery.objects.get(key=f"digest:{alice.pk}:2026-10-10")
    assert "第二天" in second.body and "第一天" not in second.body


def test_nobody_gets_an_empty_digest(alice):
    assert send_digests(at(18)).sent == 0
    assert not Delivery.objects.exists()
    make_entries(alice, 1, start=at(18, 30))
    assert send_digests(at(19)).sent == 1  # later the same day, once something came


def test_without_a_time_of_their_own_the_site_default_applies(alice, settings):
    Preference.objects.filter(user=alice).update(digest_at=None)
    settings.OPSBOOK_DIGEST_AT = "07:30"
    make_entries(alice, 1, start=at(6, day=9))
    assert send_digests(at(7, 29)).sent == 0
    assert send_digests(at(7, 30)).sent == 1


def test_email_off_inactive_or_no_address_means_no_digest(alice, personas):
    make_entries(alice, 1, start=at(9))
    Preference.objects.filter(user=alice).update(email_enabled=False)
    assert send_digests(at(18)).sent == 0
    Preference.objects.filter(user=alice).update(email_enabled=True)
    alice.email = ""
    alice.save()
    assert send_digests(at(18)).sent == 0


def test_a_long_digest_is_capped_and_says_how_many_more(alice):
    make_entries(alice, 60, start=at(8))
    send_digests(at(18))
    mail = Delivery.objects.get()
    assert "60" in mail.subject and "10" in mail.body


def test_per_event_emails_stop_while_the_digest_is_on_and_the_digest_carries_them(alice):
    do_notify(
        Event.TICKET_ASSIGNED,
        key="ticket:9:assigned",
        message=lambda: ("工单 #9 已分派给你", ""),
        link="/tickets/9/",
        audiences={Audience.ASSIGNEE: [alice]},
        now=at(11),
    )
    assert not Delivery.objects.exists()
    send_digests(at(18))
    assert "工单 #9" in Delivery.objects.get().body


def test_both_jobs_are_scheduled_every_minute():
    for name in ("notify.send_digests", "notify.release_held"):
        assert registry[name].spec == Every(timedelta(minutes=1))


def test_the_digest_shows_times_in_the_readers_time_zone(alice):
    alice.time_zone = "Europe/London"
    alice.language = "en"
    alice.save()
    make_entries(alice, 1, start=at(9))  # 09:00 in Shanghai is 02:00 in London
    send_digests(at(18))
    mail = Delivery.objects.get()
    assert "2026-10-09 02:00" in mail.body and mail.subject.startswith("Opsbook daily digest: 1 ")
