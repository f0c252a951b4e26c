"""The README says what is true (issue #14): the services table's status column against each
service's routes, and the idempotency window against the setting and the OpenAPI text."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from shared.config import BaseServiceSettings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
SERVICES = ("intake", "assessment", "investigation", "compliance")
HEALTH_ONLY = "health endpoints only"


def _settings(service: str) -> BaseServiceSettings:
    config = importlib.import_module(f"{service}_api.config")
    cls: type[BaseServiceSettings] = getattr(config, f"{service.capitalize()}Settings")
    return cls(database_url="postgresql://readme:readme@127.0.0.1:1/readme", ENV="testing")


def _openapi(service: str) -> dict[str, Any]:
    main = importlib.import_module(f"{service}_api.main")
    document: dict[str, Any] = main.create_app(_settings(service)).openapi()
    return document


def _status_cells() -> dict[str, str]:
    rows = re.findall(r"^\| (\w+)-api \| (\d+) \| [^|]+ \| ([^|]+) \|$", README, re.MULTILINE)
    return {name: status.strip() for name, _port, status in rows}


@pytest.mark.parametrize("service", SERVICES)
def test_the_services_table_states_each_service_status_truly(service: str) -> None:
    status = _status_cells()[service]
    public = [path for path in _openapi(service)["paths"] if path.startswith("/v1/")]
    if not public:
        assert status == HEALTH_ONLY, f"{service}-api serves only health and metrics"
    else:
        assert HEALTH_ONLY not in status, f"{service}-api serves {len(public)} /v1 paths now"
        assert status, f"{service}-api's row has no status"


def test_every_service_has_one_row() -> None:
    assert sorted(_status_cells()) == sorted(SERVICES)


def test_the_idempotency_window_agrees_in_readme_setting_and_openapi() -> None:
    """The README, the default of ``idempotency_retention_hours`` and the OpenAPI text of every
    service state one number of hours."""
    [readme_hours] = re.findall(r"`Idempotency-Key`, kept for (\d+) hours", README)
    default = BaseServiceSettings.model_fields["idempotency_retention_hours"].default
    assert int(readme_hours) == default
    for service in SERVICES:
        assert _settings(service).idempotency_retention_hours == default
        texts = {
            parameter["description"]
            for operations in _openapi(service)["paths"].values()
            for operation in operations.values()
            for parameter in operation.get("parameters", [])
            if parameter["name"] == "Idempotency-Key"
        }
        for text in texts:
            assert re.findall(r"\d+ hours", text) == [f"{default} hours"], (service, text)
            assert "at least" not in text


# The walk-through's curl steps name each service by its variable ($I intake, $A assessment, $C
# compliance) or, for investigation-api, its port.
_CURL_BASES = {"I": "intake", "A": "assessment", "C": "compliance"}
_CURL_PATH = re.compile(r"(?:\$(?P<var>[IAC])|http://127\.0\.0\.1:8003)(?P<path>/v1/[^\s\"'?]*)")


def _route_of(path: str, templates: list[str]) -> str | None:
    """The OpenAPI path ``path`` is a request to: literal segments equal, a ``{param}`` any."""
    segments = path.rstrip("/").split("/")
    for template in templates:
        parts = template.split("/")
        if len(parts) == len(segments) and all(
            p == s or (p.startswith("{") and p.endswith("}"))
            for p, s in zip(parts, segments, strict=True)
        ):
            return template
    return None


def test_every_walkthrough_curl_step_is_a_route_of_its_service() -> None:
    """Each `curl` of the README's walk-through (cases A, B and C) requests a path its service
    serves, so the steps cannot drift from the routes."""
    found = [
        (_CURL_BASES[m["var"]] if m["var"] else "investigation", m["path"])
        for m in _CURL_PATH.finditer(README)
    ]
    assert len(found) > 20, found
    paths = {s: list(_openapi(s)["paths"]) for s in SERVICES}
    missing = [(s, path) for s, path in found if _route_of(path, paths[s]) is None]
    assert not missing
