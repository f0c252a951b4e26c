"""pytest plugin: real PostgreSQL, Alembic-built schemas, per-test rollback, HTTP clients.

Each test directory names its service with a ``service_spec`` fixture. The plugin then:
- creates that service's test database afresh once per session and migrates it with Alembic
  (never ``create_all``) as the service's migration role, which owns it; the app, and every
  fixture's connection, use the runtime role, as a deployed service does (``shared.db_roles``):
  ``database_url`` is the runtime role's, ``migration_database_url`` the owner's;
- runs each test inside an outer transaction that is rolled back, with the app's sessions joined
  to it through SAVEPOINTs (``join_transaction_mode="create_savepoint"``);
- gives an in-process ``httpx.AsyncClient`` and bearer tokens for any role;
- gives ``committing_client``, for the tests that must commit for real (concurrency, crash).

Under pytest-xdist each worker is its own process, so it has its own test databases (named after
its process id), its own signing key folder and its own session-scoped fixtures. Every worker
collects the suite itself and must find the same test ids: no random values (``uuid4()``) in a
parametrized test's ids, or xdist refuses to start.

``--suite-part`` splits the suite in two for ``make pytest``: ``parallel`` leaves out the tests
that start real processes (markers ``slow`` and ``crash``, and everything in ``tests/e2e`` and
``tests/crash``: uvicorn and relay processes, a private PostgreSQL that they stop and start,
``make run`` on fixed ports), which xdist workers could run side by side; ``serial`` runs only
those. A part that the selection leaves empty while the other part has tests ends with exit
code 0, not 5 (no tests), so either invocation may be given any selection.

The server comes from ``TEST_DATABASE_URL``, else ``DATABASE_URL``, else
``postgresql://postgres@127.0.0.1:5432/postgres``; its user must be a superuser, which creates the
roles ``casework_test_<service>_migrator`` and ``casework_test_<service>_runtime`` when they are
missing. Roles are cluster-wide, so every test run on the server shares them (their creation is
race-safe); a runtime role has grants only on its own service's databases.
"""

from __future__ import annotations

import functools
import gc
import os
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.dependencies import models as fastapi_dependency_models
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from shared.alembic_env import alembic_config
from shared.auth import mint_dev_token
from shared.clock import FixedClock
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES, BaseServiceSettings
from shared.db import Database, create_engine, with_database
from shared.db_roles import ensure_roles, service_roles, with_user

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
# The roles of the test databases: casework_test_<service>_migrator and …_runtime.
TEST_ROLE_FAMILY = "casework_test"

# The tests that start real processes, stop and start a PostgreSQL of their own or bind fixed
# ports (tests/e2e/test_make_run.py uses 18101-18104): ``--suite-part=serial``.
_REAL_PROCESS_MARKERS = ("slow", "crash")
_REAL_PROCESS_FOLDERS = (("tests", "e2e"), ("tests", "crash"))
_LEFT_TO_OTHER_PART = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--suite-part",
        choices=("all", "parallel", "serial"),
        default="all",
        help="parallel: leave out the tests that start real processes (slow, crash, tests/e2e, "
        "tests/crash); serial: only those (make pytest runs the first on xdist workers, then "
        "the second in one process)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # An unset ENV means production (shared.config); the tests run as ``testing`` unless told
    # otherwise, and so do the processes they start (which may set their own).
    os.environ.setdefault("ENV", "testing")
    config.addinivalue_line(
        "markers",
        "own_database: committing_db/committing_client use a freshly migrated database of the "
        "test's own, dropped afterwards (for committed rows that cannot be deleted)",
    )


def _starts_real_processes(item: pytest.Item, rootpath: Path) -> bool:
    try:
        folder = item.path.relative_to(rootpath).parts[:2]
    except ValueError:
        folder = ()
    marked = any(item.get_closest_marker(m) for m in _REAL_PROCESS_MARKERS)
    return marked or folder in _REAL_PROCESS_FOLDERS


@pytest.hookimpl(trylast=True)  # after -k and -m: count what the selection left
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    part = config.getoption("suite_part")
    if part == "all":
        return
    serial = part == "serial"
    keep: list[pytest.Item] = []
    other: list[pytest.Item] = []
    for item in items:
        (keep if _starts_real_processes(item, config.rootpath) == serial else other).append(item)
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = keep
    config.stash[_LEFT_TO_OTHER_PART] = len(other)


@pytest.hookimpl(optionalhook=True)
@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything alive once the suite is collected (modules, apps' schemas, the OpenAPI documents
    of the contract tests: over a million objects) lives until the run ends: moved out of the
    garbage collector's generations, each full collection scans only what the tests make (about
    6% of an ordinary test module's time)."""
    gc.collect()
    gc.freeze()


