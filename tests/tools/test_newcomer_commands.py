"""What a newcomer meets first: ``make token``, ``make walkthrough`` and a port that is taken
(issue #14, newcomer and operator findings)."""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from casework_dev.procs import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_make_token_imports_neither_sqlalchemy_nor_alembic() -> None:
    """``make token`` took 6-8 s because it imported the ``make run`` module (Alembic and
    SQLAlchemy). Its module now imports only what minting needs: checked in a fresh interpreter,
    which also mints a token."""
    probe = (
        "import sys\n"
        "from casework_dev import mint_token\n"
        "mint_token.main(['--role', 'caseworker'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'alembic', 'asyncpg', 'casework_dev.run', 'fastapi'})\n"
        "run = 'casework_dev.run' in sys.modules or 'casework_dev.pg' in sys.modules\n"
        "print('HEAVY', heavy, run)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    token, verdict = out.strip().splitlines()
    assert token.count(".") == 2  # a JWT
    assert verdict == "HEAVY [] False"


def test_walkthrough_against_no_stack_is_one_clear_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [sys.executable, "-m", "casework_dev.walkthrough", "--intake-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"intake-api is not answering at {url}" in lines[0]
    assert "make run" in lines[0]
    assert "Traceback" not in result.stderr


def test_walkthrough_against_another_program_on_the_port_is_the_same_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Something else answers there (404 to the liveness probe): the same one line."""
    from casework_dev import walkthrough

    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(SystemExit) as exit_info:
            walkthrough.main(["--intake-url", url])
    finally:
        server.shutdown()
        server.server_close()
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == walkthrough.not_running(url)


def test_a_taken_port_suggests_casework_base_port_not_killing_its_owner(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from casework_dev import run

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        monkeypatch.setattr(run, "PORTS", {"intake": port - 1, "assessment": port})
        monkeypatch.setattr(run, "BASE_PORT", port - 1)
        with pytest.raises(SystemExit) as exit_info:
            run.check_ports_free()
    assert exit_info.value.code == 1
    message = capsys.readouterr().err
    assert f"{port} (assessment-api)" in message
    assert "fuser" not in message
    assert "kill" not in message
    assert "CASEWORK_BASE_PORT=" in message
    suggested = int(message.split("CASEWORK_BASE_PORT=")[1].split()[0])
    assert suggested > port - 1
    assert all(run._port_free(suggested + i) for i in range(4))
