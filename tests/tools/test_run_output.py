"""``make run``'s screen (issue #14): the services' JSON lines are copied whole, and the banner
with the docs URLs comes last, after their start-up lines, as one block."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

from casework_dev.run import ServiceOutput, ready_banner

# A service starting up: a few log lines, one every 0.1 s.
CHATTY = (
    "import json, sys, time\n"
    "for i in range(5):\n"
    "    print(json.dumps({'service': sys.argv[1], 'msg': f'line {i}'}), flush=True)\n"
    "    time.sleep(0.1)\n"
)

ENDLESS = "import time\nwhile True:\n    print('x', flush=True)\n    time.sleep(0.05)\n"

PORTS = {"intake": 9001, "assessment": 9002, "investigation": 9003, "compliance": 9004}


def test_the_banner_comes_after_the_services_start_up_lines() -> None:
    screen = io.BytesIO()
    output = ServiceOutput(screen)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHATTY, name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for name in ("intake-api", "assessment-api")
    ]
    for child in children:
        assert child.stdout is not None
        output.follow(child.stdout)

    started = time.monotonic()
    output.wait_quiet(quiet_s=0.4, limit_s=10)
    waited = time.monotonic() - started
    output.banner(ready_banner(PORTS))
    for child in children:
        child.wait()

    lines = screen.getvalue().decode().splitlines()
    banner = ready_banner(PORTS)
    assert lines[-len(banner) :] == banner
    logged = [json.loads(line) for line in lines[: -len(banner)]]
    assert len(logged) == 10
    assert {entry["service"] for entry in logged} == {"intake-api", "assessment-api"}
    assert waited < 5, "it waited for quiet, not for the limit"


def test_wait_quiet_gives_up_at_its_limit_when_a_service_never_stops_talking() -> None:
    screen = io.BytesIO()
    output = ServiceOutput(screen)
    endless = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nwhile True:\n    print('x', flush=True)\n    time.sleep(0.05)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert endless.stdout is not None
        output.follow(endless.stdout)
        started = time.monotonic()
        output.wait_quiet(quiet_s=0.5, limit_s=1.0)
        assert 0.9 <= time.monotonic() - started < 3
    finally:
        endless.kill()
        endless.wait()


def test_the_banner_names_every_docs_url_and_the_first_steps() -> None:
    text = "\n".join(ready_banner(PORTS))
    for port in PORTS.values():
        assert f"http://127.0.0.1:{port}/docs" in text
    assert "make -s token ROLE=intake_caseworker" in text
    assert "http://127.0.0.1:9001/v1/cases/<id>" in text
    assert "Press Ctrl-C" in text
