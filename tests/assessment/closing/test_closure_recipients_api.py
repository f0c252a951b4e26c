"""``GET /v1/cases/{id}/closure-recipients`` (ASM-173, ASM-174, ASM-055, ¶3.117): assessment
reads the case's parties from a real intake-api in process, with its service token, and answers
who the closing decision goes to; 503 with Retry-After when intake cannot say, never a guess."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from intake_api.cases.models import Case as IntakeCase
from intake_api.cases.models import Jurisdiction, PartyRole
from intake_api.config import IntakeSettings
from intake_api.main import create_app as create_intake_app
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.clock import FixedClock
from shared.config import DEV_ISSUER
from shared.db import Database, create_engine
from shared.errors import PROBLEM_TYPE_BASE
from shared.testing.plugin import migrated_database
from tests.assessment.cases.builders import ORG, make_case
from tests.intake.builders import make_case as make_intake_case
from tests.intake.builders import make_person

ROOT = Path(__file__).resolve().parents[3]
INTAKE_BASE = "http://intake.test"
Headers = Callable[..., dict[str, str]]


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


async def intake_case(
    sessions: async_sessionmaker[AsyncSession], jurisdiction: Jurisdiction
) -> tuple[IntakeCase, dict[str, uuid.UUID]]:
    """A case at intake with a complainant, a separate aggrieved, a representative without
    recorded authority and a referring MP (fake people)."""
    async with sessions() as s:
        complainant = await make_person(s, given_name="Casey")
        aggrieved = await make_person(s, given_name="Aggie")
        rep = await make_person(s, given_name="Robin")
        mp = await make_person(s, given_name="Morgan", mp_constituency="Testshire North")
        case = await make_intake_case(
            s,
            jurisdiction=jurisdiction,
            parties=[
                (complainant, PartyRole.complainant), (aggrieved, PartyRole.aggrieved),
                (rep, PartyRole.representative_person), (mp, PartyRole.mp_referring),
            ],
        )  # fmt: skip
        await s.commit()
    ids = {"complainant": complainant.id, "aggrieved": aggrieved.id, "rep": rep.id, "mp": mp.id}
    return case, ids


async def test_the_recipients_of_a_decline_read_from_intakes_parties__ASM_173_ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    icase, people = await intake_case(with_intake, Jurisdiction.health)
    await make_case(session, case_id=icase.id)
    r = await client.get(
        f"/v1/cases/{icase.id}/closure-recipients",
        params={
            "kind": "resolution",
            "decision_by_telephone": "true",
            "organisation_contacted": str(ORG),
        },
        headers=auth_headers("caseworker"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    got = [
        (o["person_id"] or o["organisation_id"], o["role"], o["form"], o["in_writing"])
        for o in body["owed"]
    ]
    assert got == [
        (str(people["complainant"]), "complainant", "decision letter", False),
        (str(people["mp"]), "mp (referring)", "copy under a brief covering letter", True),
        (str(ORG), "organisation", "told of the decision", True),
    ]
    # The representative has no recorded authority (ASM-174 ¶3.112); the aggrieved's copy is
    # still to be decided (¶3.111).
    assert [p["requirement"] for p in body["problems"]] == ["ASM-174"]
    assert body["complete"] is False


async def test_an_organisation_the_case_is_not_about_is_refused(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    case = await make_case(session)
    r = await client.get(
        f"/v1/cases/{case.id}/closure-recipients",
        params={"kind": "decision_not_to_investigate", "organisation_contacted": str(uuid.uuid4())},
        headers=auth_headers("caseworker"),
    )
    assert r.status_code == 422, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "organisation-not-on-case"


async def test_intake_down_is_a_503_never_a_guess(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession,
    dev_keys_dir: Path,
) -> None:  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once closed
    down = ServiceClient(
        base_url=f"http://127.0.0.1:{port}", audience="intake-api", attempts=1,
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
    )  # fmt: skip
    app.state.intake_client = down
    case = await make_case(session)
    try:
        r = await client.get(
            f"/v1/cases/{case.id}/closure-recipients",
            params={"kind": "withdrawn"},
            headers=auth_headers("caseworker"),
        )
    finally:
        await down.aclose()
    assert r.status_code == 503, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "intake-unavailable"
    assert r.headers["retry-after"] == "5"


async def test_unknown_case_is_404(
    client: httpx.AsyncClient, auth_headers: Headers, with_intake: Any
) -> None:
    r = await client.get(
        f"/v1/cases/{uuid.uuid4()}/closure-recipients",
        params={"kind": "withdrawn"},
        headers=auth_headers("caseworker"),
    )
    assert r.status_code == 404, r.text
