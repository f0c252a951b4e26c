from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.organisations import repository
from intake_api.organisations.errors import (
    ContractTypeNotAllowed,
    KindJurisdictionMismatch,
    OrganisationNotFound,
    PvOptOutAlreadyInForce,
    PvOptOutDateInFuture,
    PvOptOutNotInForce,
)
from intake_api.organisations.models import (
    KIND_JURISDICTIONS,
    ContractType,
    Organisation,
    OrganisationJurisdiction,
    OrganisationKind,
    PvOptOut,
)
from intake_api.organisations.schemas import (
    FocalPoint,
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    OrganisationSeed,
    OrganisationUpdate,
    PrincipalOfficer,
    PvOptOutRecord,
    PvOptOutWithdrawal,
)
from intake_api.organisations.state import INITIAL_STATUS, PvOptOutStatus, transition
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.pagination import Keyset, key_str, key_uuid, paginate

ORGANISATION = Audited[Organisation](
    entity_type="organisation",
    snapshot=lambda org: OrganisationRead.from_model(org).model_dump(mode="json"),
)
REGISTER = Keyset("organisations", (key_str, key_uuid))


def check_register_rules(
    *,
    kind: OrganisationKind,
    jurisdiction: OrganisationJurisdiction | None,
    contract_type: ContractType | None,
) -> None:
    """Refuse a register entry whose jurisdiction or contract type contradicts its kind."""
    allowed = KIND_JURISDICTIONS[kind]
    if jurisdiction not in allowed:
        expected = sorted("null" if j is None else j.value for j in allowed)
        given = "null" if jurisdiction is None else jurisdiction.value
        raise KindJurisdictionMismatch(
            f"A {kind.value} body has jurisdiction {' or '.join(expected)}, not {given}",
            extensions={"kind": kind.value, "allowed_jurisdictions": expected},
        )
    # ¶3.79: only family health service providers hold a GMS/GDS or PMS/PDS contract.
    if contract_type is not None and kind is not OrganisationKind.family_health_service_provider:
        raise ContractTypeNotAllowed(
            f"A {kind.value} body has no NHS contract type; send contract_type null",
            extensions={"kind": kind.value},
        )


def _officer_columns(officer: PrincipalOfficer | None) -> dict[str, str | None]:
    return {
        "principal_officer_title": officer.title if officer else None,
        "principal_officer_name": officer.name if officer else None,
    }


def _focal_columns(focal: FocalPoint | None) -> dict[str, str | None]:
    return {
        "focal_point_team": focal.team if focal else None,
        "focal_point_email": focal.email if focal else None,
        "focal_point_phone": focal.phone if focal else None,
    }


def _columns(data: OrganisationCreate) -> dict[str, Any]:
    return {
        "name": data.name,
        "aliases": list(data.aliases),
        "active": data.active,
        "jurisdiction": data.jurisdiction,
        "kind": data.kind,
        "contract_type": data.contract_type,
        **_officer_columns(data.principal_officer),
        **_focal_columns(data.focal_point),
    }


async def find_organisation(
    session: AsyncSession, *, organisation_id: uuid.UUID
) -> Organisation | None:
    """The organisation with its agreement in force, or None (for other domains: cases)."""
    return await repository.get(session, organisation_id)


async def get_organisation(session: AsyncSession, *, organisation_id: uuid.UUID) -> Organisation:
    org = await find_organisation(session, organisation_id=organisation_id)
    if org is None:
        raise OrganisationNotFound(f"No organisation with id {organisation_id}")
    return org


async def _locked(
    session: AsyncSession, organisation_id: uuid.UUID, *, if_match: str | None, required: bool
) -> Organisation:
    """The organisation locked until commit, after its If-Match check, with its agreement in force.

    The lock serialises every write to one organisation, its agreements included. The agreement
    (``lazy="raise"``) is loaded once the row is ours; ``Audited.change`` reloads it with the row.
    """
    await load_for_update(
        session,
        Organisation,
        organisation_id,
        if_match=if_match,
        missing=OrganisationNotFound,
        required=required,
    )
    return await get_organisation(session, organisation_id=organisation_id)


def _touch(org: Organisation) -> None:
    """Bump the organisation's version (its ETag) when only an agreement of it changes."""
    org.updated_at = func.now()


async def create_organisation(
    session: AsyncSession, *, data: OrganisationCreate, actor: Principal
) -> Organisation:
    """Add a body to the register."""
    check_register_rules(
        kind=data.kind, jurisdiction=data.jurisdiction, contract_type=data.contract_type
    )
    org = Organisation(id=uuid.uuid4(), created_by=actor.sub, **_columns(data))
    await repository.add(session, org)
    org = await get_organisation(session, organisation_id=org.id)
    await ORGANISATION.record(
        session,
        org,
        actor=actor,
        action="organisation.created",
        before=None,
        reason="Added to the register",
    )
    return org


