"""Use cases of the complaint summary, complaint components and organisation decisions at
further consideration (¶2.227–2.245, ¶2.265–2.271, ¶2.293, ¶3.119–3.124).

Every act locks the case row first, so the summary, the components and the organisation
decisions of one case change one act at a time and each act checks what is stored. The rules
are ``components.rules``; an organisation's decision is handlers' ``organisation_decision``
row, recorded through ``handlers.service.set_organisation_decision`` as the components make it.

Other domains call: ``decision_gaps`` (the gates contract: what is missing before a decline,
resolution or proposal, by requirement), ``proposal_issues`` (each component for the proposal
letters) and ``component_ids``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.rules import GENERAL_DISCRETION_RESOLUTION, RESOLUTION_CODES
from assessment_api.cases.service import DECIDING, Case, get_case, lock_case
from assessment_api.components import repository
from assessment_api.components.errors import (
    ComponentAreaDuplicate,
    ComponentDecisionInvalid,
    ComponentNotFound,
    ComponentsNotAtFurtherConsideration,
    DiscussionAttemptNotFound,
    IssueNotInSummary,
    IssuesStillCovered,
    OrganisationDecisionNotReady,
    OrganisationNotInScope,
    SummaryExists,
    SummaryNotFound,
    SummaryRequired,
)
from assessment_api.components.models import ComplaintComponent, ComplaintSummary
from assessment_api.components.rules import (
    PROPOSE_TO_INVESTIGATE,
    RESOLUTION,
    ComponentDecision,
    DecisionInput,
    OrganisationDecisionProblem,
    Problem,
    TimeLimitOutcome,
    closure_code_gap,
    component_code,
    decision_consistent,
    decision_problems,
    issues_without_component,
    nothing_left_gap,
    organisation_decision,
    precedent_since,
)
from assessment_api.components.rules import REQUIREMENT as PROBLEM_REQUIREMENT
from assessment_api.components.schemas import (
    ComplaintComponentCreate,
    ComplaintComponentRead,
    ComplaintComponentUpdate,
    ComplaintSummaryPut,
    ComplaintSummaryRead,
    ComponentDecisionPut,
    ComponentsRead,
    GapRead,
    OrganisationDecisionDerive,
    OrganisationStandingRead,
    PrecedentPage,
    PrecedentRead,
)
from assessment_api.contact import service as contact
from assessment_api.handlers import service as handlers
from shared.auth import Principal
from shared.changes import Audited
from shared.clock import BUSINESS_TIMEZONE
from shared.concurrency import check_if_match, make_etag
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

__all__ = [
    "ComplaintComponent",
    "ComplaintSummary",
    "ProposalIssue",
    "add_component",
    "component_ids",
    "create_summary",
    "decide_component",
    "decision_gaps",
    "get_component",
    "precedents",
    "proposal_issues",
    "read_components",
    "read_summary",
    "record_organisation_decision",
    "save_summary",
    "update_component",
]

SUMMARY: Audited[ComplaintSummary] = Audited(
    entity_type="complaint_summary",
    snapshot=lambda s: ComplaintSummaryRead.model_validate(s).model_dump(mode="json"),
    case_id=lambda s: s.case_id,
)
COMPONENT: Audited[ComplaintComponent] = Audited(
    entity_type="complaint_component",
    snapshot=lambda c: ComplaintComponentRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)
PRECEDENTS = Keyset("component-precedents", (key_datetime, key_uuid))

ORGANISATION_PROBLEM_REQUIREMENT = {
    OrganisationDecisionProblem.no_components: "ASM-108",
    OrganisationDecisionProblem.component_undecided: "ASM-176",
    OrganisationDecisionProblem.main_reason_required: "ASM-176",
    OrganisationDecisionProblem.main_reason_not_a_component_code: "ASM-176",
}


def _at_further_consideration(case: Case) -> None:
    if case.status not in DECIDING:
        raise ComponentsNotAtFurtherConsideration(
            f"Case {case.id} is {case.status.value}: the summary and components change only at "
            "further consideration",
            extensions={"current_status": case.status.value},
        )


async def _locked_case(session: AsyncSession, case_id: uuid.UUID) -> Case:
    case = await lock_case(session, case_id)
    _at_further_consideration(case)
    return case


# --- The complaint summary (ASM-105, ASM-106, ASM-107) -----------------------------------------


async def _check_attempt(
    session: AsyncSession, case_id: uuid.UUID, attempt_id: uuid.UUID | None
) -> None:
    if attempt_id is not None and not await contact.attempt_on_case(session, case_id, attempt_id):
        raise DiscussionAttemptNotFound(
            f"No contact attempt {attempt_id} is recorded on case {case_id}",
            extensions={"requirement": "ASM-107"},
        )


def _fill(
    summary: ComplaintSummary, data: ComplaintSummaryPut, actor: Principal, at: datetime
) -> None:
    summary.summary = data.summary
    summary.issues = list(data.issues)
    summary.excluded_issues = [e.model_dump(mode="json") for e in data.excluded_issues]
    summary.discussed_on = data.discussed_on
    summary.discussion_attempt_id = data.discussion_attempt_id
    summary.complainant_told_on = data.complainant_told_on
    summary.complainant_told_how = data.complainant_told_how
    summary.saved_by = actor.sub
    summary.saved_at = at


async def create_summary(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ComplaintSummaryPut,
    actor: Principal,
    at: datetime,
) -> ComplaintSummary:
    """ASM-105 (¶2.227–2.232): the summary developed with the complainant, the issues we proceed
    with and those left out (agreed, or decided with reasons); ASM-107 its conversation's notes
    are a contact attempt on the case."""
    await _locked_case(session, case_id)
    if await repository.summary_of(session, case_id) is not None:
        raise SummaryExists(f"Case {case_id} already has its complaint summary")
    await _check_attempt(session, case_id, data.discussion_attempt_id)
    summary = ComplaintSummary(id=uuid.uuid4(), case_id=case_id, version=1)
    _fill(summary, data, actor, at)
    repository.add(session, summary)
    await SUMMARY.created(
        session, summary, actor=actor, action="components.summary_recorded", reason=data.reason
    )
    return summary


async def save_summary(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ComplaintSummaryPut,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> ComplaintSummary:
    """A new version of the summary (``If-Match`` required), audited before → after. An issue
    taken out while a component still covers it is refused: further consideration is limited to
    the summary's issues (¶2.232)."""
    await _locked_case(session, case_id)
    summary = await repository.summary_of(session, case_id, lock=True)
    if summary is None:
        raise SummaryNotFound(f"Case {case_id} has no complaint summary")
    check_if_match(if_match, make_etag(summary.version), required=True)
    await _check_attempt(session, case_id, data.discussion_attempt_id)
    kept = {i.casefold() for i in data.issues}
    covered = sorted({i for c in await repository.components(session, case_id) for i in c.issues})
    dropped = [i for i in covered if i.casefold() not in kept]
    if dropped:
        raise IssuesStillCovered(
            "Remove or change the components covering these issues first",
            extensions={"issues": dropped, "requirement": "ASM-105"},
        )
    async with SUMMARY.change(
        session, summary, actor=actor, action="components.summary_saved", reason=data.reason
    ):
        _fill(summary, data, actor, at)
    return summary


