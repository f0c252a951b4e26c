"""Extra help for complainants who need it (¶1.40–1.41, INT-031; ASM-010).

Each act of help is recorded with the communication that carried it, and checked against what
the guidance says that help is:
- forwarding the complaint: an outbound communication to an organisation;
- advocacy details: sent to the complainant; the note names the service;
- help with an MP referral: the referral must be made to the MP in writing (a letter or email to
  an MP), unless the case is brought under the Victims and Prisoners Act;
- a complaint form completed for the complainant: sent to them to sign. Until the signed form
  comes back the complaint is not properly made (ASM-010), and its return is the written
  complaint (ASM-015).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import repository
from intake_api.cases.errors import (
    CaseNotFound,
    CommunicationNotFound,
    SignedFormAlreadyReturned,
    SupportEvidenceInvalid,
    SupportNotFound,
)
from intake_api.cases.models import (
    Case,
    CaseSupport,
    Communication,
    PartyRole,
    SupportKind,
)
from intake_api.cases.schemas_contacts import SignedFormReturned, SupportCreate, SupportRead
from intake_api.cases.service import CASE, get_case, undecide_properly_made
from intake_api.people import service as people
from shared.auth import Principal
from shared.casework.communications import WRITTEN_MEDIA
from shared.changes import Audited, load_for_update

SUPPORT: Audited[CaseSupport] = Audited(
    entity_type="case_support",
    snapshot=lambda support: SupportRead.model_validate(support).model_dump(mode="json"),
    case_id=lambda support: support.case_id,
)


async def _communication(
    session: AsyncSession, case: Case, communication_id: uuid.UUID | None
) -> Communication | None:
    if communication_id is None:
        return None
    comm = await session.get(Communication, communication_id)
    if comm is None or comm.case_id != case.id:
        raise CommunicationNotFound(f"No communication {communication_id} on case {case.id}")
    return comm


async def _complainants(session: AsyncSession, case: Case) -> set[uuid.UUID]:
    parties = await repository.parties(session, case.id)
    return {p.person_id for p in parties if p.role is PartyRole.complainant}


def _person_ids(comm: Communication) -> set[uuid.UUID]:
    return {uuid.UUID(str(r["person_id"])) for r in comm.recipients if r.get("person_id")}


async def _evidence_problem(
    session: AsyncSession, case: Case, kind: SupportKind, comm: Communication | None
) -> str | None:
    """Why ``comm`` does not show this help was given; None when it does."""
    if comm is None:
        return "Give the communication that carried this help (communication_id)"
    if comm.direction != "outbound":
        return "The help is something we sent: give an outbound communication"
    complainants = await _complainants(session, case)
    if kind is SupportKind.forwarded_to_organisation:
        if not any(r.get("organisation_id") for r in comm.recipients):
            return "Forwarding the complaint is a communication to the organisation"
    elif kind is SupportKind.advocacy_details:
        if not complainants & _person_ids(comm):
            return "Advocacy details go to the complainant"
    elif kind is SupportKind.mp_referral_assistance:
        found = await people.people_by_id(session, person_ids=_person_ids(comm))
        if not any(person.mp_constituency for person in found.values()):
            return "Help with an MP referral is a communication to an MP"
        if comm.medium not in WRITTEN_MEDIA and not case.vpa_no_mp_referral:
            return (
                "INT-031: the referral to the MP must be in writing (a letter or email), unless "
                "the case is under the Victims and Prisoners Act"
            )
    elif kind is SupportKind.complaint_form_completed_for_complainant:
        if comm.medium not in WRITTEN_MEDIA or not complainants & _person_ids(comm):
            return "The completed form is sent to the complainant, by letter or email, to sign"
    return None


async def provide_support(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: SupportCreate,
    actor: Principal,
    at: datetime,
) -> CaseSupport:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    comm = await _communication(session, case, data.communication_id)
    if (problem := await _evidence_problem(session, case, data.kind, comm)) is not None:
        raise SupportEvidenceInvalid(
            problem,
            extensions={
                "missing": [{"requirement": "INT-031", "item": data.kind.value, "detail": problem}]
            },
        )
    support = CaseSupport(
        id=uuid.uuid4(), case_id=case.id, kind=data.kind, note=data.note,
        communication_id=data.communication_id, provided_at=at, provided_by=actor.sub,
    )  # fmt: skip
    session.add(support)
    await SUPPORT.created(
        session, support, actor=actor, action="case.support_provided", reason=data.note
    )
    if data.kind is SupportKind.complaint_form_completed_for_complainant:
        # ASM-010: not properly made until the complainant signs and returns the form.
        reason = "ASM-010: a complaint form completed for the complainant awaits their signature"
        async with CASE.change(session, case, actor=actor, action="case.updated", reason=reason):
            case.complaint_form_awaiting_confirmation = True
            undecide_properly_made(case)  # the decision waits for the signed form
    return support


async def signed_form_returned(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    support_id: uuid.UUID,
    data: SignedFormReturned,
    actor: Principal,
) -> CaseSupport:
    """The complainant signed and returned the form: in writing, and no longer awaited."""
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    support = await session.get(CaseSupport, support_id, with_for_update=True)
    if (
        support is None
        or support.case_id != case.id
        or support.kind is not SupportKind.complaint_form_completed_for_complainant
    ):
        raise SupportNotFound(f"No completed complaint form {support_id} on case {case_id}")
    if support.signed_form_returned_at is not None:
        raise SignedFormAlreadyReturned(
            f"Returned at {support.signed_form_returned_at.isoformat()}"
        )
    comm = await _communication(session, case, data.communication_id)
    assert comm is not None  # the schema requires the id
    complainants = await _complainants(session, case)
    if (
        comm.direction != "inbound"
        or comm.medium not in WRITTEN_MEDIA
        or comm.from_person_id not in complainants
    ):
        raise SupportEvidenceInvalid(
            "The signed form comes back from the complainant by letter or email (inbound)"
        )
    async with SUPPORT.change(
        session, support, actor=actor, action="case.signed_form_returned", reason=data.reason
    ):
        support.signed_form_returned_at = comm.occurred_at
        support.signed_form_communication_id = comm.id
        support.signed_form_recorded_by = actor.sub
    reason = "ASM-010: the signed complaint form came back"
    async with CASE.change(session, case, actor=actor, action="case.updated", reason=reason):
        if not await repository.forms_awaiting_signature(session, case.id):
            case.complaint_form_awaiting_confirmation = False
        case.written_complaint_received = True
    return support


async def list_support(session: AsyncSession, *, case_id: uuid.UUID) -> list[SupportRead]:
    await get_case(session, case_id=case_id)
    return [SupportRead.model_validate(x) for x in await repository.support(session, case_id)]
