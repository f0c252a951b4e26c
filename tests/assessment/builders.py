"""Staff records built in the database, so HTTP is only for the behaviour under test."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.staff.models import StaffConflict, StaffRecord, StaffSource
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.risk_rating import CurrentRiskRating, RiskRatings

ORG = uuid.UUID("7a1b2c3d-3333-4c8e-9d61-0f4f4d0c9a11")


async def make_staff(
    session: AsyncSession,
    staff_id: str | None = None,
    *,
    grade: str = "caseworker",
    team: str | None = "general-1",
    roles: list[str] | None = None,
    posts: list[str] | None = None,
    available: bool = True,
    active: bool = True,
    conflicts: tuple[tuple[uuid.UUID | None, uuid.UUID | None], ...] = (),
) -> StaffRecord:
    """A member of staff; ``conflicts`` are (organisation_id, case_id) pairs, one of each None."""
    record = StaffRecord(
        id=uuid.uuid4(),
        staff_id=staff_id or f"staff-{uuid.uuid4().hex[:8]}",
        display_name="Test Person",
        grade=grade,
        roles=roles if roles is not None else [grade],
        team=team,
        specialisms=[],
        posts=posts or [],
        available=available,
        active=active,
        source=StaffSource.admin,
        synced_at=None,
        conflicts=[
            StaffConflict(
                id=uuid.uuid4(),
                organisation_id=org,
                case_id=case,
                declared_on=date(2026, 10, 1),
                note="",
                declared_by="admin-1",
            )
            for org, case in conflicts
        ],
    )
    session.add(record)
    await session.flush()
    return record


@dataclass
class Compliance:
    """The ratings compliance-api would answer, by case; ``asked`` counts the queries."""

    ratings: dict[uuid.UUID, str] = field(default_factory=dict)
    asked: list[uuid.UUID] = field(default_factory=list)


def standin(compliance: Compliance) -> FastAPI:
    standin = FastAPI()

    @standin.get("/internal/risk/cases/{case_id}/rating")
    async def rating(case_id: uuid.UUID) -> JSONResponse:
        compliance.asked.append(case_id)
        body = CurrentRiskRating(case_id=case_id, rating=compliance.ratings.get(case_id))
        return JSONResponse(body.model_dump(mode="json"))

    return standin


def _ratings(app: FastAPI, base_url: str, transport: httpx.AsyncBaseTransport | None) -> None:
    tokens = DevServiceTokenProvider(
        keys_dir=app.state.settings.dev_keys_dir,
        issuer=app.state.settings.jwt_issuer,
        subject="assessment-api",
    )
    client = ServiceClient(
        base_url=base_url, audience="compliance-api", tokens=tokens, transport=transport,
        attempts=1,
    )  # fmt: skip
    app.state.risk_ratings = RiskRatings(client)


def use_ratings(app: FastAPI, *, down: bool = False) -> Compliance:
    """Point the app's rating reader at a stand-in compliance-api answering the shared contract
    (or, ``down``, at a port nothing listens on); the returned ratings are what it answers."""
    state = Compliance()
    tokens = DevServiceTokenProvider(
        keys_dir=app.state.settings.dev_keys_dir,
        issuer=app.state.settings.jwt_issuer,
        subject="assessment-api",
    )
    client = ServiceClient(
        base_url="http://127.0.0.1:9" if down else "http://compliance",
        audience="compliance-api",
        tokens=tokens,
        transport=None if down else httpx.ASGITransport(app=standin(state)),
        attempts=1,
    )
    app.state.risk_ratings = RiskRatings(client)
    return state


async def make_entry(
    session: AsyncSession,
    *,
    category: str = "general",
    priority: str = "standard",
    received: date = date(2026, 10, 1),
    terminal: bool = False,
    mp_referred: bool = False,
    risk_assessment_required: bool = False,
    organisation_ids: list[uuid.UUID] | None = None,
    allocated_to: str | None = None,
) -> QueueEntry:
    """A queue entry and its case: awaiting allocation, or (``allocated_to``) in further
    consideration held by that caseworker, as allocation leaves them (ASM-085, T24)."""
    orgs = organisation_ids if organisation_ids is not None else [ORG]
    referred_at = datetime(2026, 10, 2, tzinfo=UTC)
    case = Case(
        id=uuid.uuid4(), reference=f"C-{uuid.uuid4().hex[:6]}", case_type="complaint",
        jurisdiction="health", route="awaiting_allocation", triage_category=category,
        priority=priority, risk_assessment_required=risk_assessment_required,
        mp_referred=mp_referred, organisation_ids=orgs, received_date=received,
        referred_at=referred_at, source_event_id=uuid.uuid4(),
        status=CaseStatus.further_consideration if allocated_to else CaseStatus.awaiting_allocation,
        status_changed_at=referred_at, owner=allocated_to, team=None, version=1,
    )  # fmt: skip
    session.add(case)
    entry = QueueEntry(
        id=uuid.uuid4(), case_id=case.id, source_event_id=case.source_event_id,
        reference=case.reference, case_type="complaint", jurisdiction="health",
        route="awaiting_allocation", triage_category=category, priority=priority,
        priority_rank=0 if priority == "high" else 1,
        organisation_ids=orgs, received_date=received, referred_at=referred_at,
        status="allocated" if allocated_to else "queued",
        terminal_illness=terminal, terminal_rank=0 if terminal else 1,
        risk_assessment_required=risk_assessment_required, mp_referred=mp_referred,
        allocated_to=allocated_to, allocated_team=None,
        allocated_at=datetime(2026, 10, 5, tzinfo=UTC) if allocated_to else None,
    )  # fmt: skip
    session.add(entry)
    await session.flush()
    return entry
