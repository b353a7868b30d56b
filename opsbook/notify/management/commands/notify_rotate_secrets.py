"""`opsbook notify_rotate_secrets`: re-encrypt every chat channel's URL and signing secret with
the first key of ``NOTIFY_SECRET_KEY`` (see notify/secrets.py and
docs/operators/notifications.md). Run it after putting a new key first; then the old key can
be removed. Exits 1 naming the channels whose secrets no configured key can read."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from opsbook.notify import secrets
from opsbook.notify.models import Channel


class Command(BaseCommand):
    help = "Re-encrypt chat channel secrets with the first NOTIFY_SECRET_KEY."

    def handle(self, *args, **options):
        changed, unreadable = 0, []
        with transaction.atomic():
            for channel in Channel.objects.select_for_update().order_by("pk"):
                try:
                    if secrets.rotate_channel(channel):
                        channel.save(update_fields=["url", "url_encrypted", "secret_encrypted"])
                        changed += 1
                except secrets.SecretUnreadable:
                    unreadable.append(channel.name)
        self.stdout.write(f"re-encrypted {changed} channel(s)")
        if unreadable:
            raise CommandError("no configured key reads the secrets of: " + ", ".join(unreadable))
