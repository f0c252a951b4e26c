"""The per-request session (docs/architecture.md: one transaction per request) and the
database URL helpers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.config import BaseServiceSettings
from shared.db import Database, DbSession, create_engine, to_async_url, with_database
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.app import create_service_app
from shared.http_api.problems import PROBLEM_JSON
from shared.testing.plugin import CommittingDb

# ---------------------------------------------------------------------------------------------
# A failing COMMIT can never produce a 2xx
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def deferred_table(database_url: str) -> AsyncIterator[str]:
    """A committed table whose UNIQUE constraint is only checked at COMMIT."""
    name = f"t_deferred_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url, application_name="t-ddl", isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(
                text(
                    f"CREATE TABLE {name} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    f"v integer NOT NULL, "
                    f"CONSTRAINT {name}_v_key UNIQUE (v) DEFERRABLE INITIALLY DEFERRED)"
                )
            )
        yield name
        async with admin.connect() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    finally:
        await admin.dispose()


@pytest.fixture
def commit_app(
    settings: BaseServiceSettings, deferred_table: str, committing_db: CommittingDb
) -> FastAPI:
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def insert_thing(session: DbSession, v: int, twice: bool = False) -> dict[str, Any]:
        for _ in range(2 if twice else 1):
            await session.execute(text(f"INSERT INTO {deferred_table} (v) VALUES (:v)"), {"v": v})
        # The duplicate is not visible to the deferred constraint until COMMIT.
        await session.flush()
        return {"v": v}

    application = create_service_app(
        settings=settings,
        title="t",
        version="0.1.0",
        description="t",
        routers=[router],
        configure_logs=False,
    )
    application.state.db = committing_db.database
    return application


@pytest.fixture
async def commit_client(commit_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=commit_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _count(engine: AsyncEngine, table: str, v: int) -> int:
    async with engine.connect() as conn:
        n = await conn.scalar(text(f"SELECT count(*) FROM {table} WHERE v = :v"), {"v": v})
    return int(n or 0)


@pytest.mark.concurrency
async def test_failing_commit_returns_a_problem_never_2xx(
    commit_client: httpx.AsyncClient, deferred_table: str, database_url: str
) -> None:
    r = await commit_client.post("/things", params={"v": 7, "twice": "true"})

    assert not 200 <= r.status_code < 300
    # The commit broke a (deferred) unique constraint: a conflict, like any constraint violation.
    assert r.status_code == 409
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    problem = r.json()
    assert problem["type"] == PROBLEM_TYPE_BASE + "constraint-conflict"
    assert problem["status"] == 409
    # No internals leak: neither the constraint nor the driver's message.
    assert deferred_table not in r.text
    assert "unique" not in r.text.lower()
    reader = create_engine(database_url, application_name="t-reader", pool_size=1)
    try:
        assert await _count(reader, deferred_table, 7) == 0
    finally:
        await reader.dispose()


@pytest.mark.concurrency
async def test_successful_request_is_committed_before_the_response(
    commit_client: httpx.AsyncClient, deferred_table: str, database_url: str
) -> None:
    reader = create_engine(database_url, application_name="t-reader", pool_size=1)
    try:
        r = await commit_client.post("/things", params={"v": 8})
        # Read from another connection right after the response: it must already be there.
        assert await _count(reader, deferred_table, 8) == 1
    finally:
        await reader.dispose()
    assert r.status_code == 201
    assert r.json() == {"v": 8}


# ---------------------------------------------------------------------------------------------
# URL helpers
# ---------------------------------------------------------------------------------------------

PGSERVER_URL = "postgresql://postgres:@/postgres?host=/work/main/.data/pg"


def test_to_async_url_keeps_pgserver_socket_host() -> None:
    url = make_url(to_async_url(PGSERVER_URL))
    assert url.drivername == "postgresql+asyncpg"
    assert url.username == "postgres"
    assert url.database == "postgres"
    assert url.host is None
    assert url.query["host"] == "/work/main/.data/pg"


@pytest.mark.parametrize(
    "scheme", ["postgresql", "postgres", "postgresql+psycopg", "postgresql+asyncpg"]
)
def test_to_async_url_accepts_every_postgres_scheme(scheme: str) -> None:
    url = make_url(to_async_url(f"{scheme}://app:s3cret@db.internal:6543/intake"))
    assert url.drivername == "postgresql+asyncpg"
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "app",
        "s3cret",
        "db.internal",
        6543,
        "intake",
    )


def test_to_async_url_keeps_a_tls_requirement_in_asyncpg_spelling() -> None:
    url = make_url(to_async_url("postgresql://app:pw@db/x?sslmode=require&application_name=intake"))
    assert "sslmode" not in url.query
    assert url.query["ssl"] == "require"
    assert url.query["application_name"] == "intake"


@pytest.mark.parametrize(
    "bad", ["mysql://u:p@h/db", "sqlite:///casework.db", "http://db/x", "not a url"]
)
def test_to_async_url_refuses_non_postgres_urls(bad: str) -> None:
    with pytest.raises(ValueError, match=r"postgresql://"):
        to_async_url(bad)


def test_with_database_switches_only_the_database() -> None:
    assert with_database(PGSERVER_URL, "intake_test") == (
        "postgresql://postgres:@/intake_test?host=/work/main/.data/pg"
    )
    assert with_database("postgresql://app:pw@db:5432/postgres", "casework_intake") == (
        "postgresql://app:pw@db:5432/casework_intake"
    )


def test_with_database_result_still_converts_to_asyncpg() -> None:
    url = make_url(to_async_url(with_database(PGSERVER_URL, "intake_test")))
    assert url.database == "intake_test"
    assert url.query["host"] == "/work/main/.data/pg"


# ---------------------------------------------------------------------------------------------
# The driver connection for the hot paths: one rule, decided by the sessions' bind
# ---------------------------------------------------------------------------------------------


async def test_driver_of_a_running_service_comes_from_the_pool_and_goes_back(
    database_url: str,
) -> None:
    # The production path: sessions bound to the engine, so the driver is a pooled connection
    # outside any transaction (it sees only committed data) and is returned after use.
    engine = create_engine(database_url, application_name="pytest-driver", pool_size=2)
    db = Database.from_engine(engine)
    try:
        async with db.driver() as conn:
            assert await conn.fetchval("SELECT 41 + 1") == 42
            assert not conn.is_in_transaction()
            assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_driver_in_a_test_is_the_tests_own_connection(
    sessionmaker: Any, engine: AsyncEngine, connection: Any
) -> None:
    # Bound to one connection (the test's rolled-back transaction): the driver sees its data.
    await connection.execute(text("CREATE TEMP TABLE t_driver (v int)"))
    await connection.execute(text("INSERT INTO t_driver VALUES (7)"))
    db = Database(engine, sessionmaker)
    async with db.driver() as conn:
        assert await conn.fetchval("SELECT v FROM t_driver") == 7
        assert conn.is_in_transaction()
