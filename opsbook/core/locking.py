"""Optimistic locking over an integer ``version`` column.

A form or API client sends back the version it loaded; the write succeeds only when the row
still has it. Two styles, one rule:

* ``bump_version`` for a conditional ``UPDATE … SET version = version + 1 WHERE version = N``
  (no row lock; the caller then saves its other fields in the same transaction);
* ``lock_version`` for ``SELECT … FOR UPDATE`` and a comparison (the caller then changes the
  locked row and bumps the version itself).
"""

from typing import Any

from django.db import models
from django.db.models import F

from .errors import ConflictError


def bump_version(
    instance: models.Model, expected_version: int | None, message: str, **also: Any
) -> int:
    """Add one to ``instance.version`` in the database if it is still ``expected_version``
    (any version when None); ``also`` are more columns to set in the same UPDATE. Raises
    ConflictError(``message``) when the row was changed (or deleted) meanwhile. Returns and
    stores on ``instance`` the new version."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1, **also) != 1:
        raise ConflictError(message)
    version: int = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)
    instance.version = version  # type: ignore[attr-defined]
    return version


def lock_version[M: models.Model](
    instance: M, expected_version: int | None, message: str, **fields: Any
) -> M:
    """The row behind ``instance`` locked for update (``SELECT … FOR UPDATE``); ConflictError
    when its version is no longer ``expected_version``, with ``message`` formatted with
    ``%(theirs)s``, ``%(yours)s`` and ``fields``."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    theirs = locked.version  # type: ignore[attr-defined]
    if expected_version is not None and theirs != expected_version:
        raise ConflictError(message % {"theirs": theirs, "yours": expected_version, **fields})
    return locked
