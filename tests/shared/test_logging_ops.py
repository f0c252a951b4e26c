"""Logs as an operator reads them (issue #14): every line names its service, health probes log
at DEBUG, httpx's INFO lines stay out."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from shared.config import BaseServiceSettings
from shared.http_api.app import create_service_app
from shared.logging import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the other tests."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    touched = ("httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access")
    levels = {name: logging.getLogger(name).level for name in touched}
    propagate = {name: logging.getLogger(name).propagate for name in touched}
    disabled = logging.getLogger("uvicorn.access").disabled
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name in touched:
        logging.getLogger(name).setLevel(levels[name])
        logging.getLogger(name).propagate = propagate[name]
    logging.getLogger("uvicorn.access").disabled = disabled


def _lines(err: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in err.splitlines() if line.strip()]


@pytest.mark.usefixtures("restore_logging")
def test_every_line_names_the_service_and_httpx_info_stays_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", service="intake-api")

    logging.getLogger("casework.outbox").info("delivered")
    logging.getLogger("uvicorn.error").warning("worker restarted")
    logging.getLogger("some.library").error("failed")
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1:8002/internal/events")
    logging.getLogger("httpcore.connection").info("connect_tcp.started")
    logging.getLogger("httpx").warning("a warning from httpx is kept")

    lines = _lines(capsys.readouterr().err)
    assert [line["msg"] for line in lines] == [
        "delivered",
        "worker restarted",
        "failed",
        "a warning from httpx is kept",
    ]
    assert {line["service"] for line in lines} == {"intake-api"}
    assert list(lines[0])[:4] == ["ts", "level", "service", "logger"]


async def test_health_probes_log_at_debug_and_other_requests_at_info(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="casework.access")

    await client.get("/health/live")
    await client.get("/health/ready")
    await client.get("/metrics")
    await client.get("/v1/cases")

    levels = {vars(r)["route"]: r.levelno for r in caplog.records if r.name == "casework.access"}
    assert levels == {
        "/health/live": logging.DEBUG,
        "/health/ready": logging.DEBUG,
        "/metrics": logging.INFO,
        "/v1/cases": logging.INFO,
    }


@pytest.mark.usefixtures("restore_logging")
async def test_the_app_names_its_service_on_every_line_once_started(
    settings: BaseServiceSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lifespan (what uvicorn runs) configures the JSON logs with the service's name."""
    bare = settings.model_copy(update={"subscribers": {}, "service_name": "probe-api"})
    app: FastAPI = create_service_app(settings=bare, title="probe-api", version="0", description="")
    async with app.router.lifespan_context(app):
        logging.getLogger("casework.test").warning("started")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            assert (await c.get("/health/live")).status_code == 200  # DEBUG: not shown
            assert (await c.get("/metrics")).status_code == 200

    lines = _lines(capsys.readouterr().err)
    assert [line["msg"] for line in lines if line["logger"] == "casework.test"] == ["started"]
    access = [line for line in lines if line["logger"] == "casework.access"]
    assert [line["route"] for line in access] == ["/metrics"]
    assert {line["service"] for line in lines} == {"probe-api"}
