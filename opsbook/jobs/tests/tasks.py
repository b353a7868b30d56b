"""Tasks the jobs tests enqueue; module-level so a worker can import them by path."""

from django.tasks import task


@task
def say_done() -> str:
    return "done"


@task
def break_down() -> None:
    raise RuntimeError("the job broke")


@task
def needs_a_ticket(ticket_id: int) -> int:
    return ticket_id


@task(takes_context=True)
def counts_attempts(context, extra: int = 0) -> int:
    return context.attempt + extra
