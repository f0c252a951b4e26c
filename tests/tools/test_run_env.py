"""``make run``'s wiring of the risk guard (XC-RSK-001): assessment-api asks compliance-api on the
run's own port, and compliance-api delivers its risk events to assessment-api's, wherever
``CASEWORK_BASE_PORT`` puts them."""

from __future__ import annotations

import json

import pytest

from casework_dev import run
from casework_dev.layout import SERVICES


@pytest.fixture
def moved(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    ports = {s: 18201 + i for i, s in enumerate(SERVICES)}
    monkeypatch.setattr(run, "BASE_PORT", 18201)
    monkeypatch.setattr(run, "PORTS", ports)
    for name in ("ASSESSMENT_COMPLIANCE_URL", "ASSESSMENT_INTAKE_URL", "COMPLIANCE_SUBSCRIBERS"):
        monkeypatch.delenv(name, raising=False)
    return ports


def test_assessment_asks_compliance_on_the_runs_port__XC_RSK_001(moved: dict[str, int]) -> None:
    env = run.service_env("assessment", "postgresql://x@127.0.0.1/a")
    assert env["ASSESSMENT_COMPLIANCE_URL"] == f"http://127.0.0.1:{moved['compliance']}"
    assert "INTAKE_COMPLIANCE_URL" not in run.service_env("intake", "postgresql://x@127.0.0.1/i")


def test_assessment_asks_intake_on_the_runs_port__ASM_048(moved: dict[str, int]) -> None:
    env = run.service_env("assessment", "postgresql://x@127.0.0.1/a")
    assert env["ASSESSMENT_INTAKE_URL"] == f"http://127.0.0.1:{moved['intake']}"


def test_compliance_delivers_risk_events_to_assessment_on_the_runs_port__CMP_120(
    moved: dict[str, int],
) -> None:
    env = run.service_env("compliance", "postgresql://x@127.0.0.1/c")
    subscribers = json.loads(env["COMPLIANCE_SUBSCRIBERS"])
    assert subscribers["assessment-api"] == {
        "url": f"http://127.0.0.1:{moved['assessment']}/internal/events",
        "audience": "assessment-api",
        "event_types": ["compliance.risk.assessed", "compliance.risk.rating_changed"],
    }
