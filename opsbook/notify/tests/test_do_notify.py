from datetime import UTC, datetime

import pytest
from django.utils.translation import gettext as _

from opsbook.notify.choices import Audience, ChannelKind, Event
from opsbook.notify.models import Channel, Delivery, Notification, Rule
from opsbook.notify.services import do_notify

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_default_rules():
    """These tests set their own rules; the seeded defaults (0003_default_rules) are removed."""
    Rule.objects.all().delete()


def notify(audiences, key="occurrence:1:due"):
    return do_notify(
        Event.OCCURRENCE_DUE,
        key=key,
        message=lambda: (_("Routine work due"), "巡检机房"),
        link="/routines/1/",
        audiences=audiences,
        now=NOW,
    )


def test_without_rules_the_named_people_get_an_inbox_entry_and_an_email(personas):
    personas.alice.email = "alice@example.com"
    personas.alice.save()
    notify({Audience.ASSIGNEE: [personas.alice]})
    note = Notification.objects.get(user=personas.alice)
    assert note.link == "/routines/1/" and note.read_at is None
    mail = Delivery.objects.get(kind=ChannelKind.EMAIL)
    assert mail.address == "alice@example.com"
    assert mail.link.endswith("/routines/1/") and mail.link.startswith("http")


def test_the_same_key_notifies_once(personas):
    notify({Audience.ASSIGNEE: [personas.alice]})
    notify({Audience.ASSIGNEE: [personas.alice]})
    assert Notification.objects.filter(user=personas.alice).count() == 1


def test_a_rule_sends_to_a_chat_group_and_only_the_audiences_it_names(personas):
    channel = Channel.objects.create(name="值班群", kind=ChannelKind.WECOM)
    Rule.objects.create(
        event=Event.OCCURRENCE_DUE, audience=Audience.CHAT_GROUP, channel=channel, in_app=False
    )
    notify({Audience.ASSIGNEE: [personas.alice]})
    assert not Notification.objects.exists()
    assert Delivery.objects.get().channel == channel
