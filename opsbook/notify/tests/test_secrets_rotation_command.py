"""`opsbook notify_rotate_secrets` re-encrypts channels with the new key and names the ones no
key can read."""

import pytest
from django.core.management import CommandError, call_command

from opsbook.notify import secrets
from opsbook.notify.testing import make_channel

pytestmark = pytest.mark.django_db
URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXwxyz"


def test_rotation_lets_the_old_key_go(settings):
    settings.NOTIFY_SECRET_KEYS = ["old-key"]
    channel = make_channel("slack", URL)
    settings.NOTIFY_SECRET_KEYS = ["new-key", "old-key"]
    call_command("notify_rotate_secrets")
    settings.NOTIFY_SECRET_KEYS = ["new-key"]
    channel.refresh_from_db()
    assert secrets.channel_url(channel) == URL


def test_unreadable_channels_are_named(settings):
    settings.NOTIFY_SECRET_KEYS = ["lost-key"]
    make_channel("slack", URL, name="旧群")
    settings.NOTIFY_SECRET_KEYS = ["new-key"]
    with pytest.raises(CommandError, match="旧群"):
        call_command("notify_rotate_secrets")
