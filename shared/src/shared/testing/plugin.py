"""pytest plugin: real PostgreSQL, Alembic-built schemas, per-test rollback, HTTP clients.

Each test directory names its service with a ``service_spec`` fixture. The plugin then:
- creates that service's test database afresh once per session and migrates it with Alembic
  (never ``create_all``);
- runs each test inside an outer transaction that is rolled back, with the app's sessions joined
  to it through SAVEPOINTs (``join_transaction_mode="create_savepoint"``);
- gives an in-process ``httpx.AsyncClient`` and bearer tokens for any role.

The server comes from ``TEST_DATABASE_URL``, else ``DATABASE_URL``, else
``postgresql://postgres@127.0.0.1:5432/postgres``.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from shared.alembic_env import alembic_config
from shared.auth import mint_dev_token
from shared.clock import FixedClock
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES, BaseServiceSettings
from shared.db import Database, create_engine, with_database

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ServiceSpec:
    """How the plugin builds one service under test."""

    name: str
    alembic_ini: Path
    settings_cls: type[BaseServiceSettings]
    create_app: Callable[[Any], FastAPI]

    @property
    def test_database(self) -> str:
        # One database per pytest process, so that two test runs on one server (a developer's
        # and a helper's, say) never drop each other's databases.
        return f"{self.name}_test_{os.getpid()}"


def server_url() -> str:
    """The PostgreSQL server the tests use."""
    return (
        os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    )


def run_alembic(fn: Callable[..., Any], *args: Any) -> None:
    """Run an Alembic command in a thread: env.py starts its own event loop."""
    error: list[BaseException] = []

    def target() -> None:
        try:
            fn(*args)
        except BaseException as exc:
            error.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if error:
        raise error[0]


async def recreate_database(name: str) -> str:
    """Drop and create database ``name`` on the test server; return its URL."""
    base = server_url()
    engine = create_engine(base, application_name="pytest-admin", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OSError as exc:  # connection refused and friends
        pytest.exit(
            f"PostgreSQL is not reachable at the test server ({type(exc).__name__}): {exc}", 3
        )
    finally:
        await engine.dispose()
    return with_database(base, name)


class _Registry:
    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.engines: dict[str, AsyncEngine] = {}


@pytest.fixture(scope="session")
def _db_registry() -> _Registry:
    return _Registry()


@pytest.fixture(scope="session")
def dev_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the test session's dev signing key lives."""
    return tmp_path_factory.mktemp("keys")


@pytest.fixture
def service_spec() -> ServiceSpec:
    raise pytest.UsageError("Define a `service_spec` fixture in the conftest of this test folder")


@pytest.fixture
async def database_url(service_spec: ServiceSpec, _db_registry: _Registry) -> str:
    """URL of the service's test database, created and migrated once per session."""
    url = _db_registry.urls.get(service_spec.name)
    if url is None:
        url = await recreate_database(service_spec.test_database)
        run_alembic(command.upgrade, alembic_config(service_spec.alembic_ini, url), "head")
        _db_registry.urls[service_spec.name] = url
    return url


@pytest.fixture
async def engine(
    service_spec: ServiceSpec, database_url: str, _db_registry: _Registry
) -> AsyncEngine:
    """The session-wide engine of the service's test database."""
    eng = _db_registry.engines.get(service_spec.name)
    if eng is None:
        eng = create_engine(
            database_url, application_name=f"pytest-{service_spec.name}", pool_size=5
        )
        _db_registry.engines[service_spec.name] = eng
    return eng


@pytest.fixture(scope="session", autouse=True)
async def _dispose_engines(_db_registry: _Registry) -> AsyncIterator[None]:
    yield
    for eng in _db_registry.engines.values():
        await eng.dispose()
    if _db_registry.urls:
        admin = create_engine(
            server_url(), application_name="pytest-admin", isolation_level="AUTOCOMMIT"
        )
        try:
            async with admin.connect() as conn:
                for url in _db_registry.urls.values():
                    name = url.rsplit("/", 1)[1].split("?", 1)[0]
                    await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            await admin.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        trans = await conn.begin()
        try:
            yield conn
        finally:
            if trans.is_active:
                await trans.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions whose commits become SAVEPOINT releases inside the test's transaction."""
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for builders and assertions, in the test's transaction."""
    async with sessionmaker() as s:
        yield s


@pytest.fixture
def clock() -> FixedClock:
    """A fixed clock the app under test uses; move it with ``set`` or ``advance``."""
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
def settings(
    service_spec: ServiceSpec, database_url: str, dev_keys_dir: Path
) -> BaseServiceSettings:
    """The service's settings for tests (ENV=testing, dev issuer keys in a temp folder)."""
    return service_spec.settings_cls(
        database_url=database_url, ENV="testing", dev_keys_dir=dev_keys_dir
    )


@pytest.fixture
def app(
    service_spec: ServiceSpec,
    settings: BaseServiceSettings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> FastAPI:
    """The service app, its sessions joined to the test's rolled-back transaction."""
    application = service_spec.create_app(settings)
    application.state.db = Database(engine, sessionmaker)
    application.state.clock = clock
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process HTTP client for the app (no lifespan; the fixtures set the state)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


TokenFactory = Callable[..., str]


@pytest.fixture(scope="session")
def make_token(dev_keys_dir: Path) -> TokenFactory:
    """``make_token("caseworker", sub=..., ttl_seconds=..., audience=...)`` mints a dev token."""

    def _make(
        *roles: str,
        sub: str | None = None,
        ttl_seconds: int = 3600,
        audience: str | list[str] | None = None,
        **extra: Any,
    ) -> str:
        return mint_dev_token(
            keys_dir=dev_keys_dir,
            issuer=DEV_ISSUER,
            audience=audience if audience is not None else DEV_TOKEN_AUDIENCES,
            sub=sub or f"test-{'-'.join(roles) or 'norole'}-{uuid.uuid4().hex[:6]}",
            roles=list(roles),
            ttl_seconds=ttl_seconds,
            extra_claims=extra or None,
        )

    return _make


@pytest.fixture(scope="session")
def auth_headers(make_token: TokenFactory) -> Callable[..., dict[str, str]]:
    """``auth_headers("intake_caseworker")`` gives an Authorization header for those roles."""

    def _headers(*roles: str, sub: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(*roles, sub=sub)}"}

    return _headers
