"""Use cases of Dispute Resolution (¶2.115–2.131; ASM-061…065; §B.3 T15, T26–T30).

Every move of the case goes through ``cases.state.transition``; the agreement that closes the
case (T29) is a decision not to investigate (ASM-069) and so goes through the risk guard first
(XC-RSK-001), like the other guarded closures. Letters are the casework kit's communications,
addressed by id (the addresses are intake's, DESIGN §1). The Resolution Agreement letter goes to
both parties (¶2.127); as a decision not to investigate (¶2.140's reasoning: our legislation
knows no other way to close without investigating) it is also copied, always in writing, to the
MPs and authorised representatives intake names when the agreement is recorded (ASM-173,
ASM-174, ``closing.issue_list``), and a separate aggrieved's copy is decided case by case.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.allocations import service as allocations
from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.service import (
    CASE,
    Case,
    CaseStatus,
    get_case,
    scan_and_announce_communication,
)
from assessment_api.cases.state import CaseTransitionNotAllowed, check_allowed, transition
from assessment_api.closing import service as closing
from assessment_api.dr import repository
from assessment_api.dr.errors import (
    DrConferenceInvalid,
    DrConsentAlreadyReturned,
    DrConsentOutstanding,
    DrNoComplainant,
    DrOrganisationNotOnCase,
    DrPartyUnwilling,
    DrProcessNotFound,
    DrProcessOpen,
)
from assessment_api.dr.models import (
    DrCommunication,
    DrConference,
    DrLetterKind,
    DrProcess,
    MediatedComponent,
)
from assessment_api.dr.rules import (
    DR_RESOLUTION_AGREEMENT,
    PROPOSABLE_FROM,
    DrParty,
    conference_problems,
    consents_outstanding,
    review_eligible,
    status_after_conference,
    status_on_withdrawal,
    unwilling_parties,
)
from assessment_api.dr.schemas import (
    ConferenceCreate,
    ConferenceRead,
    DrCommunicationRead,
    DrConsentReturn,
    DrProposalCreate,
    DrRead,
    DrWithdrawal,
    MediatedComponentRead,
)
from shared.auth import Principal
from shared.casework.communications import DocumentRef, Recipient
from shared.casework.risk_guard import GuardTrigger, RiskClearance, require_risk_assessment
from shared.changes import Audited, load_for_update
from shared.clients import ServiceClient
from shared.concurrency import check_if_match, make_etag
from shared.events.contracts.assessment import CaseClosedV1
from shared.outbox.emit import emit

__all__ = ["confer", "propose", "read_dr", "return_consent", "transfer", "withdraw"]

DR_DECISION = "dr_resolution_agreement"
PROCESS: Audited[DrProcess] = Audited(
    entity_type="dr_process",
    snapshot=lambda p: {
        "case_id": str(p.case_id),
        "prior_status": p.prior_status.value if p.prior_status else None,
        "caseworker": p.caseworker,
        "dr_caseworker": p.dr_caseworker,
        "complainant_person_id": str(p.complainant_person_id),
        "organisation_id": str(p.organisation_id),
        "complainant_consent_returned_at": _iso(p.complainant_consent_returned_at),
        "organisation_consent_returned_at": _iso(p.organisation_consent_returned_at),
        "accepted_at": _iso(p.accepted_at),
        "withdrawal_reason": p.withdrawal_reason.value if p.withdrawal_reason else None,
        "outcome": p.outcome.value if p.outcome else None,
        "ended_at": _iso(p.ended_at),
    },
    case_id=lambda p: p.case_id,
)
CONFERENCE: Audited[DrConference] = Audited(
    entity_type="dr_conference",
    snapshot=lambda c: ConferenceRead.model_validate(c).model_dump(
        mode="json", exclude={"mediated_components"}
    ),
    case_id=lambda c: c.case_id,
)
COMMUNICATION: Audited[DrCommunication] = Audited(
    entity_type="dr_communication",
    snapshot=lambda c: DrCommunicationRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)
MEDIATED: Audited[MediatedComponent] = Audited(
    entity_type="dr_mediated_component",
    snapshot=lambda m: {
        "component": m.component,
        "mediation_outcome": m.mediation_outcome,
        "conference_id": str(m.conference_id),
    },
    case_id=lambda m: m.case_id,
)

CONSENT_PURPOSE = "DR consent form (¶2.122)"
RETURNED_PURPOSE = "DR consent form returned (¶2.122)"
AGREEMENT_PURPOSE = "Resolution Agreement letter (¶2.127)"
# ¶2.127: the letter goes with a record of what was agreed and confirms the process has ended;
# ¶2.128: the agreed actions are not PHSO recommendations and no compliance process follows.
AGREEMENT_PARAGRAPHS = [
    "A record of what was agreed at the resolution conference is enclosed.",
    "The Dispute Resolution process has now ended and the case is closed.",
    "The actions agreed are not recommendations of the Ombudsman; no compliance process follows.",
]


AGREEMENT_KINDS = frozenset(
    {DrLetterKind.resolution_agreement, DrLetterKind.resolution_agreement_copy}
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _recipient(process: DrProcess, party: DrParty) -> Recipient:
    if party is DrParty.complainant:
        return Recipient(person_id=process.complainant_person_id)
    return Recipient(organisation_id=process.organisation_id)


async def _letter(
    session: AsyncSession,
    process: DrProcess,
    *,
    kind: DrLetterKind,
    party: DrParty,
    actor: Principal,
    at: datetime,
    documents: list[DocumentRef] | None = None,
    copy: closing.Owed | None = None,
) -> DrCommunication:
    inbound = kind is DrLetterKind.consent_returned
    purpose = {
        DrLetterKind.consent_form: CONSENT_PURPOSE,
        DrLetterKind.consent_returned: RETURNED_PURPOSE,
        DrLetterKind.resolution_agreement: AGREEMENT_PURPOSE,
        DrLetterKind.resolution_agreement_copy: AGREEMENT_PURPOSE,
    }[kind]
    recipient = _recipient(process, party)
    if copy is not None:
        purpose = f"{purpose}, a copy: {copy.rule}"
        recipient = Recipient(person_id=copy.person_id, is_copy=True)
    letter = DrCommunication(
        id=uuid.uuid4(),
        case_id=process.case_id,
        process_id=process.id,
        kind=kind,
        party=party,
        medium="letter",
        direction="inbound" if inbound else "outbound",
        purpose=purpose,
        occurred_at=at,
        from_person_id=(
            process.complainant_person_id if inbound and party is DrParty.complainant else None
        ),
        recipients=[] if inbound else [recipient.model_dump(mode="json")],
        headers=[],
        documents=[d.model_dump(mode="json") for d in documents or []],
        paragraphs=AGREEMENT_PARAGRAPHS if kind in AGREEMENT_KINDS else [],
        recorded_by=actor.sub,
    )
    # XC-RSK-004: the kit scans what a party sends (a returned form) and, on legal-action
    # wording, compliance-api is told in this transaction.
    await scan_and_announce_communication(
        session, await get_case(session, process.case_id), letter, actor=actor
    )
    repository.add(session, letter)
    await COMMUNICATION.created(session, letter, actor=actor, action=f"dr.{kind.value}")
    return letter


async def _locked_case(session: AsyncSession, case_id: uuid.UUID) -> Case:
    return await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)


async def _open(session: AsyncSession, case_id: uuid.UUID, if_match: str | None) -> DrProcess:
    process = await repository.open_process(session, case_id, lock=True)
    if process is None:
        raise DrProcessNotFound(f"Case {case_id} has no open DR process")
    check_if_match(if_match, make_etag(process.version), required=False)
    return process


async def propose(
    session: AsyncSession,
    intake: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: DrProposalCreate,
    actor: Principal,
    at: datetime,
) -> DrProcess:
    """T26 (or T15's case, which intake opened at DR consent pending): both consent forms out,
    the complainant's to the complainant intake holds (DESIGN §1: never an id from the request).

    ¶2.121: an unwilling party means no DR: refused, and the case stays where it is."""
    unwilling = unwilling_parties(
        complainant_willing=data.complainant_willing,
        organisation_willing=data.organisation_willing,
    )
    if unwilling:
        raise DrPartyUnwilling(
            "¶2.121: DR goes ahead only if both parties are willing; the case stays with its "
            "caseworker and is assessed under the Service Model",
            extensions={"parties": [p.value for p in unwilling], "requirement": "ASM-062"},
        )
    await get_case(session, case_id)  # 404 before intake is asked
    complainant = await _complainant(intake, case_id)
    case = await _locked_case(session, case_id)
    if data.organisation_id not in case.organisation_ids:
        raise DrOrganisationNotOnCase(
            f"Organisation {data.organisation_id} is not one case {case_id} is about"
        )
    if await repository.open_process(session, case_id) is not None:
        raise DrProcessOpen(f"Case {case_id} already has an open DR process")
    prior: CaseStatus | None = None
    if case.status in PROPOSABLE_FROM:
        prior = case.status
        async with CASE.change(session, case, actor=actor, action="case.dr_proposed"):
            transition(case, CaseStatus.dr_consent_pending, at=at)
    elif case.status is not CaseStatus.dr_consent_pending:
        check_allowed(case, CaseStatus.dr_consent_pending)  # raises: not from here
    process = DrProcess(
        id=uuid.uuid4(),
        case_id=case.id,
        prior_status=prior,
        caseworker=actor.sub,
        dr_caseworker=data.dr_caseworker,
        complainant_person_id=complainant,
        organisation_id=data.organisation_id,
        complainant_consent_sent_at=at,
        organisation_consent_sent_at=at,
        version=1,
    )
    repository.add(session, process)
    await PROCESS.created(session, process, actor=actor, action="dr.proposed")
    for party in DrParty:
        await _letter(
            session, process, kind=DrLetterKind.consent_form, party=party, actor=actor, at=at
        )
    return process


async def _complainant(intake: ServiceClient, case_id: uuid.UUID) -> uuid.UUID:
    """The complainant intake holds (the first, as intake lists them); 409 when it holds none,
    503 when it cannot say."""
    parties = await closing.case_parties(intake, case_id)
    for party in parties:
        if party.role == "complainant":
            return party.person_id
    raise DrNoComplainant(f"intake holds no complainant for case {case_id}")


async def return_consent(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: DrConsentReturn,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> DrProcess:
    """¶2.122: a party's consent form came back (an inbound letter), once per party."""
    process = await _open(session, case_id, if_match)
    field = f"{data.party.value}_consent_returned_at"
    if getattr(process, field) is not None:
        raise DrConsentAlreadyReturned(
            f"The {data.party.value}'s consent form was returned at "
            f"{getattr(process, field).isoformat()}"
        )
    async with PROCESS.change(session, process, actor=actor, action="dr.consent_returned"):
        setattr(process, field, at)
    documents = [data.document] if data.document else []
    await _letter(
        session, process, kind=DrLetterKind.consent_returned, party=data.party, actor=actor,
        at=at, documents=documents,
    )  # fmt: skip
    return process


async def transfer(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> DrProcess:
    """T27 (ASM-062): the case transfers to DR, and to the DR caseworker, only when **both**
    consent forms are back."""
    case = await _locked_case(session, case_id)
    process = await _open(session, case_id, if_match)
    check_allowed(case, CaseStatus.dispute_resolution)
    outstanding = consents_outstanding(
        complainant_returned=process.complainant_consent_returned_at is not None,
        organisation_returned=process.organisation_consent_returned_at is not None,
    )
    if outstanding:
        raise DrConsentOutstanding(
            "ASM-062: the case transfers to DR only when both consent forms are returned",
            extensions={"outstanding": [p.value for p in outstanding], "requirement": "ASM-062"},
        )
    async with CASE.change(session, case, actor=actor, action="case.dr_accepted"):
        transition(case, CaseStatus.dispute_resolution, at=at)
        case.owner = process.dr_caseworker
    async with PROCESS.change(session, process, actor=actor, action="dr.accepted"):
        process.accepted_at = at
    return process


async def withdraw(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: DrWithdrawal,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> DrProcess:
    """T28 (¶2.121–2.122): a party unwilling or no consent: the case goes back where it was,
    with its caseworker, and through the normal Service Model."""
    case = await _locked_case(session, case_id)
    process = await _open(session, case_id, if_match)
    back = status_on_withdrawal(process.prior_status)
    if back is CaseStatus.awaiting_allocation:
        await allocations.enter_queue(
            session, case, actor=actor, at=at, action="case.dr_withdrawn", reason=data.note
        )
    else:
        async with CASE.change(
            session, case, actor=actor, action="case.dr_withdrawn", reason=data.note
        ):
            transition(case, back, at=at)
    async with PROCESS.change(
        session, process, actor=actor, action="dr.withdrawn", reason=data.note
    ):
        process.withdrawal_reason = data.reason
        process.ended_at = at
    return process


def _conference_problems(data: ConferenceCreate, at: datetime) -> list[str]:
    problems = [
        p.value
        for p in conference_problems(
            data.outcome,
            agreed_by_complainant=data.agreed_by_complainant,
            agreed_by_organisation=data.agreed_by_organisation,
            agreed_outcomes=data.agreed_outcomes,
            mediated_components=len(data.mediated_components),
        )
    ]
    counts = Counter(m.component.casefold() for m in data.mediated_components)
    if any(n > 1 for n in counts.values()):
        problems.append("duplicate_mediated_components")
    if data.held_at > at:
        problems.append("held_in_future")
    return problems


async def confer(
    session: AsyncSession,
    risk: ServiceClient,
    intake: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: ConferenceCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> DrProcess:
    """ASM-063: record the resolution conference; then T29 (agreed: Resolution Agreement letters
    to both parties, the case closed as a decision not to investigate behind the risk guard,
    no compliance, no review) or T30 (partly or not agreed: the mediated components recorded,
    the case at further consideration with the DR caseworker)."""
    problems = _conference_problems(data, at)
    if problems:
        raise DrConferenceInvalid(
            "ASM-063: an outcome is agreed by both parties and says what was agreed; ASM-065: a "
            "partial agreement names the components mediated",
            extensions={"problems": problems},
        )
    to = status_after_conference(data.outcome)
    case = await get_case(session, case_id)
    _in_dr(case, to)
    clearance: RiskClearance | None = None
    copies: list[closing.Owed] = []
    if to is CaseStatus.closed:
        copies = await _agreement_copies(intake, case, data.copy_to_aggrieved)
        clearance = await require_risk_assessment(
            risk, case_id=case_id, trigger=GuardTrigger.decline, at=at
        )
    case = await _locked_case(session, case_id)
    _in_dr(case, to)
    process = await _open(session, case_id, if_match)
    async with CASE.change(session, case, actor=actor, action=f"case.dr_{data.outcome.value}"):
        transition(
            case, to, at=at, clearance=clearance,
            closure_code=DR_RESOLUTION_AGREEMENT if to is CaseStatus.closed else None,
        )  # fmt: skip
        case.owner = process.dr_caseworker  # T30: the DR caseworker keeps the case
    conference = DrConference(
        id=uuid.uuid4(),
        process_id=process.id,
        case_id=case.id,
        mode=data.mode,
        held_at=data.held_at,
        outcome=data.outcome,
        agreed_outcomes=list(data.agreed_outcomes),
        agreed_by_complainant=data.agreed_by_complainant,
        agreed_by_organisation=data.agreed_by_organisation,
        risk_assessment_id=clearance.assessment_id if clearance else None,
        recorded_by=actor.sub,
    )
    repository.add(session, conference)
    await CONFERENCE.created(session, conference, actor=actor, action="dr.conference_held")
    for item in data.mediated_components:
        component = MediatedComponent(
            id=uuid.uuid4(),
            conference_id=conference.id,
            case_id=case.id,
            component=item.component,
            mediation_outcome=item.mediation_outcome,
        )
        repository.add(session, component)
        await MEDIATED.created(session, component, actor=actor, action="dr.component_mediated")
    async with PROCESS.change(session, process, actor=actor, action="dr.ended"):
        process.outcome = data.outcome
        process.ended_at = at
    if clearance is not None:
        record = DocumentRef(title="Record of what was agreed at the resolution conference")
        for party in DrParty:
            await _letter(
                session, process, kind=DrLetterKind.resolution_agreement, party=party,
                actor=actor, at=at, documents=[record],
            )  # fmt: skip
        for owed in copies:
            await _letter(
                session, process, kind=DrLetterKind.resolution_agreement_copy,
                party=DrParty.complainant, actor=actor, at=at, documents=[record], copy=owed,
            )  # fmt: skip
        await emit(
            session,
            CaseClosedV1(
                reference=case.reference,
                closure_code=DR_RESOLUTION_AGREEMENT,
                decision=DR_DECISION,
                decision_id=conference.id,
                risk_assessment_id=clearance.assessment_id,
            ),
            case_id=case.id,
            actor=actor.sub,
            occurred_at=at,
        )
    return process


async def _agreement_copies(
    intake: ServiceClient, case: Case, copy_to_aggrieved: bool | None
) -> list[closing.Owed]:
    """Who gets a copy of the Resolution Agreement letter besides the two parties: intake's
    parties now (never ids from the request), the closure being a decision not to investigate
    (ASM-173: the referring MP, or in health any MP involved; ASM-174: representatives with
    authority, and a separate aggrieved when the caseworker decides so), always in writing
    (ASM-055 ¶2.104, Legal). 409 ``decision-recipients-incomplete`` while there is no complainant
    or the aggrieved's copy is undecided; 503 when intake cannot say. The complainant's letter
    is the party's own (¶2.127), addressed to the complainant who consented."""
    owed = await closing.issue_list(
        intake, case, kind=closing.ClosureKind.resolution, decision_by_telephone=False,
        written_decision_requested=True, aggrieved_copy=copy_to_aggrieved,
    )  # fmt: skip
    return [o for o in owed if o.form is closing.Form.copy and o.person_id is not None]


def _in_dr(case: Case, to: CaseStatus) -> None:
    check_allowed(case, to)
    if case.status is not CaseStatus.dispute_resolution:
        raise CaseTransitionNotAllowed(
            f"Only a case in dispute resolution holds a resolution conference; this one is "
            f"{case.status.value}",
            extensions={"current_status": case.status.value, "requested_status": to.value},
        )


async def read_dr(session: AsyncSession, case_id: uuid.UUID) -> tuple[DrRead, int]:
    """The case's latest DR process, read whole, and its version (the ETag)."""
    case = await get_case(session, case_id)
    process = await repository.latest_process(session, case_id)
    if process is None:
        raise DrProcessNotFound(f"Case {case_id} has never been proposed for DR")
    conference = await repository.conference_of(session, process.id)
    conference_read = None
    if conference is not None:
        mediated = await repository.mediated_components(session, conference.id)
        conference_read = ConferenceRead.model_validate(conference).model_copy(
            update={
                "mediated_components": [MediatedComponentRead.model_validate(m) for m in mediated]
            }
        )
    letters = await repository.communications(session, process.id)
    read = DrRead(
        id=process.id,
        case_id=case.id,
        case_status=case.status,
        closure_code=case.closure_code,
        prior_status=process.prior_status,
        caseworker=process.caseworker,
        dr_caseworker=process.dr_caseworker,
        complainant_person_id=process.complainant_person_id,
        organisation_id=process.organisation_id,
        complainant_consent_sent_at=process.complainant_consent_sent_at,
        complainant_consent_returned_at=process.complainant_consent_returned_at,
        organisation_consent_sent_at=process.organisation_consent_sent_at,
        organisation_consent_returned_at=process.organisation_consent_returned_at,
        consents_outstanding=consents_outstanding(
            complainant_returned=process.complainant_consent_returned_at is not None,
            organisation_returned=process.organisation_consent_returned_at is not None,
        ),
        accepted_at=process.accepted_at,
        withdrawal_reason=process.withdrawal_reason,
        outcome=process.outcome,
        ended_at=process.ended_at,
        review_eligible=review_eligible(case.closure_code),
        conference=conference_read,
        communications=[DrCommunicationRead.model_validate(c) for c in letters],
        version=process.version,
    )
    return read, process.version
