"""A busy database answers 503 + Retry-After, never 500 (DESIGN §3 Errors; issue: saturation).

A statement cancelled by the statement timeout, a lock not granted within the lock timeout and a
pool with no free connection all mean "retry shortly", through the ORM session and through the
hot paths' asyncpg connection alike.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.config import BaseServiceSettings
from shared.db import Database, DbSession, DriverConnection, create_engine
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.app import create_service_app

pytestmark = pytest.mark.concurrency


@pytest.fixture
async def locked_table(
    migration_database_url: str,
) -> AsyncIterator[tuple[str, AsyncConnection]]:
    """A committed table, held under ACCESS EXCLUSIVE by another open transaction.

    Created by the migration role; the runtime role (the apps') gets its default privileges.
    """
    name = f"t_busy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(migration_database_url, application_name="pytest-busy", pool_size=2)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE TABLE {name} (id int PRIMARY KEY)"))
            await conn.execute(text(f"INSERT INTO {name} VALUES (1)"))
        async with admin.connect() as holder:
            trans = await holder.begin()
            await holder.execute(text(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE"))
            yield name, holder
            await trans.rollback()
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP TABLE {name}"))
    finally:
        await admin.dispose()


def _app(settings: BaseServiceSettings, engine: AsyncEngine, table: str) -> FastAPI:
    router = APIRouter()

    @router.get("/orm")
    async def orm(session: DbSession) -> dict[str, Any]:
        return {"n": await session.scalar(text(f"SELECT count(*) FROM {table}"))}

    @router.get("/driver")
    async def driver(conn: DriverConnection) -> dict[str, Any]:
        return {"n": await conn.fetchval(f"SELECT count(*) FROM {table}")}

    @router.get("/lock")
    async def lock(session: DbSession) -> dict[str, Any]:
        await session.execute(text(f"SELECT id FROM {table} FOR UPDATE"))
        return {"locked": True}

    app = create_service_app(
        settings=settings, title="busy", version="0.1.0", description="busy",
        routers=[router], configure_logs=False,
    )  # fmt: skip
    app.state.db = Database.from_engine(engine)
    return app


async def _get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        return await c.get(path)


def _assert_busy(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEM_TYPE_BASE + "upstream-unavailable"
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("path", ["/orm", "/driver"])
async def test_statement_timeout_is_503_with_retry_after(
    settings: BaseServiceSettings,
    database_url: str,
    locked_table: tuple[str, AsyncConnection],
    path: str,
) -> None:
    engine = create_engine(
        database_url, application_name="pytest-busy-app", statement_timeout_ms=300
    )
    try:
        _assert_busy(await _get(_app(settings, engine, locked_table[0]), path))
    finally:
        await engine.dispose()


async def test_lock_timeout_is_503_with_retry_after(
    settings: BaseServiceSettings, database_url: str, locked_table: tuple[str, AsyncConnection]
) -> None:
    engine = create_engine(
        database_url, application_name="pytest-busy-app", lock_timeout_ms=200,
        statement_timeout_ms=10_000,
    )  # fmt: skip
    try:
        _assert_busy(await _get(_app(settings, engine, locked_table[0]), "/lock"))
    finally:
        await engine.dispose()


async def test_no_free_pool_connection_is_503_with_retry_after(
    settings: BaseServiceSettings, database_url: str
) -> None:
    engine = create_engine(
        database_url, application_name="pytest-busy-app", pool_size=1, max_overflow=0,
        pool_timeout=0.2,
    )  # fmt: skip
    try:
        async with engine.connect() as held:  # the pool's only connection
            await held.execute(text("SELECT 1"))
            _assert_busy(await _get(_app(settings, engine, "pg_class"), "/orm"))
    finally:
        await engine.dispose()


def test_services_wait_for_a_connection_or_a_lock_well_under_a_clients_patience(
    settings: BaseServiceSettings,
) -> None:
    assert settings.db_pool_timeout_s <= 5
    assert settings.db_lock_timeout_ms <= 5_000
    assert settings.db_lock_timeout_ms < settings.db_statement_timeout_ms
