"""Use cases of advice at assessment (guidance ¶3.12–3.58; ASM-142…148, ASM-150…152).

Requests and the advice received are recorded while the case is at further consideration, each
act audited. Adviser identity is recorded here for our own use and leaves the system nowhere
(ASM-145): advice emits no event, letters never read it, and a reader outside those who work the
case gets it redacted (:func:`view`). Legal advice is privileged (ASM-151, XC-DP-005): its
documents are marked ``privileged`` (the casework kit then refuses them on any outbound
communication, and a CHECK refuses a legal-advice document not so marked); its request and
content are redacted for every reader but caseworkers, managers and the Legal Team.

:func:`decision_gaps` is this domain's part of the decision-gate contract: before a decline,
resolution or proposal, a case needing a view on a clinical decision has clinical advice or the
recorded Operations Manager discussion (or accreditation) (ASM-142); clinical advice asked for is
in, or withdrawn (ASM-144); and clinical advice received has its standard recorded (ASM-146).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.advice import repository
from assessment_api.advice.errors import (
    AdviceAlreadyClosed,
    AdviceInvalid,
    AdviceNotAtFurtherConsideration,
    AdviceRequestNotFound,
)
from assessment_api.advice.models import (
    AdviceRequest,
    AdviserNameRequest,
    ClinicalAdviceDecision,
    ClinicalStandard,
)
from assessment_api.advice.rules import (
    SPECIALIST_TYPES,
    AdviceStatus,
    AdviceType,
    ClinicalDecisionFacts,
    Earlier,
    Problem,
    RequestFacts,
    StandardFacts,
    clinical_decision_problems,
    follow_up_adviser,
    name_request_problems,
    received_problems,
    request_problems,
    standard_problems,
    without_advice_gaps,
)
from assessment_api.advice.schemas import (
    AdviceGapRead,
    AdviceOverviewRead,
    AdviceReceivedCreate,
    AdviceRequestCreate,
    AdviceRequestPage,
    AdviceRequestRead,
    AdviceWithdrawCreate,
    AdviserNameRequestCreate,
    AdviserNameRequestRead,
    ClinicalAdviceDecisionCreate,
    ClinicalAdviceDecisionRead,
    ClinicalStandardCreate,
    ClinicalStandardRead,
)
from assessment_api.cases.models import Case
from assessment_api.cases.service import get_case
from assessment_api.cases.state import CaseStatus
from assessment_api.staff import service as staff
from shared.auth import Principal, Role
from shared.casework.communications import LEGAL_ADVICE_PARAGRAPH, DocumentRef
from shared.changes import Audited
from shared.concurrency import check_if_match, make_etag
from shared.errors import NotFound
from shared.pagination import Keyset, key_datetime, key_uuid, paginate
from shared.staff import Post

__all__ = [
    "AdviceRequest",
    "decision_gaps",
    "privileged_reader",
]

# Who reads legal advice and adviser identity: those who work the case at assessment (their
# managers included) and the Legal Team. Everyone else who may read a case (auditors, the
# Ombudsman's office, other services' tokens) gets the record redacted: privilege is kept by
# sharing legal advice only with those who act on it (¶3.53), and an adviser is never identified
# outside the casework that needs it (¶3.21).
PRIVILEGED_READERS = frozenset(
    {
        Role.caseworker,
        Role.senior_caseworker,
        Role.operations_manager,
        Role.assistant_director,
        Role.director,
        Role.deputy_ombudsman,
        Role.legal,
    }
)
REQUESTS = Keyset("advice-requests", (key_datetime, key_uuid))


def privileged_reader(reader: Principal) -> bool:
    return reader.has_any(*PRIVILEGED_READERS)


def _full(request: AdviceRequest) -> AdviceRequestRead:
    read = AdviceRequestRead.model_validate(request)
    read.privileged = request.advice_type is AdviceType.legal
    read.specialist_advice = request.advice_type in SPECIALIST_TYPES
    return read


def view(request: AdviceRequest, reader: Principal) -> AdviceRequestRead:
    """The request as ``reader`` may see it: no adviser identity, and for legal advice no
    request or content, unless they work the case or are the Legal Team."""
    read = _full(request)
    if privileged_reader(reader):
        return read
    read.adviser_id = None
    read.adviser_change_reason = None
    read.quality_concern_raised_with = None
    read.redacted = True
    if read.privileged:
        read.questions = None
        read.advice = None
        read.how_used = None
        read.documents = []
    return read


REQUEST: Audited[AdviceRequest] = Audited(
    entity_type="advice_request",
    snapshot=lambda r: _full(r).model_dump(mode="json"),
    case_id=lambda r: r.case_id,
)
NAME_REQUEST: Audited[AdviserNameRequest] = Audited(
    entity_type="adviser_name_request",
    snapshot=lambda r: AdviserNameRequestRead.model_validate(r).model_dump(mode="json"),
    case_id=lambda r: r.case_id,
)
DECISION: Audited[ClinicalAdviceDecision] = Audited(
    entity_type="clinical_advice_decision",
    snapshot=lambda r: ClinicalAdviceDecisionRead.model_validate(r).model_dump(mode="json"),
    case_id=lambda r: r.case_id,
)
STANDARD: Audited[ClinicalStandard] = Audited(
    entity_type="clinical_standard",
    snapshot=lambda r: ClinicalStandardRead.model_validate(r).model_dump(mode="json"),
    case_id=lambda r: r.case_id,
)


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise AdviceInvalid(
            "; ".join(f"{p.requirement} {p.field}: {p.detail}" for p in problems),
            extensions={
                "problems": [
                    {"requirement": p.requirement, "field": p.field, "detail": p.detail}
                    for p in problems
                ]
            },
        )


async def _at_further_consideration(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await get_case(session, case_id)
    if case.status is not CaseStatus.further_consideration:
        raise AdviceNotAtFurtherConsideration(
            f"The case is {case.status.value}, not at further consideration",
            extensions={"current_status": case.status.value},
        )
    return case


async def _holds_accreditation(session: AsyncSession, actor: Principal) -> bool:
    """ASM-142, ASM-150: the staff directory records the caseworker's delegated authority under
    the Accreditation Scheme (``Post.accredited_delegated_authority``)."""
    try:
        member = await staff.get_member(session, actor.sub)
    except NotFound:
        return False
    return Post.accredited_delegated_authority.value in member.posts


async def _earlier(
    session: AsyncSession, case_id: uuid.UUID, request_id: uuid.UUID | None, field: str
) -> AdviceRequest | None:
    if request_id is None:
        return None
    found = await repository.request(session, case_id, request_id)
    if found is None:
        _refuse([Problem("ASM-143", field, "no such advice request on this case")])
    return found


def _as_earlier(request: AdviceRequest | None) -> Earlier | None:
    if request is None:
        return None
    return Earlier(
        advice_type=request.advice_type, status=request.status, adviser_id=request.adviser_id
    )


async def create_request(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: AdviceRequestCreate,
    actor: Principal,
    at: datetime,
    today: date,
) -> AdviceRequest:
    """A request for advice (ASM-143, ASM-144, ASM-151, ASM-152)."""
    await _at_further_consideration(session, case_id)
    original = await _earlier(session, case_id, data.follow_up_of, "follow_up_of")
    depends = await _earlier(session, case_id, data.depends_on_request_id, "depends_on_request_id")
    facts = RequestFacts(
        advice_type=data.advice_type, clinical_format=data.format, discipline=data.discipline,
        questions=data.questions, due_date=data.due_date, adviser_id=data.adviser_id,
        adviser_change_reason=data.adviser_change_reason, follow_up_of=_as_earlier(original),
        depends_on=_as_earlier(depends),
    )  # fmt: skip
    _refuse(request_problems(facts, today))
    earlier = _as_earlier(original)
    adviser = data.adviser_id if earlier is None else follow_up_adviser(data.adviser_id, earlier)
    request = AdviceRequest(
        id=uuid.uuid4(), case_id=case_id, advice_type=data.advice_type,
        clinical_format=data.format, discipline=data.discipline, questions=data.questions,
        due_date=data.due_date, depends_on_request_id=data.depends_on_request_id,
        follow_up_of=data.follow_up_of, adviser_id=adviser,
        adviser_change_reason=data.adviser_change_reason, requested_by=actor.sub,
        requested_at=at, status=AdviceStatus.requested, documents=[], version=1,
    )  # fmt: skip
    repository.add(session, request)
    await REQUEST.created(session, request, actor=actor, action="advice.requested")
    return request


async def _open(
    session: AsyncSession, case_id: uuid.UUID, request_id: uuid.UUID, if_match: str | None
) -> AdviceRequest:
    await _at_further_consideration(session, case_id)
    request = await repository.request(session, case_id, request_id, lock=True)
    if request is None:
        raise AdviceRequestNotFound(f"No advice request {request_id} on case {case_id}")
    check_if_match(if_match, make_etag(request.version), required=False)
    if request.status is not AdviceStatus.requested:
        raise AdviceAlreadyClosed(
            f"The request is {request.status.value}",
            extensions={"current_status": request.status.value},
        )
    return request


def _documents(advice_type: AdviceType, documents: list[DocumentRef]) -> list[dict[str, Any]]:
    """ASM-151, XC-DP-005: every document of legal advice is privileged, whatever was sent."""
    legal = advice_type is AdviceType.legal
    return [
        d.model_copy(update={"privileged": True} if legal else {}).model_dump(mode="json")
        for d in documents
    ]


async def record_received(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    request_id: uuid.UUID,
    data: AdviceReceivedCreate,
    actor: Principal,
    today: date,
    if_match: str | None,
) -> AdviceRequest:
    """The advice received and how it was used (ASM-144); a quality concern raised with a lead
    clinician (¶3.20)."""
    request = await _open(session, case_id, request_id, if_match)
    _refuse(
        received_problems(
            request.advice_type, how_used=data.how_used, quality_concern=data.quality_concern,
            lead_clinician_id=data.quality_concern_raised_with, received_on=data.received_on,
            today=today,
        )
    )  # fmt: skip
    async with REQUEST.change(session, request, actor=actor, action="advice.received"):
        request.status = AdviceStatus.received
        request.received_on = data.received_on
        request.advice = data.advice
        request.documents = _documents(request.advice_type, data.documents)
        request.how_used = data.how_used
        request.quality_concern = data.quality_concern
        request.quality_concern_raised_with = data.quality_concern_raised_with
    return request


async def withdraw(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    request_id: uuid.UUID,
    data: AdviceWithdrawCreate,
    actor: Principal,
    if_match: str | None,
) -> AdviceRequest:
    """The request is no longer needed (audited, with the reason)."""
    request = await _open(session, case_id, request_id, if_match)
    async with REQUEST.change(
        session, request, actor=actor, action="advice.withdrawn", reason=data.reason
    ):
        request.status = AdviceStatus.withdrawn
        request.withdrawn_reason = data.reason
    return request


async def get_request(
    session: AsyncSession, *, case_id: uuid.UUID, request_id: uuid.UUID
) -> AdviceRequest:
    await get_case(session, case_id)
    request = await repository.request(session, case_id, request_id)
    if request is None:
        raise AdviceRequestNotFound(f"No advice request {request_id} on case {case_id}")
    return request


async def list_requests(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    reader: Principal,
    limit: int,
    cursor: str | None,
    advice_type: AdviceType | None,
) -> AdviceRequestPage:
    await get_case(session, case_id)
    return await paginate(
        lambda after, rows: repository.requests(
            session, case_id, limit=rows, after=after, advice_type=advice_type
        ),
        keyset=REQUESTS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.requested_at.isoformat(), str(r.id)),
        item=lambda r: view(r, reader),
        page=AdviceRequestPage,
    )


async def record_name_request(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: AdviserNameRequestCreate,
    actor: Principal,
    at: datetime,
    today: date,
) -> AdviserNameRequest:
    """ASM-145 (¶3.21): a request for an adviser's name, referred to the Information Access and
    Assurance Team. Recorded at any stage of the case (a complainant may ask after a decision)."""
    await get_case(session, case_id)
    await _earlier(session, case_id, data.advice_request_id, "advice_request_id")
    problems = name_request_problems(
        for_regulator=data.for_regulator, lead_clinician_told_on=data.lead_clinician_told_on,
        received_on=data.received_on, today=today,
    )  # fmt: skip
    if data.referred_to_iaa_on < data.received_on or data.referred_to_iaa_on > today:
        problems.append(
            Problem(
                "ASM-145",
                "referred_to_iaa_on",
                "referred to the Information Access and Assurance Team after it was received, "
                "and not in the future",
            )
        )
    _refuse(problems)
    row = AdviserNameRequest(
        id=uuid.uuid4(), case_id=case_id, advice_request_id=data.advice_request_id,
        received_on=data.received_on, for_regulator=data.for_regulator,
        referred_to_iaa_on=data.referred_to_iaa_on,
        lead_clinician_told_on=data.lead_clinician_told_on, note=data.note,
        recorded_by=actor.sub, recorded_at=at,
    )  # fmt: skip
    repository.add(session, row)
    await NAME_REQUEST.created(session, row, actor=actor, action="advice.adviser_name_requested")
    return row


def _decision_facts(
    row: ClinicalAdviceDecision | ClinicalAdviceDecisionCreate,
) -> ClinicalDecisionFacts:
    return ClinicalDecisionFacts(
        clinical_decision_involved=row.clinical_decision_involved, om_id=row.om_id,
        om_discussed_on=row.om_discussed_on, om_outcome=row.om_outcome,
        lead_clinician_consulted_on=row.lead_clinician_consulted_on, accredited=row.accredited,
        rationale=row.rationale,
    )  # fmt: skip


async def record_clinical_decision(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ClinicalAdviceDecisionCreate,
    actor: Principal,
    at: datetime,
    today: date,
) -> ClinicalAdviceDecision:
    """ASM-142: whether a view on a clinical decision is needed and, without clinical advice,
    how deciding without it was agreed. Each record is kept; the latest counts."""
    await _at_further_consideration(session, case_id)
    accredited = await _holds_accreditation(session, actor) if data.accredited else False
    _refuse(
        clinical_decision_problems(
            _decision_facts(data), holds_accreditation=accredited, today=today
        )
    )
    row = ClinicalAdviceDecision(
        id=uuid.uuid4(), case_id=case_id,
        clinical_decision_involved=data.clinical_decision_involved,
        om_id=data.om_id, om_discussed_on=data.om_discussed_on, om_outcome=data.om_outcome,
        lead_clinician_consulted_on=data.lead_clinician_consulted_on, accredited=data.accredited,
        rationale=data.rationale, recorded_by=actor.sub, recorded_at=at,
    )  # fmt: skip
    repository.add(session, row)
    await DECISION.created(session, row, actor=actor, action="advice.clinical_decision_recorded")
    return row


async def record_standard(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ClinicalStandardCreate,
    actor: Principal,
    at: datetime,
    today: date,
) -> ClinicalStandard:
    """ASM-146…148, ASM-150: the clinical standard applied, or that none applies."""
    await _at_further_consideration(session, case_id)
    await _earlier(session, case_id, data.advice_request_id, "advice_request_id")
    accredited = await _holds_accreditation(session, actor) if data.accredited else False
    facts = StandardFacts(
        outcome=data.outcome, source=data.source, name=data.name,
        in_force_at_event_date=data.in_force_at_event_date, rationale=data.rationale,
        organisation_standard=data.organisation_standard,
        appropriateness_checked=data.appropriateness_checked,
        rejection_reason=data.rejection_reason, rejection_explanation=data.rejection_explanation,
        conflicting_standard=data.conflicting_standard,
        conflict_explanation=data.conflict_explanation,
        adviser_stated_clearly=data.adviser_stated_clearly, search_steps=tuple(data.search_steps),
        om_id=data.om_id, om_confirmed_on=data.om_confirmed_on, om_unsure=data.om_unsure,
        lead_clinician_consulted_on=data.lead_clinician_consulted_on, accredited=data.accredited,
    )  # fmt: skip
    _refuse(standard_problems(facts, holds_accreditation=accredited, today=today))
    row = ClinicalStandard(
        id=uuid.uuid4(), case_id=case_id, recorded_by=actor.sub, recorded_at=at,
        **data.model_dump(),
    )  # fmt: skip
    repository.add(session, row)
    await STANDARD.created(session, row, actor=actor, action="advice.clinical_standard_recorded")
    return row


# --- The decision-gate contract ---------------------------------------------------------------


async def decision_gaps(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool, closure_code: str | None
) -> list[tuple[str, str]]:
    """(requirement ID, what is missing) for each unmet condition of advice before a decision
    (a decline or resolution, or with ``proposing`` a proposal); [] when ready. Pure read.

    - ASM-142: a health case records whether a view on a clinical decision is needed; one that
      needs it, without a clinical advice request, has the Operations Manager's discussion (a
      lead clinician consulted if the OM was unsure) or the caseworker's accreditation, and the
      reasoning.
    - ASM-144: clinical advice asked for is in (its use explained) or withdrawn.
    - ASM-146: clinical advice received has the clinical standard, or that none applies,
      recorded.
    """
    case = await get_case(session, case_id)
    requests = list(await repository.requests(session, case_id))
    clinical = [r for r in requests if r.advice_type is AdviceType.clinical]
    live = [r for r in clinical if r.status is not AdviceStatus.withdrawn]
    gaps: list[tuple[str, str]] = []
    decision = await repository.latest_decision(session, case_id)
    if decision is None and case.jurisdiction == "health" and not live:
        gaps.append(
            (
                "ASM-142",
                "record whether a view on a clinical decision is needed (¶3.12), and if so "
                "seek clinical advice or record the Operations Manager's discussion",
            )
        )
    if decision is not None and not live:
        gaps += [(p.requirement, p.detail) for p in without_advice_gaps(_decision_facts(decision))]
    for r in live:
        if r.status is AdviceStatus.requested:
            gaps.append(
                (
                    "ASM-144",
                    f"clinical advice requested on {r.requested_at.date().isoformat()} "
                    f"({r.discipline}) is not in: record it and how it was used, or withdraw "
                    "the request",
                )
            )
    received = [r for r in live if r.status is AdviceStatus.received]
    if received and not await repository.standards(session, case_id):
        gaps.append(
            (
                "ASM-146",
                "record the clinical standard the care was judged against, or that none "
                "applies (¶3.23–3.51)",
            )
        )
    return gaps


def _gap_reads(gaps: list[tuple[str, str]]) -> list[AdviceGapRead]:
    return [AdviceGapRead(requirement=r, detail=d) for r, d in gaps]


async def overview(session: AsyncSession, *, case_id: uuid.UUID) -> AdviceOverviewRead:
    await get_case(session, case_id)
    decision = await repository.latest_decision(session, case_id)
    return AdviceOverviewRead(
        case_id=case_id,
        clinical_decision=None
        if decision is None
        else ClinicalAdviceDecisionRead.model_validate(decision),
        standards=[
            ClinicalStandardRead.model_validate(s)
            for s in await repository.standards(session, case_id)
        ],
        name_requests=[
            AdviserNameRequestRead.model_validate(n)
            for n in await repository.name_requests(session, case_id)
        ],
        before_decline=_gap_reads(
            await decision_gaps(session, case_id, proposing=False, closure_code=None)
        ),
        before_proposal=_gap_reads(
            await decision_gaps(session, case_id, proposing=True, closure_code=None)
        ),
        legal_advice_paragraph=LEGAL_ADVICE_PARAGRAPH,
    )
