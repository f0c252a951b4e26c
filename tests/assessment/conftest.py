import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from assessment_api.config import AssessmentSettings
from assessment_api.main import create_app
from compliance_api.config import ComplianceSettings
from compliance_api.main import create_app as create_compliance_app
from intake_api.config import IntakeSettings
from intake_api.main import create_app as create_intake_app
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.db import Database, create_engine
from shared.testing.plugin import ServiceSpec, migrated_database
from tests.assessment.intake_peer import INTAKE_BASE, StandIn

ROOT = Path(__file__).resolve().parents[2]
COMPLIANCE_BASE = "http://compliance.test"


@pytest.fixture
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="assessment",
        alembic_ini=ROOT / "services/assessment-api/alembic.ini",
        settings_cls=AssessmentSettings,
        create_app=create_app,
    )


@pytest.fixture
async def compliance_app(
    _db_registry: Any, dev_keys_dir: Path, clock: FixedClock
) -> AsyncIterator[FastAPI]:
    """A real compliance-api app, in process, on this worker's compliance test database; what it
    writes is rolled back after the test (the risk guard's other side, XC-RSK-001)."""
    db = _db_registry.databases.get("compliance")
    if db is None:
        db = await migrated_database(
            "compliance",
            ROOT / "services/compliance-api/alembic.ini",
            f"compliance_test_{os.getpid()}",
        )
        _db_registry.databases["compliance"] = db
    engine = _db_registry.engines.get("compliance")
    if engine is None:
        engine = create_engine(db.runtime_url, application_name="pytest-compliance", pool_size=2)
        _db_registry.engines["compliance"] = engine
    async with engine.connect() as conn:
        trans = await conn.begin()
        sessions = async_sessionmaker(
            bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        app = create_compliance_app(
            ComplianceSettings(
                database_url=db.runtime_url, ENV="testing", dev_keys_dir=dev_keys_dir
            )
        )
        app.state.db = Database(engine, sessions)
        app.state.clock = clock
        try:
            yield app
        finally:
            await trans.rollback()


@pytest.fixture
async def compliance(compliance_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the in-process compliance-api (to record assessments as people do)."""
    transport = httpx.ASGITransport(app=compliance_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=COMPLIANCE_BASE) as c:
        yield c


@pytest.fixture
async def guarded(
    app: FastAPI, compliance_app: FastAPI, dev_keys_dir: Path
) -> AsyncIterator[FastAPI]:
    """assessment-api whose risk guard asks the in-process compliance-api with assessment's
    service token, as it does over the network."""
    client = ServiceClient(
        base_url=COMPLIANCE_BASE,
        audience="compliance-api",
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
        transport=httpx.ASGITransport(app=compliance_app, raise_app_exceptions=False),
    )
    app.state.risk_client = client
    yield app
    await client.aclose()


@pytest.fixture
async def intake_parts(
    _db_registry: Any, dev_keys_dir: Path, clock: FixedClock
) -> AsyncIterator[tuple[FastAPI, async_sessionmaker[AsyncSession]]]:
    """A real intake-api app in process on this worker's intake test database, and sessions in
    its (rolled-back) transaction to build the case there."""
    db = _db_registry.databases.get("intake")
    if db is None:
        db = await migrated_database(
            "intake", ROOT / "services/intake-api/alembic.ini", f"intake_test_{os.getpid()}"
        )
        _db_registry.databases["intake"] = db
    engine = _db_registry.engines.get("intake")
    if engine is None:
        engine = create_engine(db.runtime_url, application_name="pytest-intake", pool_size=2)
        _db_registry.engines["intake"] = engine
    async with engine.connect() as conn:
        trans = await conn.begin()
        sessions = async_sessionmaker(
            bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        app = create_intake_app(
            IntakeSettings(database_url=db.runtime_url, ENV="testing", dev_keys_dir=dev_keys_dir)
        )
        app.state.db = Database(engine, sessions)
        app.state.clock = clock
        try:
            yield app, sessions
        finally:
            await trans.rollback()


@pytest.fixture
async def with_intake(
    app: FastAPI,
    intake_parts: tuple[FastAPI, async_sessionmaker[AsyncSession]],
    dev_keys_dir: Path,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    intake_app, sessions = intake_parts
    client = ServiceClient(
        base_url=INTAKE_BASE,
        audience="intake-api",
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
        transport=httpx.ASGITransport(app=intake_app, raise_app_exceptions=False),
    )
    app.state.intake_client = client
    yield sessions
    await client.aclose()


@pytest.fixture
async def intake_stand_in(app: FastAPI, dev_keys_dir: Path) -> AsyncIterator[StandIn]:
    """assessment's intake client answering a case's parties from a stand-in (``StandIn``):
    for tests whose subject is not who the parties are (``with_intake`` runs the real app)."""
    stand_in = StandIn()
    client = ServiceClient(
        base_url=INTAKE_BASE,
        audience="intake-api",
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
        transport=httpx.MockTransport(stand_in.handle),
    )
    app.state.intake_client = client
    yield stand_in
    await client.aclose()
