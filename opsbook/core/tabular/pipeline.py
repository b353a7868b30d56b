"""The shape of every import: find the header → read the rows → plan → write, in one
transaction, unless there was a problem or this is a dry run.

A domain's importer subclasses ``Pipeline``: ``check`` reads and plans (reporting problems
through ``problem``), ``write`` writes the plan (called inside ``transaction.atomic``),
``empty_summary`` says what a report that wrote nothing counts. Any problem means nothing is
written; a ``ConflictError`` raised while writing (someone saved a planned record meanwhile)
rolls the transaction back and becomes the one problem, as does a database that refuses the
writes (``IntegrityError``, ``OperationalError``: ``busy_message``).
"""

import gc
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import IntegrityError, OperationalError, transaction

from opsbook.core.errors import ConflictError

from .problems import Problem, Problems

_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without the cyclic garbage collector. An import creates a few hundred
    thousand objects (cells, drafts, plans) that hold no cycles; with the collector on, each
    full collection walks them all again, which costs a third of a dry run. Reference counting
    still frees everything; cycles made meanwhile are collected once the last import ends."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@dataclass
class Report:
    """What an import found and did; domains add their counts and previews."""

    ok: bool
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


class ReportLike(Protocol):
    ok: bool
    dry_run: bool
    problems: list[Problem]
    summary: dict[str, Any]


class Pipeline(ABC):
    sheet: str = ""  # the sheet problems point at by default
    overflow_sheet: str | None = None  # where "N more problems" points (default: ``sheet``)

    def __init__(self, report: ReportLike):
        self.report = report
        self.problems = Problems(items=report.problems)

    def problem(
        self, row: int | None, column: str | None, message: str, *, sheet: str | None = None
    ) -> None:
        self.problems.add(self.sheet if sheet is None else sheet, row, column, message)

    @abstractmethod
    def check(self) -> None:
        """Read the header and rows and plan the writes, reporting every problem."""

    @abstractmethod
    def write(self) -> None:
        """Write the plan (inside the import's one transaction)."""

    @abstractmethod
    def empty_summary(self) -> dict[str, Any]:
        """The report's summary when nothing is written."""

    def busy_message(self) -> str | None:
        """The problem when the database refuses the writes (a unique key taken meanwhile);
        None lets the database's error through."""
        return None

    def sort_problems(self) -> None:
        """Put the problems in the order the report lists them (default: as found)."""
        return

    def run(self) -> None:
        self.check()
        if self.problems:
            self.sort_problems()
            self.problems.close(self.sheet if self.overflow_sheet is None else self.overflow_sheet)
            self.report.summary = self.empty_summary()
            return
        if not self.report.dry_run:
            try:
                self._commit()
            except ConflictError as exc:
                self.report.summary = self.empty_summary()
                self.problem(None, None, str(exc))
                return
        self.report.ok = True

    def _commit(self) -> None:
        try:
            with transaction.atomic():
                self.write()
        except (IntegrityError, OperationalError):
            message = self.busy_message()
            if message is None:
                raise
            raise ConflictError(message) from None
