"""Running the relay: inside the service (lifespan hook) or standalone (``-m <svc>.relay``)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, start_http_server

from shared.clients import token_provider_for
from shared.config import BaseServiceSettings, Environment
from shared.db import create_engine
from shared.db_roles import check_service_role
from shared.http_api.health import Status
from shared.logging import configure_logging
from shared.metrics import add_runtime_collectors
from shared.outbox.relay import Relay, RelayConfig, RelayMetrics, Subscriber, sync_subscriptions
from shared.outbox.service import oldest_pending_age_s, relay_leadership
from shared.supervise import BackgroundTasks, Supervisor

logger = logging.getLogger("casework.relay")


def relay_config(settings: BaseServiceSettings) -> RelayConfig:
    """The relay's configuration from a service's settings."""
    return RelayConfig(
        service=settings.service_name,
        dsn=plain_dsn(settings.database_url.get_secret_value()),
        subscribers=[
            Subscriber(name=name, url=s.url, audience=s.audience, event_types=tuple(s.event_types))
            for name, s in sorted(settings.subscribers.items())
        ],
        max_attempts=settings.relay_max_attempts,
        batch_size=settings.relay_batch_size,
        poll_interval_s=settings.relay_poll_interval_s,
        request_timeout_s=settings.relay_request_timeout_s,
    )


def plain_dsn(url: str) -> str:
    """A libpq-style DSN for asyncpg (drops a SQLAlchemy ``+driver`` suffix)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def build_relay(settings: BaseServiceSettings, registry: CollectorRegistry) -> Relay:
    """A relay for ``settings`` with its metrics in ``registry``."""
    return Relay(
        relay_config(settings),
        tokens=token_provider_for(settings),
        metrics=RelayMetrics(registry),
    )


@asynccontextmanager
async def relay_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the relay inside the service process unless ``relay_in_process`` is off."""
    settings: BaseServiceSettings = app.state.settings
    if not settings.subscribers:
        yield
        return
    # Before serving: the fan-out trigger must know the subscribers before anything is emitted,
    # even when the relay runs elsewhere.
    config = relay_config(settings)
    conn = await asyncpg.connect(config.dsn, timeout=10)
    try:
        await sync_subscriptions(conn, config.subscribers)
    finally:
        await conn.close()
    if not settings.relay_in_process:
        yield
        return
    relay = build_relay(settings, app.state.metrics_registry)
    app.state.relay = relay
    # Supervised, each on its own: the app stops them (before the database goes) on shutdown.
    background: BackgroundTasks = app.state.background
    background.start("relay", relay.run)
    background.start("outbox-gauges", relay.run_gauges)
    yield


async def outbox_check(request: Request) -> tuple[str, Status, dict[str, Any]]:
    """``warn`` (still 200) when the oldest pending event is older than ``outbox_warn_age_s``."""
    settings: BaseServiceSettings = request.app.state.settings
    detail: dict[str, Any] = {"componentType": "component", "observedUnit": "s"}
    try:
        async with asyncio.timeout(settings.ready_timeout_s):
            async with request.app.state.db.sessionmaker() as session:
                age = await oldest_pending_age_s(session)
    except Exception as exc:  # the database check reports the outage; this one only warns
        detail["output"] = type(exc).__name__
        return "outbox:oldestPendingAge", "warn", detail
    detail["observedValue"] = round(age, 1)
    if age > settings.outbox_warn_age_s:
        detail["output"] = f"oldest pending event is older than {settings.outbox_warn_age_s:g} s"
        return "outbox:oldestPendingAge", "warn", detail
    return "outbox:oldestPendingAge", "pass", detail


LEADER_CHECK = "outbox:relayLeader"


async def relay_leader_check(request: Request) -> tuple[str, Status, dict[str, Any]]:
    """``warn`` when no relay holds the leadership while an event has waited longer than
    ``outbox_leaderless_warn_s``: the flow has stopped, wherever the relay is meant to run.

    A warning, not a failure: the API still serves, and with a standalone relay a failing
    readiness would take every API instance out of the load balancer for the relay's fault.
    """
    settings: BaseServiceSettings = request.app.state.settings
    detail: dict[str, Any] = {"componentType": "component", "observedUnit": "s"}
    try:
        async with asyncio.timeout(settings.ready_timeout_s):
            async with request.app.state.db.sessionmaker() as session:
                led, age = await relay_leadership(session, settings.service_name)
    except Exception as exc:  # the database check reports the outage; this one only warns
        detail["output"] = type(exc).__name__
        return LEADER_CHECK, "warn", detail
    detail["observedValue"] = round(age, 1)
    if not led and age > settings.outbox_leaderless_warn_s:
        detail["output"] = (
            f"no relay is active and events have waited more than "
            f"{settings.outbox_leaderless_warn_s:g} s"
        )
        return LEADER_CHECK, "warn", detail
    return LEADER_CHECK, "pass", detail


async def _check_role(settings: BaseServiceSettings) -> None:
    """The relay runs as the service's runtime role too; production refuses any other."""
    url = settings.database_url.get_secret_value()
    engine = create_engine(url, application_name=f"{settings.service_name}-relay", pool_size=1)
    try:
        await check_service_role(engine, production=settings.env is Environment.production)
    finally:
        await engine.dispose()


def run_standalone(settings: BaseServiceSettings) -> None:
    """Entry point of ``python -m <service>_api.relay``: the relay alone, until SIGTERM/SIGINT."""
    configure_logging(settings.log_level, service=settings.service_name)
    if not settings.subscribers:
        raise SystemExit(f"{settings.service_name} has no subscribers configured")
    registry = CollectorRegistry()
    add_runtime_collectors(registry)
    if settings.relay_metrics_port:
        start_http_server(
            settings.relay_metrics_port, addr=settings.relay_metrics_host, registry=registry
        )
    relay = build_relay(settings, registry)

    async def main() -> None:
        await _check_role(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        logger.info("standalone relay starting", extra={"service": settings.service_name})
        background = BackgroundTasks(Supervisor(registry))
        background.start("relay", relay.run)
        background.start("outbox-gauges", relay.run_gauges)
        try:
            await stop.wait()
        finally:
            await background.stop()

    asyncio.run(main())
