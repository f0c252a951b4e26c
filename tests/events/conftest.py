"""Event backbone tests: intake-api produces, assessment-api consumes.

The rolled-back fixtures of the plugin serve emit/inbox tests (service_spec = intake or
assessment as each test needs). Relay tests commit for real, so they use their own scratch
databases, migrated with the same Alembic trees.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.config import AssessmentSettings
from assessment_api.main import create_app as create_assessment_app
from intake_api.config import IntakeSettings
from intake_api.main import create_app as create_intake_app
from shared.db import Database, create_engine
from shared.events.contracts.intake import CaseReferredV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import EventHandlers
from shared.outbox.emit import emit
from shared.testing.plugin import ServiceSpec, migrated_database, server_url

ROOT = Path(__file__).resolve().parents[2]
INTAKE_INI = ROOT / "services/intake-api/alembic.ini"
ASSESSMENT_INI = ROOT / "services/assessment-api/alembic.ini"

INTAKE_SPEC = ServiceSpec("intake", INTAKE_INI, IntakeSettings, create_intake_app)
ASSESSMENT_SPEC = ServiceSpec(
    "assessment", ASSESSMENT_INI, AssessmentSettings, create_assessment_app
)


@pytest.fixture
def service_spec() -> ServiceSpec:
    return ASSESSMENT_SPEC


def referred(reference: str = "CAS-0000001", **overrides: object) -> CaseReferredV1:
    data: dict[str, object] = {
        "reference": reference,
        "case_type": "complaint",
        "jurisdiction": "health",
        "route": "awaiting_allocation",
        "triage_category": "general",
        "priority": "standard",
        "organisation_ids": [str(uuid.uuid4())],
        "received_date": date(2026, 11, 2),
    }
    data.update(overrides)
    return CaseReferredV1.model_validate(data)


@dataclass
class ScratchDb:
    url: str
    engine: AsyncEngine

    @property
    def database(self) -> Database:
        return Database.from_engine(self.engine)


async def make_scratch(name: str, spec: ServiceSpec) -> ScratchDb:
    """A freshly migrated database of ``spec``'s service, used as its runtime role."""
    url = (await migrated_database(spec.name, spec.alembic_ini, name)).runtime_url
    return ScratchDb(url, create_engine(url, application_name=f"pytest-{name}", pool_size=10))


async def drop_scratch(db: ScratchDb) -> None:
    await db.engine.dispose()
    name = db.url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = create_engine(
        server_url(), application_name="pytest-admin", isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(scope="module")
async def producer_db() -> AsyncIterator[ScratchDb]:
    db = await make_scratch(f"relay_producer_test_{os.getpid()}", INTAKE_SPEC)
    yield db
    await drop_scratch(db)


@pytest.fixture(scope="module")
async def consumer_db() -> AsyncIterator[ScratchDb]:
    db = await make_scratch(f"relay_consumer_test_{os.getpid()}", ASSESSMENT_SPEC)
    yield db
    await drop_scratch(db)


Produce = Callable[..., Awaitable[list[uuid.UUID]]]


@pytest.fixture
def produce(producer_db: ScratchDb) -> Produce:
    """Commit one referral event per (case, reference) pair; returns the event ids."""

    async def _produce(items: list[tuple[uuid.UUID, str]]) -> list[uuid.UUID]:
        ids: list[uuid.UUID] = []
        async with producer_db.database.sessionmaker() as session, session.begin():
            for case_id, reference in items:
                env = await emit(session, referred(reference), case_id=case_id, actor="test")
                ids.append(env.id)
        return ids

    return _produce


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, within: float = 20.0, interval: float = 0.05
) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        if await check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


async def scalar(engine: AsyncEngine, sql: str, **params: object) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


def poison_aware_handlers() -> EventHandlers:
    """assessment-api's real handler, except that it fails on references starting "P-"."""
    handlers = EventHandlers()

    @handlers.on(CaseReferredV1, name="allocations.queue_referred_case")
    async def on_referred(
        session: AsyncSession, envelope: EventEnvelope, payload: CaseReferredV1
    ) -> None:
        if payload.reference.startswith("P-"):
            raise RuntimeError("this referral cannot be queued")
        await allocations.queue_referred_case(session, envelope=envelope, payload=payload)

    return handlers
