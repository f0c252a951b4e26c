"""Use cases of the Decision Form (ASM-090…098, ASM-114, ASM-118…136, ASM-170).

The form is kept while the case is at further consideration: created once, then saved whole as
a new version under ``If-Match`` (each save audited before → after and kept in the history).
Every save is checked by ``rules.save_problems`` (422 ``decision-form-invalid``, naming each
requirement), so no client records a decision before remit and suitability (ASM-091), a proposal
before every gate test (ASM-092), or a decline without its single reason (ASM-093). The form's
suitability answer is the suitability assessment's conclusion (``suitability.service``, ASM-091):
checked on every save and again in the readiness read, since the assessment can change later.

``readiness(session, case_id)`` is what the decline and proposal routes call: what the form
still lacks before either, including the Assistant Director's agreements (ASM-123, ASM-124),
which are their own audited acts under the delegation scheme, each bound to the time-limit
decision it agreed: a later change to that decision needs a new agreement.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.errors import CaseNotFound
from assessment_api.cases.models import Case
from assessment_api.cases.rules import RESOLUTION_CODES, OtherReason
from assessment_api.cases.service import get_case
from assessment_api.cases.state import DECIDING
from assessment_api.decision_form import repository
from assessment_api.decision_form.errors import (
    ApprovalNotFound,
    ApprovalNotNeeded,
    DecisionFormExists,
    DecisionFormInvalid,
    DecisionFormNotFound,
    NotAtFurtherConsideration,
)
from assessment_api.decision_form.models import (
    DecisionForm,
    DecisionFormApproval,
    DecisionFormVersion,
)
from assessment_api.decision_form.rules import (
    ApprovalKind,
    CaseFacts,
    DiscretionBasis,
    Jurisdiction,
    Problem,
    assess_time_limit,
    covid_closure_needs_approval,
    dedupe,
    gates,
    missing_before_decline,
    missing_before_proposal,
    missing_before_resolution,
    save_problems,
    time_limit_result,
)
from assessment_api.decision_form.schemas import (
    ApprovalCreate,
    ApprovalDecide,
    DecisionFormApprovalRead,
    DecisionFormProblemRead,
    DecisionFormRead,
    DecisionFormSave,
    FormContent,
    PartTimeLimitRead,
    ReadinessRead,
    TimeLimitRead,
    VersionPage,
    VersionRead,
)
from assessment_api.suitability import service as suitability
from shared.auth import Principal, Role
from shared.casework.approvals import (
    ApprovalDecision,
    Delegation,
    decide_approval,
    request_approval,
)
from shared.changes import Audited, load_for_update
from shared.pagination import Keyset, key_int, paginate

__all__ = ["decision_gaps", "readiness", "recorded_other_reason"]


def _snapshot(form: DecisionForm) -> dict[str, Any]:
    return {
        "case_id": str(form.case_id),
        "version": form.version,
        "content": form.content,
        "saved_by": form.saved_by,
        "saved_at": form.saved_at.isoformat(),
    }


FORM: Audited[DecisionForm] = Audited(
    entity_type="decision_form", snapshot=_snapshot, case_id=lambda f: f.case_id
)
APPROVAL: Audited[DecisionFormApproval] = Audited(
    entity_type="decision_form_approval",
    snapshot=lambda a: DecisionFormApprovalRead.model_validate(a).model_dump(mode="json"),
    case_id=lambda a: a.case_id,
)
VERSIONS = Keyset("decision-form-versions", (key_int,))

_AD = frozenset({Role.assistant_director, Role.director})
DELEGATIONS: dict[ApprovalKind, Delegation] = {
    ApprovalKind.exceptional_circumstances: Delegation(
        kind=ApprovalKind.exceptional_circumstances.value,
        level="assistant_director",
        roles=_AD,
        rule="ASM-124 ¶2.291: an Assistant Director - Casework agrees discretion on exceptional "
        "circumstances and gives reasons",
    ),
    ApprovalKind.covid_out_of_time: Delegation(
        kind=ApprovalKind.covid_out_of_time.value,
        level="assistant_director",
        roles=_AD,
        rule="ASM-123 ¶2.288: an Assistant Director approves closing a COVID-window case as out "
        "of time",
    ),
}

NO_FORM = Problem(
    "ASM-095", "decision_form", "record the consideration on the Decision Form (¶2.207)"
)


def _facts(case: Case) -> CaseFacts:
    return CaseFacts(jurisdiction=Jurisdiction(case.jurisdiction), received=case.received_date)


def _content(form: DecisionForm) -> FormContent:
    return FormContent.model_validate(form.content)


def _at_further_consideration(case: Case) -> None:
    if case.status not in DECIDING:
        raise NotAtFurtherConsideration(
            f"The case is {case.status.value}, not at further consideration",
            extensions={"current_status": case.status.value},
        )


_SUITABILITY_DETAIL = {
    None: "record the suitability assessment first (¶2.247–2.264)",
    suitability.Conclusion.incomplete: "the suitability assessment is not complete yet",
    suitability.Conclusion.suitable: "the suitability assessment finds the person suitable",
    suitability.Conclusion.unsuitable: "the suitability assessment finds the representative not "
    "suitable",
}


async def _suitability_problems(
    session: AsyncSession, case_id: uuid.UUID, content: FormContent
) -> list[Problem]:
    """ASM-091 (¶2.200): the form's suitability answer is the suitability assessment's
    conclusion: "suitable" only when it finds the person suitable, "not suitable" only when it
    finds the representative unsuitable; neither while it is missing or incomplete."""
    section = content.suitability
    if section is None:
        return []
    found = await suitability.case_conclusion(session, case_id)
    agrees = (
        suitability.Conclusion.suitable if section.suitable else suitability.Conclusion.unsuitable
    )
    if found is agrees:
        return []
    return [Problem("ASM-091", "suitability.suitable", _SUITABILITY_DETAIL[found])]


def _check(
    content: FormContent, case: Case, today: date, suitability_problems: list[Problem]
) -> None:
    problems = dedupe([*save_problems(content, _facts(case), today), *suitability_problems])
    if problems:
        raise DecisionFormInvalid(
            "; ".join(f"{p.requirement} {p.field}: {p.detail}" for p in problems),
            extensions={"problems": [_problem(p).model_dump(mode="json") for p in problems]},
        )


def _problem(p: Problem) -> DecisionFormProblemRead:
    return DecisionFormProblemRead(
        requirement=p.requirement, field=p.field, detail=p.detail, awaits_approval=p.awaits_approval
    )


def _stored(data: DecisionFormSave) -> tuple[FormContent, dict[str, Any]]:
    content = FormContent.model_validate(data.model_dump(exclude={"reason"}))
    return content, content.model_dump(mode="json")


async def _locked_case(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    _at_further_consideration(case)
    return case


async def create_form(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: DecisionFormSave,
    actor: Principal,
    at: datetime,
    today: date,
) -> DecisionForm:
    """The case's first version of the form (the case row is locked, so two creates give one
    form and one 409)."""
    case = await _locked_case(session, case_id)
    if await repository.form_for_case(session, case_id) is not None:
        raise DecisionFormExists("Save a new version with PUT and If-Match")
    content, stored = _stored(data)
    _check(content, case, today, await _suitability_problems(session, case_id, content))
    form = DecisionForm(
        id=uuid.uuid4(), case_id=case_id, content=stored, saved_by=actor.sub, saved_at=at
    )
    repository.add(session, form)
    await FORM.created(
        session, form, actor=actor, action="decision_form.created", reason=data.reason
    )
    _keep_version(session, form, data.reason)
    await session.flush()
    return form


async def save_form(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: DecisionFormSave,
    actor: Principal,
    at: datetime,
    today: date,
    if_match: str | None,
) -> DecisionForm:
    """A new version of the whole form, on the current one (``If-Match`` required)."""
    case = await _locked_case(session, case_id)
    found = await repository.form_for_case(session, case_id)
    if found is None:
        raise DecisionFormNotFound(f"Case {case_id} has no Decision Form")
    form = await load_for_update(
        session, DecisionForm, found.id, if_match=if_match, missing=DecisionFormNotFound,
        required=True,
    )  # fmt: skip
    content, stored = _stored(data)
    _check(content, case, today, await _suitability_problems(session, case_id, content))
    async with FORM.change(
        session, form, actor=actor, action="decision_form.saved", reason=data.reason
    ):
        form.content = stored
        form.saved_by = actor.sub
        form.saved_at = at
    _keep_version(session, form, data.reason)
    await session.flush()
    return form


def _keep_version(session: AsyncSession, form: DecisionForm, reason: str | None) -> None:
    repository.add(
        session,
        DecisionFormVersion(
            id=uuid.uuid4(), form_id=form.id, case_id=form.case_id, number=form.version,
            content=form.content, saved_by=form.saved_by, saved_at=form.saved_at, reason=reason,
        ),
    )  # fmt: skip


async def _form(session: AsyncSession, case_id: uuid.UUID) -> DecisionForm:
    await get_case(session, case_id)
    form = await repository.form_for_case(session, case_id)
    if form is None:
        raise DecisionFormNotFound(f"Case {case_id} has no Decision Form")
    return form


# --- Reading ----------------------------------------------------------------------------------


def _agreed_decision(content: FormContent) -> dict[str, Any]:
    """The time-limit decisions an Assistant Director agrees to (the approval's evidence)."""
    section = content.time_limit
    if section is None:
        return {"discretion": None, "parts": []}
    return {
        "discretion": None
        if section.discretion is None
        else section.discretion.model_dump(mode="json"),
        "parts": [
            None if p.discretion is None else p.discretion.model_dump(mode="json")
            for p in section.parts
        ],
    }


def _is_current(approval: DecisionFormApproval, content: FormContent) -> bool:
    return approval.evidence == _agreed_decision(content)


def _approved(
    approvals: list[DecisionFormApproval], content: FormContent
) -> frozenset[ApprovalKind]:
    return frozenset(
        ApprovalKind(a.kind)
        for a in approvals
        if a.decision == ApprovalDecision.approved and _is_current(a, content)
    )


def _readiness(
    content: FormContent | None,
    facts: CaseFacts,
    approved: frozenset[ApprovalKind],
    suitability_problems: list[Problem],
) -> ReadinessRead:
    if content is None:
        return ReadinessRead(
            before_decline=[_problem(NO_FORM)],
            before_proposal=[_problem(NO_FORM)],
            before_resolution=[_problem(NO_FORM)],
        )
    decline = [*missing_before_decline(content, facts, approved), *suitability_problems]
    proposal = [*missing_before_proposal(content, facts, approved), *suitability_problems]
    resolution = [*missing_before_resolution(content, facts, approved), *suitability_problems]
    return ReadinessRead(
        before_decline=[_problem(p) for p in dedupe(decline)],
        before_proposal=[_problem(p) for p in dedupe(proposal)],
        before_resolution=[_problem(p) for p in dedupe(resolution)],
    )


async def readiness(session: AsyncSession, case_id: uuid.UUID) -> ReadinessRead:
    """What the case's Decision Form still lacks before a decision not to investigate and before
    a proposal to investigate; each list empty when ready. For the decline and proposal routes
    (issue #13) to call before deciding. 404 ``case-not-found`` for an unknown case."""
    case = await get_case(session, case_id)
    form = await repository.form_for_case(session, case_id)
    if form is None:
        return _readiness(None, _facts(case), frozenset(), [])
    content = _content(form)
    approvals = list(await repository.approvals(session, case_id))
    return _readiness(
        content,
        _facts(case),
        _approved(approvals, content),
        await _suitability_problems(session, case_id, content),
    )


async def decision_gaps(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool, closure_code: str | None
) -> list[tuple[str, str]]:
    """The decision gate (the decision-gate contract): what the form lacks before a proposal,
    a resolution (``closure_code`` a resolution's, T33) or a decline, each naming its
    requirement; for a decline with its ``closure_code`` also a form recording another reason
    (ASM-093: the decision made is the one recorded)."""
    ready = await readiness(session, case_id)
    resolving = not proposing and closure_code in RESOLUTION_CODES
    problems = (
        ready.before_proposal
        if proposing
        else ready.before_resolution
        if resolving
        else ready.before_decline
    )
    gaps = [(p.requirement, f"{p.field}: {p.detail}") for p in problems]
    if proposing or resolving or closure_code is None:
        return gaps
    form = await repository.form_for_case(session, case_id)
    decision = None if form is None else _content(form).decision
    reason = None if decision is None else decision.decline_reason
    if reason is not None and reason.closure_code.value != closure_code:
        gaps.append(
            (
                "ASM-093",
                f"decision.decline_reason.closure_code: the form records "
                f"'{reason.closure_code.value}', not '{closure_code}'",
            )
        )
    return gaps


async def recorded_other_reason(session: AsyncSession, case_id: uuid.UUID) -> OtherReason | None:
    """The D.11 other reason the form's decline reason records (e.g. 'linked to lead', ¶3.99),
    or None (no form, no decline reason, or none given). A pure read."""
    form = await repository.form_for_case(session, case_id)
    if form is None:
        return None
    decision = _content(form).decision
    reason = decision.decline_reason if decision is not None else None
    return reason.other_reason if reason is not None else None


async def read_form(session: AsyncSession, *, case_id: uuid.UUID) -> DecisionFormRead:
    case = await get_case(session, case_id)
    form = await _form(session, case_id)
    content = _content(form)
    facts = _facts(case)
    approvals = list(await repository.approvals(session, case_id))
    result = time_limit_result(content, facts)
    parts: list[PartTimeLimitRead] = []
    if content.time_limit is not None:
        for part in content.time_limit.parts:
            r = assess_time_limit(
                facts.jurisdiction, awareness=part.awareness_date,
                vpa_case=content.time_limit.vpa_case, received=facts.received,
                complaint_to_mp=content.time_limit.complaint_to_mp_date,
            )  # fmt: skip
            parts.append(PartTimeLimitRead(label=part.label, **_time_limit_fields(r)))
    return DecisionFormRead(
        id=form.id,
        case_id=form.case_id,
        version=form.version,
        content=content,
        saved_by=form.saved_by,
        saved_at=form.saved_at,
        time_limit=None if result is None else TimeLimitRead(**_time_limit_fields(result)),
        time_limit_parts=parts,
        gates=gates(content, facts),
        readiness=_readiness(
            content,
            facts,
            _approved(approvals, content),
            await _suitability_problems(session, case_id, content),
        ),
        approvals=[_approval_read(a, content) for a in approvals],
    )


def _time_limit_fields(r: Any) -> dict[str, Any]:
    return {
        "limit_date": r.limit_date,
        "measured_to": r.measured_to,
        "measured_on": r.measured_on,
        "in_time": r.in_time,
        "covid_window_eligible": r.covid_window_eligible,
    }


def _approval_read(
    approval: DecisionFormApproval, content: FormContent | None
) -> DecisionFormApprovalRead:
    read = DecisionFormApprovalRead.model_validate(approval)
    read.current = content is not None and _is_current(approval, content)
    return read


async def list_versions(
    session: AsyncSession, *, case_id: uuid.UUID, limit: int, cursor: str | None
) -> VersionPage:
    """The form's saved versions, newest first."""
    form = await _form(session, case_id)
    return await paginate(
        lambda after, rows: repository.versions(session, form.id, limit=rows, after=after),
        keyset=VERSIONS,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.number,),
        item=VersionRead.model_validate,
        page=VersionPage,
    )


