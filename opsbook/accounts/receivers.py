"""Deactivation is final wherever it happens: a save that turns ``is_active`` from true to
false (the admin site, a form, a service, the people import) revokes the user's API tokens and
signs out their sessions, in the same transaction (listed in docs/developers/signals.md)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import User
from .services import end_access


@receiver(pre_save, sender=User, dispatch_uid="accounts_remember_was_active")
def remember_was_active(sender: type[User], instance: User, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = None  # type: ignore[attr-defined]
        return
    instance._was_active = (  # type: ignore[attr-defined]
        User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


@receiver(post_save, sender=User, dispatch_uid="accounts_end_access_on_deactivation")
def end_access_on_deactivation(sender: type[User], instance: User, **kwargs: Any) -> None:
    was_active = getattr(instance, "_was_active", None)
    instance._was_active = None  # type: ignore[attr-defined]
    if was_active and not instance.is_active:
        with transaction.atomic():
            end_access(instance)
