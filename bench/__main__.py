"""Run every bench_*.py module in its own process (a fresh Django setup and database each) and
pass its JSON lines through. Exit status 1 if any benchmark fails."""

import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    failed = 0
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        module = f"bench.{path.stem}"
        result = subprocess.run(  # noqa: S603 (our own modules, run with our own interpreter)
            [sys.executable, "-m", module], capture_output=True, text=True, check=False
        )
        for line in result.stdout.splitlines():
            try:
                json.loads(line)
            except ValueError:
                print(line, file=sys.stderr)
            else:
                print(line, flush=True)
        if result.returncode != 0:
            failed += 1
            sys.stderr.write(result.stderr)
            print(json.dumps({"bench": module, "error": f"exit status {result.returncode}"}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
