"""`make fuzz`: schemathesis against a live Opsbook, as a manager and as a customer contact.

A throwaway SQLite database (under a temporary OPSBOOK_VAR_DIR) is migrated and given the demo
data; a token is made for the demo's manager and for its customer contact; Django's server is
started on a free port; then schemathesis reads /api/openapi.json and calls every operation
with generated input, once per token. The run is bounded and repeatable: a fixed seed,
deterministic generation, a fixed number of examples per operation. It fails on any server
error (5xx), any answer that does not match the published schema, any status code the document
does not list, and any undocumented content type.

    python -m fuzz                    # what `make fuzz` runs
    FUZZ_EXAMPLES=50 python -m fuzz   # more examples per operation
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OPSBOOK = str(BIN / "opsbook")
SCHEMATHESIS = str(BIN / "schemathesis")
CHECKS = ",".join(
    (
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    )
)
SEED = 20261205
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "12")
# The demo's users (opsbook/demo): a manager sees and changes everything, a customer contact
# reads the customer view.
USERS = ("manager", "chenjing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True, text=True)  # noqa: S603
    return done.stdout


def _token(user: str, env: dict[str, str]) -> str:
    out = _run([OPSBOOK, "token", "create", "--user", user, "--name", "fuzz"], env)
    # The command prints the token alone on its last line.
    return out.strip().splitlines()[-1].split()[-1]


def _wait(url: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("the test server stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the test server did not answer at {url}")


def main() -> int:
    var = Path(tempfile.mkdtemp(prefix="opsbook-fuzz-"))
    port = _free_port()
    env = {
        **os.environ,
        "OPSBOOK_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'fuzz.sqlite3'}",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "OPSBOOK_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        _run([OPSBOOK, "migrate", "--noinput", "--verbosity", "0"], env)
        _run([OPSBOOK, "demo", "--if-empty"], env)
        tokens = {user: _token(user, env) for user in USERS}
        server = subprocess.Popen(  # noqa: S603
            [OPSBOOK, "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        schema_url = f"http://127.0.0.1:{port}/api/openapi.json"
        _wait(schema_url, server)
        failed = False
        for user, token in tokens.items():
            print(f"--- schemathesis as {user} ---", flush=True)
            result = subprocess.run(  # noqa: S603
                [
                    SCHEMATHESIS,
                    "run",
                    schema_url,
                    "--checks",
                    CHECKS,
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--seed",
                    str(SEED),
                    "--generation-deterministic",
                    "--max-examples",
                    EXAMPLES,
                    "--workers",
                    "1",
                    "--phases",
                    "examples,coverage,fuzzing",
                    "--mode",
                    "all",
                    "--continue-on-failure",
                    "--request-timeout",
                    "30",
                    "--warnings",
                    "off",
                ],
                cwd=var,  # its cache stays out of the repository
                env={**env, "SCHEMATHESIS_HOOKS": ""},
            )
            failed = failed or result.returncode != 0
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