def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist's controller: how many tests a worker left to the other part of the suite."""
    left = getattr(node, "workeroutput", {}).get("left_to_other_part", 0)
    stash = node.config.stash
    stash[_LEFT_TO_OTHER_PART] = max(stash.get(_LEFT_TO_OTHER_PART, 0), left)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    left = config.stash.get(_LEFT_TO_OTHER_PART, 0)
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its controller decides
        workeroutput["left_to_other_part"] = left
    elif exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and left:
        session.exitstatus = pytest.ExitCode.OK  # this part is empty; the other part is not


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


async def recreate_database(name: str, *, owner: str | None = None) -> str:
    """Drop and create database ``name`` on the test server; return its URL (the admin's)."""
    base = server_url()
    engine = create_engine(base, application_name="pytest-admin", isolation_level="AUTOCOMMIT")
    owned_by = f' OWNER "{owner}"' if owner else ""
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"{owned_by}'))
    except OSError as exc:  # connection refused and friends
        pytest.exit(
            f"PostgreSQL is not reachable at the test server ({type(exc).__name__}): {exc}", 3
        )
    finally:
        await engine.dispose()
    return with_database(base, name)


@dataclass(frozen=True)
class MigratedDatabase:
    """A freshly migrated service database: the owner's URL and the service's (runtime) URL."""

    migration_url: str
    runtime_url: str

    @property
    def name(self) -> str:
        return self.runtime_url.rsplit("/", 1)[1].split("?", 1)[0]


async def migrated_database(service: str, alembic_ini: Path, name: str) -> MigratedDatabase:
    """Create database ``name`` afresh for ``service`` and migrate it as its migration role.

    The migration role owns it; the runtime role gets its grants at the end of the upgrade.
    """
    roles = service_roles(TEST_ROLE_FAMILY, service)
    try:
        await ensure_roles(server_url(), roles)
    except OSError as exc:  # connection refused and friends
        pytest.exit(
            f"PostgreSQL is not reachable at the test server ({type(exc).__name__}): {exc}", 3
        )
    url = await recreate_database(name, owner=roles.migration)
    migration_url = with_user(url, roles.migration)
    config = alembic_config(alembic_ini, migration_url, runtime_role=roles.runtime)
    run_alembic(command.upgrade, config, "head")
    return MigratedDatabase(migration_url, with_user(url, roles.runtime))


