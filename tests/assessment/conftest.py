import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker

from assessment_api.config import AssessmentSettings
from assessment_api.main import create_app
from compliance_api.config import ComplianceSettings
from compliance_api.main import create_app as create_compliance_app
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.db import Database, create_engine
from shared.testing.plugin import ServiceSpec, migrated_database

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
