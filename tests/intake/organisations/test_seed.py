"""The fictional organisation seed: ``python -m intake_api.seed`` (loaded by ``make run``)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api import seed
from intake_api.organisations.models import Organisation, OrganisationKind
from intake_api.organisations.schemas import OrganisationRead
from intake_api.organisations.service import check_register_rules
from shared.audit import AuditEntry
from shared.db import create_engine
from shared.testing.plugin import migrated_database, server_url

Headers = Callable[..., dict[str, str]]
Audit = Callable[[AsyncSession, str | uuid.UUID], Awaitable[list[AuditEntry]]]
ROOT = Path(__file__).resolve().parents[3]
ROWS = seed.read_seed()
SEED_IDS = [row.id for row in ROWS]


async def _snapshot(session: AsyncSession) -> dict[uuid.UUID, dict[str, Any]]:
    await session.flush()
    session.expunge_all()
    orgs = await session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(SEED_IDS))
        .execution_options(populate_existing=True)
    )
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for org in orgs:
        await session.refresh(org, ["pv_opt_out"])
        out[org.id] = OrganisationRead.from_model(org).model_dump(mode="json")
    return out


async def _seeded_audits(session: AsyncSession) -> int:
    n = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "organisation.seeded", AuditEntry.entity_id.in_(SEED_IDS))
    )
    return int(n or 0)


def test_seed_is_small_fictional_and_covers_every_kind() -> None:
    assert 8 <= len(ROWS) <= 15
    assert len(set(SEED_IDS)) == len(ROWS)
    assert all(str(i).startswith("5eed0000-") for i in SEED_IDS)
    assert {row.kind for row in ROWS} == set(OrganisationKind)
    names = {row.name for row in ROWS}
    assert {
        "Exampleshire Hospitals NHS Foundation Trust",
        "Department for Fictional Affairs",
        "Sample Valley GP Practice",
        "Imaginary Integrated Care Board",
        "Example Independent Complaints Examiner",
        "Nowhere Borough Council",
    } <= names
    gp = next(r for r in ROWS if r.name == "Sample Valley GP Practice")
    assert gp.contract_type == "GMS/GDS"
    for row in ROWS:
        check_register_rules(
            kind=row.kind, jurisdiction=row.jurisdiction, contract_type=row.contract_type
        )
        # Contact details only in reserved ranges: RFC 2606 `.example`, Ofcom's drama numbers.
        if row.focal_point and row.focal_point.email:
            assert row.focal_point.email.endswith(".example")
        if row.focal_point and row.focal_point.phone:
            assert row.focal_point.phone.startswith("01632 960")


async def test_loading_twice_gives_the_same_rows_and_audits_each_once(
    session: AsyncSession,
) -> None:
    first = await seed.load_seed(session)
    after_first = await _snapshot(session)
    second = await seed.load_seed(session)
    after_second = await _snapshot(session)

    assert sorted(first) == sorted(SEED_IDS)
    assert second == []
    assert after_first == after_second
    assert set(after_first) == set(SEED_IDS)
    assert await _seeded_audits(session) == len(ROWS)
    council = after_first[uuid.UUID("5eed0000-0000-4000-8000-000000000011")]
    assert (council["name"], council["in_jurisdiction"]) == ("Nowhere Borough Council", False)


async def test_an_edited_seed_row_is_not_overwritten_by_a_rerun(
    session: AsyncSession, client: httpx.AsyncClient, auth_headers: Headers, audit: Audit
) -> None:
    await seed.load_seed(session)
    trust_id = SEED_IDS[0]
    r = await client.patch(
        f"/v1/organisations/{trust_id}",
        json={"principal_officer": {"title": "Interim Chief Executive", "name": "Pat Example"}},
        headers={**auth_headers("operations_manager"), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text

    assert await seed.load_seed(session) == []

    g = await client.get(f"/v1/organisations/{trust_id}", headers=auth_headers("caseworker"))
    assert g.headers["etag"] == '"2"'
    assert g.json()["principal_officer"] == {
        "title": "Interim Chief Executive",
        "name": "Pat Example",
    }
    actions = [a.action for a in await audit(session, trust_id)]
    assert actions == ["organisation.seeded", "organisation.updated"]


async def test_seeded_rows_are_searchable_by_alias(
    session: AsyncSession, client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    await seed.load_seed(session)
    r = await client.get(
        "/v1/organisations", params={"q": "ehft"}, headers=auth_headers("intake_caseworker")
    )
    assert [o["name"] for o in r.json()["items"]] == ["Exampleshire Hospitals NHS Foundation Trust"]


# ---------------------------------------------------------------------------------------------
# The command itself, on a scratch database that really commits
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def scratch_url() -> AsyncIterator[str]:
    name = f"intake_seed_test_{os.getpid()}"
    # The command runs as the service's runtime role, as in `make run`.
    db = await migrated_database("intake", ROOT / "services/intake-api/alembic.ini", name)
    url = db.runtime_url
    try:
        yield url
    finally:
        admin = create_engine(
            server_url(), application_name="pytest-admin", isolation_level="AUTOCOMMIT"
        )
        try:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            await admin.dispose()


def _run_seed(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ENV": "testing", "INTAKE_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "intake_api.seed"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_the_command_loads_once_and_reports_what_it_did(scratch_url: str) -> None:
    first = _run_seed(scratch_url)
    second = _run_seed(scratch_url)

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"Organisation seed: {len(ROWS)} inserted, 0 already present"
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"Organisation seed: 0 inserted, {len(ROWS)} already present"
    engine = create_engine(scratch_url, application_name="pytest-seed", pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = await conn.scalar(text("SELECT count(*) FROM organisation"))
            audits = await conn.scalar(
                text("SELECT count(*) FROM audit_entry WHERE action = 'organisation.seeded'")
            )
    finally:
        await engine.dispose()
    assert rows == audits == len(ROWS)


def test_the_command_refuses_to_seed_outside_development_or_testing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Settings valid for production; the database is unreachable, so nothing could be written.
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv("INTAKE_DATABASE_URL", "postgresql://intake:Zq7-not-real@127.0.0.1:1/x")
    monkeypatch.setenv("INTAKE_JWT_JWKS_URL", "https://login.example/keys")
    monkeypatch.setenv("INTAKE_SERVICE_TOKEN_URL", "https://login.example/token")
    monkeypatch.setenv("INTAKE_SERVICE_CLIENT_ID", "intake-api")
    monkeypatch.setenv("INTAKE_SERVICE_CLIENT_SECRET", "Zq7-not-a-real-secret")
    with pytest.raises(SystemExit, match="Refusing to load the fictional seed with ENV=production"):
        seed.main()
