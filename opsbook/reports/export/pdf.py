"""Placeholder until the pdf exporter lands (issue 11)."""

from ..document import Document


def render(document: Document) -> bytes:
    raise NotImplementedError
