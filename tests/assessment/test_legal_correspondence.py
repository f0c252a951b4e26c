"""Legal-action wording in what a party tells assessment (XC-RSK-004, CMP-025, CMP-126): the
kit scans a returned DR consent form and a contact note as they are recorded, and assessment
announces the terms to compliance-api in the same transaction; compliance-api's handler opens the
Legal Team referral from assessment's event as from intake's."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.state import CaseStatus
from assessment_api.dr.models import DrCommunication
from assessment_api.early.models import EcContactAttempt
from shared.casework.communications import UnscannedCorrespondence
from shared.events.contracts.assessment import AssessmentLegalTermsFoundV1
from shared.events.registry import contract_for
from shared.outbox.models import OutboxEvent
from tests.assessment.cases.builders import CW, ORG, make_case

Headers = Callable[..., dict[str, str]]
TYPE = "assessment.correspondence.legal_terms_found"

pytestmark = pytest.mark.usefixtures("guarded", "intake_stand_in")


async def _announced(session: AsyncSession, case_id: uuid.UUID) -> list[OutboxEvent]:
    rows = await session.scalars(
        select(OutboxEvent).where(OutboxEvent.case_id == case_id, OutboxEvent.type == TYPE)
    )
    return list(rows)


async def _propose_dr(client: httpx.AsyncClient, h: dict[str, str], case_id: uuid.UUID) -> None:
    proposal = {
        "organisation_id": str(ORG),
        "dr_caseworker": "cw-dr-1", "complainant_willing": True, "organisation_willing": True,
    }  # fmt: skip
    r = await client.post(f"/v1/cases/{case_id}/dr", json=proposal, headers=h)
    assert r.status_code == 201, r.text


async def test_a_returned_form_with_legal_wording_is_announced__XC_RSK_004_CMP_025(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    h = auth_headers("caseworker", sub=CW)
    await _propose_dr(client, h, case.id)
    form = {"party": "complainant", "document": {"title": "Consent, and a Letter Before\nClaim"}}
    r = await client.post(f"/v1/cases/{case.id}/dr/consents", json=form, headers=h)
    assert r.status_code == 200, r.text

    [event] = await _announced(session, case.id)
    payload = AssessmentLegalTermsFoundV1.model_validate(event.payload)
    assert payload.terms == ["letter_before_claim"]
    assert (payload.medium, payload.direction, payload.communication_type) == (
        "letter", "inbound", "communication",
    )  # fmt: skip
    stored = await session.get(DrCommunication, payload.communication_id)
    assert stored is not None
    assert stored.legal_scan is not None
    assert stored.legal_scan["terms"] == ["letter_before_claim"]
    assert "Claim" not in str(event.payload)  # term keys and positions, never the text


async def test_a_form_without_legal_wording_is_scanned_and_not_announced__XC_RSK_004(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    h = auth_headers("caseworker", sub=CW)
    await _propose_dr(client, h, case.id)
    form = {"party": "organisation", "document": {"title": "Signed DR consent form"}}
    assert (
        await client.post(f"/v1/cases/{case.id}/dr/consents", json=form, headers=h)
    ).status_code == 200
    assert await _announced(session, case.id) == []
    inbound = (
        await session.scalars(
            select(DrCommunication).where(
                DrCommunication.case_id == case.id, DrCommunication.direction == "inbound"
            )
        )
    ).one()
    assert inbound.legal_scan is not None
    assert inbound.legal_scan == {
        "scanner": inbound.legal_scan["scanner"],
        "terms": [],
        "matches": [],
    }


async def test_a_contact_note_with_legal_wording_is_announced__XC_RSK_004_CMP_126(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.early_consideration)
    call = {
        "person_id": str(uuid.uuid4()), "channel": "telephone", "direction": "inbound",
        "attempted_at": "2026-11-02T09:00:00Z", "outcome": "reached",
        "notes": "Says they will seek a JUDICIAL review if we decline.",
    }  # fmt: skip
    r = await client.post(
        f"/v1/cases/{case.id}/early/contact-attempts",
        json=call,
        headers=auth_headers("caseworker", sub=CW),
    )
    assert r.status_code == 201, r.text
    [event] = await _announced(session, case.id)
    assert event.payload["terms"] == ["judicial_review"]
    assert event.payload["communication_type"] == "contact_attempt"
    assert event.payload["received_at"].startswith("2026-11-02T09:00:00")


async def test_an_unscanned_note_cannot_be_stored__XC_RSK_004(session: AsyncSession) -> None:
    """No assessment code path can bypass the scan: the kit refuses the row at flush."""
    case = await make_case(session, status=CaseStatus.early_consideration)
    session.add(
        EcContactAttempt(
            id=uuid.uuid4(),
            case_id=case.id,
            person_id=uuid.uuid4(),
            channel="telephone",
            direction="inbound",
            attempted_at=case.referred_at,
            outcome="reached",
            notes="A pre-action protocol letter follows.",
            recorded_by=CW,
        )
    )
    with pytest.raises(UnscannedCorrespondence):
        await session.flush()


def test_assessments_event_has_the_legal_terms_contract__XC_RSK_004() -> None:
    assert contract_for(TYPE, 1) is AssessmentLegalTermsFoundV1
