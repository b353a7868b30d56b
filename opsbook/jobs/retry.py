"""Which tasks may run again, and when: retries with exponential backoff for idempotent tasks.

A task is retried automatically only when it says it is safe to run twice::

    from django.tasks import task

    from opsbook.jobs.retry import idempotent

    @idempotent(max_attempts=5, backoff=30)
    @task
    def deliver(delivery_id: int) -> None: ...

``opsbook worker`` then treats an exception from ``deliver`` as transient: the task's row goes
back to READY with ``run_after`` set ``backoff × factor^(attempt - 1)`` seconds ahead (capped at
``max_backoff``, shortened by up to ``jitter`` at random so that many failures do not come back
at the same instant), and runs again; ``context.attempt`` (Django Tasks) counts the runs. After
``max_attempts`` runs it stays FAILED, logged at ERROR. The reaper requeues an idempotent task
whose worker died the same way (immediately, within the same attempt budget); a task without
this decorator is never run a second time by the machinery: it fails and is logged.

Idempotent means the task claims its work in the database (``opsbook.jobs.claims``): running it
twice, or half of it then all of it, does the work once. The decorators (``@every``,
``@daily``, ``@idempotent``) all return the task unchanged, in any order above ``@task``.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.tasks import Task
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class RetryPolicy:
    """How often an idempotent task runs at most and how long it waits between runs.

    ``backoff`` is the wait after the first failed attempt, in seconds; each further failure
    multiplies it by ``factor``, up to ``max_backoff``. ``jitter`` (0 … 1) is the largest
    fraction taken off a wait at random. ``retry_on`` names the exceptions worth another
    attempt; any other exception fails the task at once."""

    max_attempts: int = 5
    backoff: float = 30.0
    factor: float = 2.0
    max_backoff: float = 3600.0
    jitter: float = 0.25
    retry_on: tuple[type[Exception], ...] = (Exception,)

    def __post_init__(self):
        if self.max_attempts < 1:
            raise ImproperlyConfigured(f"max_attempts must be at least 1, not {self.max_attempts}")
        if self.backoff < 0 or self.max_backoff < self.backoff:
            raise ImproperlyConfigured(
                f"backoff must be between 0 and max_backoff ({self.backoff}, {self.max_backoff})"
            )
        if self.factor < 1:
            raise ImproperlyConfigured(f"factor must be at least 1, not {self.factor}")
        if not 0 <= self.jitter <= 1:
            raise ImproperlyConfigured(f"jitter must be between 0 and 1, not {self.jitter}")
        if not self.retry_on or not all(
            isinstance(kind, type) and issubclass(kind, Exception) for kind in self.retry_on
        ):
            raise ImproperlyConfigured("retry_on must name Exception subclasses")

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> timedelta:
        """The wait before the run after ``attempt`` (1 = the first run) failed."""
        full = min(self.backoff * self.factor ** (attempt - 1), self.max_backoff)
        return timedelta(seconds=full * (1 - self.jitter * rand()))

    def retries(self, error: BaseException, attempt: int) -> bool:
        """Whether a run that raised ``error`` on ``attempt`` gets another one."""
        return isinstance(error, self.retry_on) and attempt < self.max_attempts

    def has_attempts_left(self, attempt: int) -> bool:
        return attempt < self.max_attempts


# Policies by the task's module path, which is what a task result row stores.
_policies: dict[str, RetryPolicy] = {}


def idempotent(
    *,
    max_attempts: int = 5,
    backoff: float = 30.0,
    factor: float = 2.0,
    max_backoff: float = 3600.0,
    jitter: float = 0.25,
    retry_on: tuple[type[Exception], ...] = (Exception,),
) -> Callable[[Task], Task]:
    """Declare a task idempotent: safe to run again after a failure or a lost worker. Put it
    above ``@task``; it returns the task unchanged."""
    policy = RetryPolicy(
        max_attempts=max_attempts,
        backoff=backoff,
        factor=factor,
        max_backoff=max_backoff,
        jitter=jitter,
        retry_on=retry_on,
    )

    def register(task: Task) -> Task:
        if not isinstance(task, Task):
            raise ImproperlyConfigured(f"{task!r} is not a task: put @idempotent above @task.")
        known = _policies.get(task.module_path)
        if known is not None and known != policy:
            raise ImproperlyConfigured(f"{task.module_path} is declared idempotent twice")
        _policies[task.module_path] = policy
        return task

    return register


def policy_for(task_path: str) -> RetryPolicy | None:
    """The retry policy of the task at ``task_path``, or None when it is not idempotent (or no
    longer importable: a task that cannot be imported is never rerun)."""
    if task_path not in _policies:
        try:
            import_string(task_path)  # declaring the task registers its policy
        except ImportError:
            return None
    return _policies.get(task_path)
