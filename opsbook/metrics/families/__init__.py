"""The metric families: each module declares its metrics into the registry when imported."""

from . import manual  # noqa: F401
