"""`opsbook serve`: the development server, task workers and the scheduler in one terminal.

Each child runs in its own process group, so a stop reaches every process it started (runserver's
and the worker's auto-reloaders run the real server in a grandchild). Ctrl-C or SIGTERM sends
SIGTERM to every group (a worker finishes its running task, then exits 0), waits ``--grace``
seconds for them to finish what they are doing, then kills what is left.
If one child exits on its own, the others are stopped too and serve exits with its status.

The site is served as a user will see it: with its own error pages (DEBUG off unless the
environment sets ``DEBUG``; static files then come from WhiteNoise) and with the links in e-mails
pointing at the address served (``OPSBOOK_BASE_URL`` unless the environment sets it), so
``PORT=8301 make run`` sends rating links to port 8301, not 8000.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import FrameType

from django.core.management.base import BaseCommand, CommandError

POLL_SECONDS = 0.2


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    pump: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit status once the child has exited (negative: killed by that signal)."""
        return self.process.returncode if self.process is not None else None

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # the whole group has already exited
            os.killpg(self.process.pid, signum)


def served_url(addrport: str) -> str:
    """The address a browser on this machine reaches runserver's ``addrport`` at."""
    host, _, port = addrport.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"{addrport!r} is not an address:port or a port")
    host = host.strip("[]")
    if host in {"", "0.0.0.0", "::", "0"}:  # noqa: S104 (reading the address, not binding)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def children_environment(addrport: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of the web server, workers and scheduler: what the caller set, plus
    DEBUG off and the served address as the base of links, unless set."""
    env = {**environ, "PYTHONUNBUFFERED": "1"}
    if not env.get("OPSBOOK_BASE_URL"):
        env["OPSBOOK_BASE_URL"] = served_url(addrport)
    env.setdefault("DEBUG", "false")
    return env


def _opsbook(*args: str) -> list[str]:
    return [sys.executable, "-m", "opsbook", *args]


class Command(BaseCommand):
    help = (
        "Development: serve the site (runserver), run task workers (opsbook worker) and the "
        "scheduler together, with their output prefixed by name; Ctrl-C stops all of them. "
        "Production runs them as separate services (docs/operators/workers.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="runserver's address:port"
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="how many worker processes (default 1)"
        )
        parser.add_argument(
            "--noreload",
            action="store_true",
            help="no auto-reload of the server and workers on code changes",
        )
        parser.add_argument(
            "--grace",
            type=float,
            default=10.0,
            metavar="SECONDS",
            help="how long to wait for children to stop before killing them (default 10)",
        )

    def handle(self, *args, addrport: str, workers: int, noreload: bool, grace: float, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        reload = ["--noreload"] if noreload else []
        worker_reload = ["--no-reload"] if noreload else ["--reload"]
        children = [Child("web", _opsbook("runserver", addrport, *reload))]
        for number in range(1, workers + 1):
            name = "worker" if workers == 1 else f"worker-{number}"
            argv = _opsbook("worker", "--queue-name", "*", *worker_reload)
            children.append(Child(name, argv))
        children.append(Child("scheduler", _opsbook("scheduler")))
        env = children_environment(addrport, os.environ)
        self.stdout.write(
            f"Links in e-mails point at {env['OPSBOOK_BASE_URL']}; "
            f"DEBUG={env['DEBUG']} (set DEBUG=1 for Django's debug pages)\n"
        )
        status = Supervisor(children, self.stdout, grace=grace, env=env).run()
        if status:
            raise CommandError("stopped because a child exited", returncode=status)


class Supervisor:
    def __init__(
        self, children: list[Child], out, *, grace: float, env: Mapping[str, str] | None = None
    ):
        self.children = children
        self.env = dict(os.environ if env is None else env)
        self.out = out
        self.grace = grace
        self.width = max(len(child.name) for child in children)
        self.lock = threading.Lock()
        self.stopping = False
        self.signals = 0

    def say(self, name: str, line: str) -> None:
        with self.lock:
            self.out.write(f"{name:<{self.width}} | {line}")
            self.out.flush()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals += 1
        self.stopping = True
        if self.signals > 1:
            # A second Ctrl-C: no more waiting.
            for child in self.children:
                child.signal_group(signal.SIGKILL)

    def run(self) -> int:
        previous = {
            signum: signal.signal(signum, self._on_signal)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        exited = None
        try:
            for child in self.children:
                self._start(child)
            exited = self._wait_for_stop_or_exit()
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if exited is None:
            return 0
        # Any exit of its own is a failure, even status 0; killed by a signal is negative.
        status = exited.returncode
        return status if status is not None and status > 0 else 1

    def _start(self, child: Child) -> None:
        env = {**self.env, "PYTHONUNBUFFERED": "1"}
        child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and commands)
            child.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            process_group=0,
        )
        child.pump = threading.Thread(target=self._pump, args=(child,), daemon=True)
        child.pump.start()
        self.say(child.name, f"started (pid {child.process.pid}): {' '.join(child.argv[1:])}\n")

    def _pump(self, child: Child) -> None:
        assert child.process is not None and child.process.stdout is not None
        for raw in child.process.stdout:
            self.say(child.name, raw.decode("utf-8", errors="replace"))

    def _wait_for_stop_or_exit(self) -> Child | None:
        """Returns the child that exited on its own, or None when asked to stop."""
        while not self.stopping:
            for child in self.children:
                if not child.running:
                    self.say(
                        child.name,
                        f"exited with status {child.returncode}; stopping the others\n",
                    )
                    return child
            time.sleep(POLL_SECONDS)
        return None

    def _stop_all(self) -> None:
        for child in self.children:
            child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in self.children:
            if child.process is None:
                continue  # never started
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                self.say(child.name, f"still running after {self.grace:g} s: killing it\n")
            # Kill whatever is left in the group (an auto-reloader's server, a stuck task).
            child.signal_group(signal.SIGKILL)
            child.process.wait()
            if child.pump is not None:
                child.pump.join(timeout=1)
            self.say(child.name, "stopped\n")