async def list_organisations(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    jurisdiction: OrganisationJurisdiction | None = None,
    kind: OrganisationKind | None = None,
    in_jurisdiction: bool | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> OrganisationPage:
    """A page of the register ordered by name then id; ``q`` matches names and aliases."""
    return await paginate(
        lambda after, n: repository.list_page(
            session,
            limit=n,
            after=after,
            jurisdiction=jurisdiction,
            kind=kind,
            in_jurisdiction=in_jurisdiction,
            active=active,
            q=q,
        ),
        keyset=REGISTER,
        cursor=cursor,
        limit=limit,
        key=lambda org: (org.name, org.id),
        item=OrganisationRead.from_model,
        page=OrganisationPage,
    )


async def update_organisation(
    session: AsyncSession,
    *,
    organisation_id: uuid.UUID,
    changes: OrganisationUpdate,
    actor: Principal,
    if_match: str | None,
) -> Organisation:
    """Change the fields sent; the kind, jurisdiction and contract type are re-checked together."""
    org = await _locked(session, organisation_id, if_match=if_match, required=True)
    sent = changes.model_fields_set
    values: dict[str, Any] = {}
    for field in ("name", "aliases", "active", "kind", "jurisdiction", "contract_type"):
        if field in sent:
            values[field] = getattr(changes, field)
    if "principal_officer" in sent:
        values.update(_officer_columns(changes.principal_officer))
    if "focal_point" in sent:
        values.update(_focal_columns(changes.focal_point))
    check_register_rules(
        kind=values.get("kind", org.kind),
        jurisdiction=values.get("jurisdiction", org.jurisdiction),
        contract_type=values.get("contract_type", org.contract_type),
    )
    values = {k: v for k, v in values.items() if getattr(org, k) != v}
    if not values:
        return org
    async with ORGANISATION.change(
        session,
        org,
        actor=actor,
        action="organisation.updated",
        reason=f"Register entry updated: {', '.join(sorted(values))}",
    ):
        for key, value in values.items():
            setattr(org, key, value)
    return org


async def record_pv_opt_out(
    session: AsyncSession,
    *,
    organisation_id: uuid.UUID,
    data: PvOptOutRecord,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> Organisation:
    """¶3.81, ¶8.42 (B.2 ``pvOptOut``): record the written agreement not to receive not-upheld PVs.

    The row lock on the organisation serialises two attempts; the partial unique index
    ``uq_organisation_pv_opt_out_in_force`` backs that up in the database.
    """
    org = await _locked(session, organisation_id, if_match=if_match, required=False)
    if data.agreed_date > today:
        raise PvOptOutDateInFuture(f"agreed_date {data.agreed_date} is after today ({today})")
    current = org.pv_opt_out
    if current is not None:
        raise PvOptOutAlreadyInForce(
            "Withdraw the agreement in force before recording a new one",
            extensions={"pv_opt_out_id": str(current.id)},
        )
    async with ORGANISATION.change(
        session, org, actor=actor, action="organisation.pv_opt_out_recorded", reason=data.reason
    ):
        agreement = PvOptOut(
            id=uuid.uuid4(),
            organisation_id=org.id,
            status=INITIAL_STATUS,
            agreed_date=data.agreed_date,
            document_reference=data.document_reference,
            reason=data.reason,
            recorded_by=actor.sub,
            recorded_at=at,
        )
        await repository.add_pv_opt_out(session, agreement)
        _touch(org)
    return org


async def withdraw_pv_opt_out(
    session: AsyncSession,
    *,
    organisation_id: uuid.UUID,
    data: PvOptOutWithdrawal,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Organisation:
    """Withdraw the agreement in force: not-upheld provisional views go to the body again."""
    org = await _locked(session, organisation_id, if_match=if_match, required=False)
    agreement = org.pv_opt_out
    if agreement is None:
        raise PvOptOutNotInForce("There is no agreement in force to withdraw")
    async with ORGANISATION.change(
        session, org, actor=actor, action="organisation.pv_opt_out_withdrawn", reason=data.reason
    ):
        transition(agreement, PvOptOutStatus.withdrawn, at=at, by=actor.sub, reason=data.reason)
        _touch(org)
    return org


async def seed_organisations(
    session: AsyncSession, *, rows: Sequence[OrganisationSeed], actor: Principal, reason: str
) -> list[uuid.UUID]:
    """Insert each seed row whose id is missing; a row already there is never overwritten.

    Returns the ids inserted. Safe to run again, and by two loaders at once (``ON CONFLICT DO
    NOTHING`` on the primary key).
    """
    inserted: list[uuid.UUID] = []
    for row in rows:
        check_register_rules(
            kind=row.kind, jurisdiction=row.jurisdiction, contract_type=row.contract_type
        )
        values = {"id": row.id, "created_by": actor.sub, "version": 1, **_columns(row)}
        if not await repository.insert_if_missing(session, values):
            continue
        org = await get_organisation(session, organisation_id=row.id)
        await ORGANISATION.record(
            session, org, actor=actor, action="organisation.seeded", before=None, reason=reason
        )
        inserted.append(org.id)
    return inserted
