"""``make test``: run a command (pytest) with ``TEST_DATABASE_URL`` pointing at real PostgreSQL.

``DATABASE_URL`` (or ``TEST_DATABASE_URL``) is used when set; otherwise the embedded server in
``.data/pg`` is started for the duration of the run.
"""

from __future__ import annotations

import os
import subprocess
import sys

from casework_dev.pg import EmbeddedServer


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        raise SystemExit("usage: python -m casework_dev.testenv -- <command>")
    embedded = EmbeddedServer()
    env = dict(os.environ)
    try:
        if not env.get("TEST_DATABASE_URL"):
            if env.get("DATABASE_URL"):
                env["TEST_DATABASE_URL"] = env["DATABASE_URL"]
            else:
                print(
                    "==> Starting embedded PostgreSQL for the tests (data in .data/pg)", flush=True
                )
                env["TEST_DATABASE_URL"] = embedded.start()
        env.setdefault("ENV", "testing")
        code = subprocess.call(argv, env=env)
    finally:
        embedded.stop()
    raise SystemExit(code)


if __name__ == "__main__":
    main()