async def read_summary(session: AsyncSession, case_id: uuid.UUID) -> ComplaintSummary:
    summary = await repository.summary_of(session, case_id)
    if summary is None:
        await get_case(session, case_id)
        raise SummaryNotFound(f"Case {case_id} has no complaint summary")
    return summary


# --- Components (ASM-108, ASM-116, ASM-117, ASM-126) -------------------------------------------


def _issues_in_summary(summary: ComplaintSummary | None, issues: Sequence[str]) -> list[str]:
    """The issues as the summary spells them; 409 unless every one is the summary's."""
    if summary is None:
        raise SummaryRequired(
            "Record the complaint summary agreed with the complainant first (¶2.232)",
            extensions={"requirement": "ASM-105"},
        )
    spelt = {i.casefold(): i for i in summary.issues}
    outside = [i for i in issues if i.casefold() not in spelt]
    if outside:
        raise IssueNotInSummary(
            "A component covers issues of the complaint summary only (¶2.232)",
            extensions={"issues": outside, "requirement": "ASM-105"},
        )
    return list(dict.fromkeys(spelt[i.casefold()] for i in issues))


async def add_component(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ComplaintComponentCreate,
    actor: Principal,
    at: datetime,
) -> ComplaintComponent:
    """ASM-108 (¶2.236–2.242): a component for an organisation complained about on the case,
    under one area (one per area per organisation), with its summary description and the summary
    issues it covers (ASM-105)."""
    await _locked_case(session, case_id)
    issues = _issues_in_summary(await repository.summary_of(session, case_id), data.issues)
    org = await handlers.organisation_on_case(session, case_id, data.organisation_id)
    read, _ = await handlers.read_organisation(session, case_id, data.organisation_id)
    if not read.complained_about:
        raise OrganisationNotInScope(
            f"The {org.role.value} organisation {org.organisation_id} is not complained about "
            "(the complainant's scope): components are recorded against those complained about",
            extensions={"organisation_id": str(org.organisation_id), "requirement": "ASM-080"},
        )
    existing = await repository.components(session, case_id)
    if any(c.case_organisation_id == org.id and c.area is data.area for c in existing):
        raise ComponentAreaDuplicate(
            f"Organisation {org.organisation_id} already has a '{data.area.value}' component: "
            "one component for each area of complaint (¶2.241)",
            extensions={"area": data.area.value, "requirement": "ASM-108"},
        )
    component = ComplaintComponent(
        id=uuid.uuid4(),
        case_id=case_id,
        case_organisation_id=org.id,
        organisation_id=org.organisation_id,
        area=data.area,
        summary_description=data.summary_description,
        issues=issues,
        recorded_by=actor.sub,
        recorded_at=at,
        material_evidence=[],
        premature_factors=[],
        sent_back_to_organisation=False,
        organisation_agreed_to_respond=False,
        complainant_told_time_limit=False,
        version=1,
    )
    repository.add(session, component)
    await COMPONENT.created(session, component, actor=actor, action="components.component_added")
    return component