async def drop_database(name: str) -> None:
    """Drop database ``name`` on the test server, cutting any connection still open to it."""
    admin = create_engine(
        server_url(), application_name="pytest-admin", isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


class _Registry:
    def __init__(self) -> None:
        self.databases: dict[str, MigratedDatabase] = {}
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
async def _migrated(service_spec: ServiceSpec, _db_registry: _Registry) -> MigratedDatabase:
    db = _db_registry.databases.get(service_spec.name)
    if db is None:
        db = await migrated_database(
            service_spec.name, service_spec.alembic_ini, service_spec.test_database
        )
        _db_registry.databases[service_spec.name] = db
    return db


@pytest.fixture
def database_url(_migrated: MigratedDatabase) -> str:
    """The service's test database as its runtime role (created and migrated once per session)."""
    return _migrated.runtime_url


@pytest.fixture
def migration_database_url(_migrated: MigratedDatabase) -> str:
    """The service's test database as its migration role, which owns it (for DDL in tests)."""
    return _migrated.migration_url


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
    for db in _db_registry.databases.values():
        await drop_database(db.name)


# FastAPI (0.16x) keeps, per process, three LRU caches of 4,096 entries each of the endpoints and
# dependencies it has classified (fastapi.dependencies.models ``_is_*_callable_cached``). An
# endpoint that is a closure over its app (the docs pages, per-app dependencies) keeps that app
# alive from there. A service process builds one app, so nothing grows; a test run builds one
# app per test, and each xdist worker grew to 6-7 GB through these caches, with garbage
# collections of several seconds in ordinary tests. The caches are emptied after each test.
_FASTAPI_CALLABLE_CACHES = (
    "_is_gen_callable_cached",
    "_is_async_gen_callable_cached",
    "_is_coroutine_callable_cached",
)


# FastAPI 0.16x analyses each route's dependency tree (``get_dependant``: signatures, pydantic
# TypeAdapters for every parameter) lazily, per app, on the first request that walks the route's
# router: 0.3 s for assessment-api's routes on a quiet core. A service process builds one app and
# pays it once; a test run builds one app per test and paid it in nearly every test (about a third
# of the suite's time). The analysis depends only on the route's path, its endpoint and the
# dependencies its routers add, never on the app, so the run keeps one per (path, endpoint,
# dependencies) when all of them are module-level functions (shared by every app; a closure made
# per app is analysed each time, so nothing per app is kept alive). The app-specific parts (the
# dependency overrides, the route objects, the middleware) are still built per app.
_RouteAnalysis = tuple[Any, list[Any], bool]
_route_analyses: dict[tuple[Any, ...], _RouteAnalysis] = {}


def _module_level(call: Any) -> bool:
    return callable(call) and "<locals>" not in getattr(call, "__qualname__", "<locals>")


def _share_route_analysis() -> None:
    build = getattr(fastapi_routing, "_build_dependant_with_parameterless_dependencies", None)
    if build is None or getattr(build, "__shared_by_tests__", False):
        return

    @functools.wraps(build)
    def shared(*, path: str, call: Any, dependencies: Sequence[Any]) -> _RouteAnalysis:
        calls = [getattr(d, "dependency", None) for d in dependencies]
        if not (_module_level(call) and all(_module_level(c) for c in calls)):
            result: _RouteAnalysis = build(path=path, call=call, dependencies=dependencies)
            return result
        key = (path, call, *((c, getattr(d, "use_cache", True), getattr(d, "scope", None))
                             for c, d in zip(calls, dependencies, strict=True)))  # fmt: skip
        found = _route_analyses.get(key)
        if found is None:
            found = _route_analyses[key] = build(path=path, call=call, dependencies=dependencies)
        return found

    shared.__shared_by_tests__ = True  # type: ignore[attr-defined]
    fastapi_routing._build_dependant_with_parameterless_dependencies = shared


_share_route_analysis()


@pytest.fixture(autouse=True)
def _release_apps() -> Iterator[None]:
    yield
    for name in _FASTAPI_CALLABLE_CACHES:
        cache = getattr(fastapi_dependency_models, name, None)
        if cache is not None:
            cache.cache_clear()


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


@dataclass(frozen=True)
class CommittingDb:
    """A database whose sessions really commit, and an engine of its own to look and clean with.

    ``application_name`` is the one the database's connections show in ``pg_stat_activity``;
    it is unique to the test, so a test that waits for its requests to queue on a lock counts
    only its own, whatever other tests (another xdist worker, another pytest run) do meanwhile.
    """

    database: Database
    observer: AsyncEngine
    application_name: str
    url: str


@dataclass(frozen=True)
class CommittingClient:
    """``committing_client``: the service app on a :class:`CommittingDb`, and that database."""

    client: httpx.AsyncClient
    db: CommittingDb

    @property
    def observer(self) -> AsyncEngine:
        return self.db.observer

    @property
    def application_name(self) -> str:
        return self.db.application_name


@pytest.fixture
async def committing_db(
    request: pytest.FixtureRequest, service_spec: ServiceSpec, database_url: str
) -> AsyncIterator[CommittingDb]:
    """A :class:`Database` whose sessions really commit, outside the rolled-back transaction.

    For concurrency tests: only separate, committed transactions can race for a lock. By default
    it is the service's test database, so what a test commits stays there for the rest of the
    session (on this worker): clean up after yourself, and in other tests filter by your own
    owner or marker rather than count every row. Mark the test ``@pytest.mark.own_database`` for
    a freshly migrated database of its own, dropped afterwards, when what it commits cannot be
    deleted (audit rows, published events).
    """
    name = f"pytest-commit-{uuid.uuid4().hex[:8]}"
    own = None
    url = database_url
    if request.node.get_closest_marker("own_database") is not None:
        own = f"{service_spec.name}_own_{uuid.uuid4().hex[:8]}"
        url = (
            await migrated_database(service_spec.name, service_spec.alembic_ini, own)
        ).runtime_url
    # Enough connections for a burst of simultaneous requests (twenty identical POSTs, say).
    db = Database.from_engine(
        create_engine(url, application_name=name, pool_size=25, max_overflow=5)
    )
    observer = create_engine(url, application_name=f"{name}-observer", pool_size=2)
    try:
        yield CommittingDb(database=db, observer=observer, application_name=name, url=url)
    finally:
        await observer.dispose()
        await db.dispose()
        if own is not None:
            await drop_database(own)


@pytest.fixture
async def committing_client(
    service_spec: ServiceSpec,
    settings: BaseServiceSettings,
    committing_db: CommittingDb,
    clock: FixedClock,
) -> AsyncIterator[CommittingClient]:
    """An HTTP client for the service app whose requests really commit (see ``committing_db``).

    ``committing_client.client`` sends the requests; ``committing_client.observer`` is an engine
    on the same database for the test to look (and clean up) with.
    """
    if committing_db.url != settings.database_url.get_secret_value():
        settings = settings.model_copy(update={"database_url": SecretStr(committing_db.url)})
    application = service_spec.create_app(settings)
    application.state.db = committing_db.database
    application.state.clock = clock
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield CommittingClient(client=c, db=committing_db)


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

    def _headers(*roles: str, sub: str | None = None, teams: Sequence[str] = ()) -> dict[str, str]:
        extra = {"teams": list(teams)} if teams else {}
        return {"Authorization": f"Bearer {make_token(*roles, sub=sub, **extra)}"}

    return _headers
