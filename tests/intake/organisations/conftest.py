"""Builders for the organisation register tests."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.organisations import service
from intake_api.organisations.models import Organisation
from intake_api.organisations.schemas import OrganisationCreate, PvOptOutRecord
from shared.audit import AuditEntry
from shared.auth import Principal, Role

Headers = Callable[..., dict[str, str]]
Json = dict[str, Any]
CreateOrg = Callable[..., Awaitable[Json]]
MakeOrg = Callable[..., Awaitable[Organisation]]
BUILDER = Principal(sub="test-builder", roles=frozenset({Role.intake_caseworker.value}))


def _org_body(**overrides: Any) -> Json:
    body: Json = {
        "name": f"Exampleshire Hospitals {uuid.uuid4().hex[:8]}",
        "aliases": ["Exampleshire Hospitals", "EHFT"],
        "kind": "nhs_trust",
        "jurisdiction": "health",
        "principal_officer": {"title": "Chief Executive", "name": "Dr Alex Example"},
        "focal_point": {
            "team": "Patient Experience Team",
            "email": "patient.experience@exampleshire.example",
            "phone": "01632 960001",
        },
    }
    body.update(overrides)
    return body


@pytest.fixture
def org_body() -> Callable[..., Json]:
    """``org_body(**overrides)``: a valid create body (an NHS trust) with a unique name."""
    return _org_body


@pytest.fixture
def create_org(client: httpx.AsyncClient, auth_headers: Headers) -> CreateOrg:
    """``await create_org(**overrides)`` POSTs a body over HTTP and returns the created JSON."""

    async def _create(**overrides: Any) -> Json:
        r = await client.post(
            "/v1/organisations",
            json=_org_body(**overrides),
            headers=auth_headers("intake_caseworker"),
        )
        assert r.status_code == 201, r.text
        created: Json = r.json()
        return created

    return _create


@pytest.fixture
def make_org(session: AsyncSession) -> MakeOrg:
    """``await make_org(**overrides)`` adds an organisation through the service layer."""

    async def _make(*, pv_opt_out: bool = False, **overrides: Any) -> Organisation:
        org = await service.create_organisation(
            session, data=OrganisationCreate(**_org_body(**overrides)), actor=BUILDER
        )
        if pv_opt_out:
            org = await service.record_pv_opt_out(
                session,
                organisation_id=org.id,
                data=PvOptOutRecord(
                    agreed_date=date(2026, 10, 1),
                    document_reference="DOC-BUILDER",
                    reason="Written agreement on file",
                ),
                actor=BUILDER,
                at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
                today=date(2026, 11, 2),
                if_match=None,
            )
        await session.commit()
        return org

    return _make


async def _audit_rows(session: AsyncSession, organisation_id: str | uuid.UUID) -> list[AuditEntry]:
    """The organisation's audit rows, oldest first."""
    await session.flush()
    session.expunge_all()
    rows = await session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == "organisation",
            AuditEntry.entity_id == uuid.UUID(str(organisation_id)),
        )
        .order_by(AuditEntry.id)
    )
    return list(rows)


@pytest.fixture
def audit() -> Callable[[AsyncSession, str | uuid.UUID], Awaitable[list[AuditEntry]]]:
    """``await audit(session, organisation_id)``: its audit rows, oldest first."""
    return _audit_rows