async def _component_for_update(
    session: AsyncSession, case_id: uuid.UUID, component_id: uuid.UUID, if_match: str | None,
    *, required: bool,
) -> ComplaintComponent:  # fmt: skip
    component = await repository.component_for_update(session, case_id, component_id)
    if component is None:
        raise ComponentNotFound(f"No component {component_id} on case {case_id}")
    check_if_match(if_match, make_etag(component.version), required=required)
    return component


def _refuse(problems: Sequence[Problem]) -> None:
    if problems:
        raise ComponentDecisionInvalid(
            "The component's decision breaks these rules",
            extensions={
                "problems": [
                    {"problem": p.value, "requirement": PROBLEM_REQUIREMENT[p]} for p in problems
                ]
            },
        )


def _decision_input(
    data: ComponentDecisionPut, time_limit: TimeLimitOutcome | None
) -> DecisionInput:
    return DecisionInput(
        decision=data.decision,
        closure_code=data.closure_code,
        discretion=data.discretion,
        other_reason=data.other_reason,
        rationale=data.rationale,
        material_evidence=data.material_evidence,
        premature_factors=[f.factor for f in data.premature_factors],
        sent_back_to_organisation=data.sent_back_to_organisation,
        organisation_agreed_to_respond=data.organisation_agreed_to_respond,
        complainant_told_time_limit=data.complainant_told_time_limit,
        time_limit_outcome=time_limit,
    )


