"""Periodic jobs of the notify app, registered with the scheduler by importing them here."""

from .digest import release_held_task, send_digests_task

__all__ = ["release_held_task", "send_digests_task"]
