"""The block registry: a template section lists blocks by type ({"type": "figures",
"options": {...}}); each type is one module of this package that registers a ``BlockType``.
A new block type is one module here (imported by ``load()``) and nothing else: the template
editor offers it, the draft builds it, every renderer already knows its kind (table, chart,
text: ``document.py``)."""

from __future__ import annotations

import abc
import importlib
import pkgutil
from typing import Any, ClassVar

from ..document import Block

_REGISTRY: dict[str, BlockType] = {}


class BlockError(ValueError):
    """A template names an unknown block type or gives it bad options."""


class BlockType(abc.ABC):
    type: ClassVar[str]
    label: ClassVar[Any]  # a lazy translation, shown in the template editor
    help: ClassVar[Any] = ""
    # The options it accepts and their defaults (the editor shows them; ``clean`` checks them).
    defaults: ClassVar[dict[str, Any]] = {}

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        """The options with defaults filled in; BlockError on an unknown or bad option."""
        unknown = set(options) - set(self.defaults)
        if unknown:
            raise BlockError(
                f"Block {self.type!r} has no option {', '.join(sorted(unknown))}; "
                f"it accepts {', '.join(sorted(self.defaults)) or 'none'}."
            )
        title = options.get("title")
        if title is not None and (not isinstance(title, str) or len(title) > 200):
            raise BlockError(f"Block {self.type!r}: the title is text of at most 200 characters.")
        return {**self.defaults, **options}

    @abc.abstractmethod
    def build(self, context: Any, options: dict[str, Any]) -> list[Block]:
        """The blocks of the document this block contributes (``context``: the draft's
        ``DraftContext``: period, scope, clock, the figures found so far)."""


def register(cls: type[BlockType]) -> type[BlockType]:
    _REGISTRY[cls.type] = cls()
    return cls


def load() -> None:
    """Import every module of this package (each registers its block types)."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def block_types() -> dict[str, BlockType]:
    load()
    return dict(_REGISTRY)


def get(type_: str) -> BlockType:
    load()
    try:
        return _REGISTRY[type_]
    except KeyError:
        raise BlockError(
            f"Unknown block type {type_!r}; known: {', '.join(sorted(_REGISTRY))}."
        ) from None