async def update_component(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    component_id: uuid.UUID,
    data: ComplaintComponentUpdate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> ComplaintComponent:
    """The fields sent change (``If-Match`` required): the description, the issues covered
    (the summary's only), and ASM-126 (¶2.293) the component's own time-limit decision. A
    component closed as out of time keeps the decision it rests on."""
    await _locked_case(session, case_id)
    component = await _component_for_update(session, case_id, component_id, if_match, required=True)
    sent = data.model_fields_set
    issues = None
    if "issues" in sent and data.issues is not None:
        issues = _issues_in_summary(await repository.summary_of(session, case_id), data.issues)
    outcome = (
        data.time_limit_outcome if "time_limit_outcome" in sent else component.time_limit_outcome
    )
    if component.decision is ComponentDecision.out_of_time and (
        outcome is not TimeLimitOutcome.not_set_aside
    ):
        _refuse([Problem.time_limit_decision_required])
    async with COMPONENT.change(
        session, component, actor=actor, action="components.component_updated"
    ):
        if "summary_description" in sent and data.summary_description is not None:
            component.summary_description = data.summary_description
        if issues is not None:
            component.issues = issues
        if "time_limit_outcome" in sent or "time_limit_rationale" in sent:
            component.time_limit_outcome = data.time_limit_outcome
            component.time_limit_rationale = data.time_limit_rationale
    return component


async def decide_component(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    component_id: uuid.UUID,
    data: ComponentDecisionPut,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> ComplaintComponent:
    """ASM-108 (¶2.243–2.244): the component's decision, with why and the material evidence when
    it is not investigated; premature (ASM-116, ASM-117) and out of time (ASM-126) with their
    own conditions (422 ``component-decision-invalid`` lists each broken rule). A decision that
    changes leaves the organisation's decision to be brought up to date (a gap until it is)."""
    await _locked_case(session, case_id)
    component = await _component_for_update(
        session, case_id, component_id, if_match, required=False
    )
    _refuse(decision_problems(_decision_input(data, component.time_limit_outcome)))
    async with COMPONENT.change(
        session, component, actor=actor, action="components.component_decided"
    ):
        component.decision = data.decision
        component.closure_code = data.closure_code
        component.discretion = data.discretion
        component.other_reason = data.other_reason
        component.rationale = data.rationale
        component.material_evidence = list(data.material_evidence)
        component.premature_factors = [f.model_dump(mode="json") for f in data.premature_factors]
        component.sent_back_to_organisation = data.sent_back_to_organisation
        component.organisation_agreed_to_respond = data.organisation_agreed_to_respond
        component.complainant_told_time_limit = data.complainant_told_time_limit
        component.decided_by = actor.sub
        component.decided_at = at
    return component


async def get_component(
    session: AsyncSession, case_id: uuid.UUID, component_id: uuid.UUID
) -> ComplaintComponent:
    component = await repository.component(session, case_id, component_id)
    if component is None:
        await get_case(session, case_id)
        raise ComponentNotFound(f"No component {component_id} on case {case_id}")
    return component


# --- Organisation decisions (ASM-176) ----------------------------------------------------------


def _codes(components: Sequence[ComplaintComponent]) -> list[str | None]:
    return [component_code(c.decision, c.closure_code) for c in components]


def _by_organisation(
    components: Sequence[ComplaintComponent],
) -> dict[uuid.UUID, list[ComplaintComponent]]:
    out: dict[uuid.UUID, list[ComplaintComponent]] = {}
    for c in components:
        out.setdefault(c.organisation_id, []).append(c)
    return out


async def record_organisation_decision(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: OrganisationDecisionDerive,
    actor: Principal,
    at: datetime,
) -> None:
    """ASM-176 (¶3.119–3.124): once every component of the organisation has a decision, its
    organisation decision as they make it: 'propose to investigate' if any is proposed (forced),
    else 'resolution' if any is resolved, else the caseworker's main reason among the
    components' codes. Recorded, or brought up to date, on handlers' organisation decision."""
    await _locked_case(session, case_id)
    await handlers.organisation_on_case(session, case_id, data.organisation_id)
    mine = [
        c for c in await repository.components(session, case_id)
        if c.organisation_id == data.organisation_id
    ]  # fmt: skip
    codes = _codes(mine)
    derived = organisation_decision(codes, data.main_reason)
    if derived.decision is None:
        raise OrganisationDecisionNotReady(
            "The organisation decision follows from its components' decisions (¶3.119–3.122)",
            extensions={
                "problems": [p.value for p in derived.problems],
                "component_codes": sorted({c for c in codes if c is not None}),
                "requirement": ORGANISATION_PROBLEM_REQUIREMENT[derived.problems[0]],
            },
        )
    await handlers.set_organisation_decision(
        session, case_id=case_id, organisation_id=data.organisation_id,
        decision=derived.decision, rationale=data.rationale, actor=actor, at=at,
    )  # fmt: skip


# --- Reads, the gates contract and what other domains ask -------------------------------------


async def _gaps(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None,
    other_reason: str | None,
) -> list[tuple[str, str]]:
    summary = await repository.summary_of(session, case_id)
    components = await repository.components(session, case_id)
    gaps: list[tuple[str, str]] = []
    if summary is None:
        gaps.append(("ASM-105", "No complaint summary is recorded (¶2.227–2.232)"))
    else:
        if summary.complainant_told_on is None:
            gaps.append(
                ("ASM-105", "The complainant is not yet told which issues are in and out (¶2.231)")
            )
        if not summary.issues:
            if proposing:
                gaps.append(
                    ("ASM-106", "No part of the complaint continues after the summary discussion")
                )
            elif nothing_left_gap(closure_code, other_reason):
                gaps.append(
                    (
                        "ASM-106",
                        "No part of the complaint continues after the summary discussion: close "
                        "as 'other reason to decline', 'nothing left after agreeing the summary' "
                        "(¶2.233)",
                    )
                )
            return gaps
        covered = [i for c in components for i in c.issues]
        gaps.extend(
            ("ASM-105", f"The summary's issue '{issue}' has no complaint component (¶2.232)")
            for issue in issues_without_component(summary.issues, covered)
        )
    if not components:
        gaps.append(("ASM-108", "The case has no complaint component: at least one (¶2.239)"))
        return gaps
    gaps.extend(
        ("ASM-108", f"Component {c.id} ({c.area.value}) has no decision (¶2.244)")
        for c in components
        if c.decision is None
    )
    codes = _codes(components)
    if any(code is None for code in codes):
        return gaps
    recorded = {
        d.organisation_id: d.decision
        for d in await handlers.organisation_decisions(session, case_id)
    }
    for organisation_id, mine in _by_organisation(components).items():
        theirs = _codes(mine)
        decision = recorded.get(organisation_id)
        if decision is None:
            gaps.append(
                ("ASM-176", f"Organisation {organisation_id} has no organisation decision (¶3.119)")
            )
        elif not decision_consistent(decision, theirs):
            made = organisation_decision(theirs, None).decision
            expected = f"'{made}'" if made else "one of its components' codes"
            gaps.append(
                (
                    "ASM-176",
                    f"Organisation {organisation_id}'s decision is '{decision}'; its components "
                    f"make it {expected} (¶3.120–3.122)",
                )
            )
    if proposing and PROPOSE_TO_INVESTIGATE not in codes:
        gaps.append(("ASM-176", "No component is proposed for investigation (¶3.122)"))
    if not proposing:
        if PROPOSE_TO_INVESTIGATE in codes:
            gaps.append(
                (
                    "ASM-176",
                    "A component is proposed for investigation: the case's decision is a "
                    "proposal (¶3.122)",
                )
            )
        elif closure_code in RESOLUTION_CODES:
            if RESOLUTION not in codes:
                gaps.append(
                    (
                        "ASM-176",
                        "No component is resolved: the case closes as a resolution on the "
                        "components the organisation's actions resolve (¶3.62, ¶3.120)",
                    )
                )
        elif closure_code is not None and closure_code_gap(closure_code, codes):
            gaps.append(
                (
                    "ASM-176",
                    f"The closure code '{closure_code}' is none of the components' codes "
                    f"({', '.join(sorted({c for c in codes if c}))}): choose it considering how "
                    "most components were closed (¶3.124)",
                )
            )
    return gaps


async def decision_gaps(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    proposing: bool,
    closure_code: str | None,
    other_reason: str | None = None,
) -> list[tuple[str, str]]:
    """(requirement ID, what is missing) for each unmet condition; [] when ready.

    The gates contract for T32 (decline), T33 (resolution) and T35 (proposal): ASM-105 the
    summary recorded, the complainant told, each of its issues a component; ASM-106 nothing left
    after the summary closes as 'other reason to decline' ('nothing left after agreeing the
    summary' when ``other_reason``, the decline's D.11 reason, is given); ASM-108 at least one
    component, each decided; ASM-176 each organisation's decision as its components make it, a
    proposal with a component proposed, a decline with none proposed and a closure code among the
    components' codes (¶3.124; a decline not yet worded, ``closure_code`` None, as the readiness
    read asks, is not checked against them). Pure read: no writes, no locks."""
    return await _gaps(
        session, case_id, proposing=proposing, closure_code=closure_code, other_reason=other_reason
    )


@dataclass(frozen=True)
class ProposalIssue:
    """One component as a proposal letter states it: investigated, or not and why (¶3.122)."""

    component_id: uuid.UUID
    organisation_id: uuid.UUID
    area: str
    summary: str
    proposed: bool
    reason: str | None


async def proposal_issues(session: AsyncSession, case_id: uuid.UUID) -> list[ProposalIssue]:
    """Each component of the case for the proposal letters: its organisation, summary
    description, whether it is proposed for investigation, and why (a component not proposed:
    its code and rationale)."""
    out: list[ProposalIssue] = []
    for c in await repository.components(session, case_id):
        proposed = c.decision is ComponentDecision.propose
        code = component_code(c.decision, c.closure_code)
        reason = (
            c.rationale if proposed or code is None else f"{code}: {c.rationale or ''}".rstrip(": ")
        )
        out.append(
            ProposalIssue(
                component_id=c.id,
                organisation_id=c.organisation_id,
                area=c.area.value,
                summary=c.summary_description,
                proposed=proposed,
                reason=reason,
            )
        )
    return out


async def resolved_component_ids(session: AsyncSession, case_id: uuid.UUID) -> list[uuid.UUID]:
    """The case's components decided resolved (¶3.120), in the order they were recorded."""
    return [
        c.id
        for c in await repository.components(session, case_id)
        if component_code(c.decision, c.closure_code) == RESOLUTION
    ]


async def component_ids(session: AsyncSession, case_id: uuid.UUID) -> list[uuid.UUID]:
    """The case's complaint components, in the order they were recorded."""
    return [c.id for c in await repository.components(session, case_id)]


def _gap_reads(gaps: Sequence[tuple[str, str]]) -> list[GapRead]:
    return [GapRead(requirement=r, detail=d) for r, d in gaps]


async def read_components(session: AsyncSession, case_id: uuid.UUID) -> ComponentsRead:
    """The case's summary, components, organisations' standing, and the gaps before a decline
    (its closure code not known here: the code gap is left to the decision) and a proposal."""
    await get_case(session, case_id)
    summary = await repository.summary_of(session, case_id)
    components = await repository.components(session, case_id)
    recorded = {
        d.organisation_id: d.decision
        for d in await handlers.organisation_decisions(session, case_id)
    }
    organisations = []
    for organisation_id, mine in _by_organisation(components).items():
        codes = _codes(mine)
        organisations.append(
            OrganisationStandingRead(
                organisation_id=organisation_id,
                component_codes=codes,
                derived_decision=organisation_decision(codes, None).decision,
                recorded_decision=recorded.get(organisation_id),
            )
        )
    decline = [
        g
        for g in await _gaps(
            session, case_id, proposing=False, closure_code=None, other_reason=None
        )
        if not g[1].startswith("The closure code")
    ]
    proposal = await _gaps(session, case_id, proposing=True, closure_code=None, other_reason=None)
    # Both resolution codes meet the same conditions: the code follows from the agreement.
    resolution = await _gaps(
        session, case_id, proposing=False, closure_code=GENERAL_DISCRETION_RESOLUTION,
        other_reason=None,
    )  # fmt: skip
    return ComponentsRead(
        case_id=case_id,
        summary=ComplaintSummaryRead.model_validate(summary) if summary else None,
        components=[ComplaintComponentRead.model_validate(c) for c in components],
        organisations=organisations,
        before_decline=_gap_reads(decline),
        before_proposal=_gap_reads(proposal),
        before_resolution=_gap_reads(resolution),
    )


async def precedents(
    session: AsyncSession, *, case_id: uuid.UUID, today: date, limit: int, cursor: str | None
) -> PrecedentPage:
    """ASM-114 (¶2.265): components of other cases about this case's organisations recorded over
    the past two years (from the same day two years ago), newest first."""
    case = await get_case(session, case_id)
    organisation_ids = list(
        dict.fromkeys(
            [*case.organisation_ids, *await handlers.proposal_organisation_ids(session, case_id)]
        )
    )
    since = datetime.combine(precedent_since(today), time(0), tzinfo=BUSINESS_TIMEZONE)

    async def fetch(after: Any, rows: int) -> Sequence[ComplaintComponent]:
        return await repository.precedents(
            session, case_id=case_id, organisation_ids=organisation_ids, since=since,
            limit=rows, after=after,
        )  # fmt: skip

    return await paginate(
        fetch,
        keyset=PRECEDENTS,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.recorded_at, row.id),
        item=PrecedentRead.model_validate,
        page=PrecedentPage,
    )