# --- The Assistant Director's agreement (ASM-123, ASM-124) ------------------------------------


def _needed(kind: ApprovalKind, content: FormContent, facts: CaseFacts) -> bool:
    section = content.time_limit
    if kind is ApprovalKind.covid_out_of_time:
        return covid_closure_needs_approval(content, facts)
    discretions = (
        [] if section is None else [section.discretion, *(p.discretion for p in section.parts)]
    )
    return any(
        d is not None and d.basis is DiscretionBasis.exceptional_circumstances for d in discretions
    )


async def request_agreement(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ApprovalCreate,
    actor: Principal,
    at: datetime,
) -> DecisionFormApproval:
    """Ask an Assistant Director to agree the time-limit decision the form records now. An
    earlier request of the same kind still undecided is superseded."""
    case = await _locked_case(session, case_id)
    form = await _form(session, case_id)
    content = _content(form)
    if not _needed(data.kind, content, _facts(case)):
        raise ApprovalNotNeeded(
            f"The form records no time-limit decision needing '{data.kind.value}'",
            extensions={"kind": data.kind.value},
        )
    for earlier in await repository.approvals(session, case_id):
        if earlier.kind == data.kind.value and earlier.decision is None:
            async with APPROVAL.change(
                session, earlier, actor=actor, action="decision_form.approval_superseded"
            ):
                earlier.decision = ApprovalDecision.superseded
    delegation = DELEGATIONS[data.kind]
    approval = request_approval(
        DecisionFormApproval, delegation=delegation, requested_by=actor, at=at,
        reason=data.reason, evidence=_agreed_decision(content), case_id=case_id,
        subject_id=form.id, form_version=form.version,
    )  # fmt: skip
    repository.add(session, approval)
    await APPROVAL.created(
        session, approval, actor=actor, action="decision_form.approval_requested"
    )
    return approval


async def decide_agreement(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    approval_id: uuid.UUID,
    data: ApprovalDecide,
    actor: Principal,
    at: datetime,
) -> DecisionFormApproval:
    """The Assistant Director agrees or refuses, with reasons (once; not the requester)."""
    await _locked_case(session, case_id)
    approval = await repository.approval_for_update(session, case_id, approval_id)
    if approval is None:
        raise ApprovalNotFound(f"No approval {approval_id} on case {case_id}")
    delegation = DELEGATIONS[ApprovalKind(approval.kind)]
    async with APPROVAL.change(
        session, approval, actor=actor, action="decision_form.approval_decided", reason=data.reason
    ):
        decide_approval(
            approval, delegation=delegation, actor=actor, approve=data.approve, at=at,
            reason=data.reason,
        )  # fmt: skip
    return approval


async def approval_read(
    session: AsyncSession, approval: DecisionFormApproval
) -> DecisionFormApprovalRead:
    form = await repository.form_for_case(session, approval.case_id)
    return _approval_read(approval, None if form is None else _content(form))
