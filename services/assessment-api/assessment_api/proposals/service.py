"""Use cases of the proposal to investigate (guidance ¶3.73–3.108; ASM-158…167, ASM-171,
XC-COM-004, C-15, C-17).

- **The plan**, prepared at further consideration before the proposal is issued (one per case,
  saved whole under If-Match, audited): the organisations written to, derived on every save
  from the complaint handlers (``handlers.service``) and intake's organisation register (kind,
  contract type, Principal Officer, focal point, provisional-views opt-out), with the legal or
  policy basis and the addressing rules; the named persons; the issues in and out.
- **Issuing** (``issue``, called by ``cases.decisions.propose`` after T35): one letter per
  recipient through the casework kit's communications, and one C-15 comment deadline per
  recipient (ten working days, the kit's deadlines); what ``assessment.proposal.issued`` lists.
- **After issue**: a recipient's reply (met), an extension for one recipient (the kit's
  ``extend_deadline``, announced as ``assessment.proposal.comment_deadline_extended``), and the
  comment window (ASM-158) that investigation's confirmation reads (``comment_window``).
- ``decision_gaps`` is the proposal's part of the decision-gate contract.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases import service as cases
from assessment_api.closing import service as closing
from assessment_api.components import service as components
from assessment_api.handlers import service as handlers
from assessment_api.proposals import intake, repository
from assessment_api.proposals.errors import (
    CommentAlreadyReceived,
    CommentDeadlineNotFound,
    PlanCaseNotAtFurtherConsideration,
    PlanOrganisationUnknown,
    ProposalPlanExists,
    ProposalPlanNotFound,
    ReplyBeforeIssue,
)
from assessment_api.proposals.models import (
    ProposalCommentDeadline,
    ProposalCommentExtension,
    ProposalCommunication,
    ProposalPlan,
)
from assessment_api.proposals.rules import (
    NAMED_PERSON_LETTER,
    Gap,
    Issue,
    NamedPersonFacts,
    NamedPersonKind,
    OrganisationFacts,
    Part,
    RecipientKind,
    RecipientWindow,
    Window,
    addressing,
    basis,
    issue_gaps,
    named_person_gaps,
    named_person_reachable,
    organisation_gaps,
    organisation_paragraphs,
    party_paragraphs,
)
from assessment_api.proposals.rules import (
    comment_window as window_rule,
)
from assessment_api.proposals.schemas import (
    CommentExtensionCreate,
    CommentExtensionRead,
    CommentReplyCreate,
    CommentWindowRead,
    IssueInput,
    IssueRead,
    NamedPersonRead,
    PlanOrganisationRead,
    ProposalGap,
    ProposalLetterRead,
    ProposalPlanRead,
    ProposalPlanWrite,
    ProposalRecord,
    RecipientDeadlineRead,
)
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.casework.communications import Recipient
from shared.casework.deadlines import DeadlineRule, Unit, extend_deadline, meet, new_deadline
from shared.changes import Audited
from shared.clients import ServiceClient
from shared.clock import BUSINESS_TIMEZONE
from shared.concurrency import check_if_match, make_etag
from shared.events.contracts.assessment import (
    CommentDeadline,
    ProposalCommentDeadlineExtendedV1,
    ProposalOrganisation,
    ProposalOrganisationRole,
    ProposalParty,
    ProposalPartyRole,
)
from shared.events.contracts.assessment import RecipientKind as EventRecipientKind
from shared.outbox.emit import emit

__all__ = [
    "PROPOSAL_COMMENTS",
    "Issued",
    "ProposalPlan",
    "comment_window",
    "create_plan",
    "decision_gaps",
    "extend",
    "issue",
    "read_plan",
    "read_proposal",
    "record_reply",
    "save_plan",
]

# C-15 (¶3.78, ASM-161): ten working days for comments, stated in each proposal letter.
PROPOSAL_COMMENTS = DeadlineRule(
    text="C-15 ¶3.78: comments on the proposal to investigate within 10 working days",
    amount=10,
    unit=Unit.working_days,
)

PLAN: Audited[ProposalPlan] = Audited(
    entity_type="proposal_plan",
    snapshot=lambda p: _plan_snapshot(p),
    case_id=lambda p: p.case_id,
)
LETTER: Audited[ProposalCommunication] = Audited(
    entity_type="proposal_communication",
    snapshot=lambda c: ProposalLetterRead.model_validate(c).model_dump(mode="json"),
    case_id=lambda c: c.case_id,
)
DEADLINE: Audited[ProposalCommentDeadline] = Audited(
    entity_type="proposal_recipient_deadline",
    snapshot=lambda d: _deadline_snapshot(d),
    case_id=lambda d: d.case_id,
)
EXTENSION: Audited[ProposalCommentExtension] = Audited(
    entity_type="proposal_recipient_extension",
    snapshot=lambda e: CommentExtensionRead.model_validate(e).model_dump(mode="json"),
)

_PARTS = {
    "original": Part.organisation,
    "provider": Part.organisation,
    "second_tier": Part.second_tier,
    "commissioner": Part.second_tier,
    "contractor": Part.contractor,
}
_PARTY_ROLES = {
    "complainant": ProposalPartyRole.complainant,
    "aggrieved": ProposalPartyRole.aggrieved,
    "representative (person)": ProposalPartyRole.representative,
    "representative (organisation)": ProposalPartyRole.representative,
    "mp (referring)": ProposalPartyRole.mp,
    "mp (assisting)": ProposalPartyRole.mp,
}


def _plan_snapshot(p: ProposalPlan) -> dict[str, Any]:
    return {
        "scope": p.scope, "injustice_claimed": p.injustice_claimed,
        "outcome_sought": p.outcome_sought, "organisations": p.organisations,
        "organisation_inputs": p.organisation_inputs, "named_persons": p.named_persons,
        "issues": p.issues, "prepared_by": p.prepared_by, "version": p.version,
    }  # fmt: skip


def _deadline_snapshot(d: ProposalCommentDeadline) -> dict[str, Any]:
    return {
        "recipient_kind": d.recipient_kind.value, "recipient_id": str(d.recipient_id),
        "rule": d.rule, "starts_on": d.starts_on.isoformat(), "due_date": d.due_date.isoformat(),
        "effective_due_date": d.effective_due_date.isoformat(),
        "met_at": d.met_at.isoformat() if d.met_at else None,
    }  # fmt: skip


# --- the organisations written to ------------------------------------------------------------


@dataclass(frozen=True)
class _OnCase:
    organisation_id: uuid.UUID
    part: Part
    investigated: bool
    acts_for: uuid.UUID | None


async def _on_case(session: AsyncSession, case: cases.Case) -> list[_OnCase]:
    """The organisations a proposal writes to, in the handlers' order (ASM-075, ASM-077, ASM-165:
    the organisation complained about, its contractors, the second tier); the case's referred
    organisations when no complaint handlers are recorded."""
    ordered = await handlers.proposal_organisation_ids(session, case.id)
    if not ordered:
        return [_OnCase(o, Part.organisation, True, None) for o in case.organisation_ids]
    read, _ = await handlers.read_handlers(session, case.id)
    by_id = {o.organisation_id: o for o in read.organisations}
    out = []
    for oid in ordered:
        o = by_id[oid]
        investigated = o.complained_about and (o.decision is None or o.decision.investigate)
        out.append(_OnCase(oid, _PARTS[o.role.value], investigated, o.acts_for_organisation_id))
    return out


async def _derive(
    session: AsyncSession,
    client: ServiceClient,
    case: cases.Case,
    data: ProposalPlanWrite,
) -> list[dict[str, Any]]:
    """Each organisation written to, with its basis and addressing, from intake's register."""
    on_case = await _on_case(session, case)
    known = {o.organisation_id for o in on_case}
    inputs = {i.organisation_id: i for i in data.organisations}
    strangers = sorted(str(o) for o in inputs if o not in known) + sorted(
        str(n.organisation_id) for n in data.named_persons if n.organisation_id not in known
    )
    behalf = [i.handles_complaints_on_behalf_of for i in data.organisations]
    strangers += sorted(str(o) for o in behalf if o is not None and o not in known)
    if strangers:
        raise PlanOrganisationUnknown(
            "Only an organisation the proposal writes to (from the complaint handlers, or the "
            "case's organisations) can be recorded on the plan",
            extensions={"organisation_ids": sorted(set(strangers))},
        )
    facts: list[tuple[OrganisationFacts, int]] = []
    for o in on_case:
        entry = await intake.register_entry(client, o.organisation_id)
        given = inputs.get(o.organisation_id)
        contract = entry.contract_type or (
            given.contract_type.value if given and given.contract_type else None
        )
        on_behalf = given.handles_complaints_on_behalf_of if given else None
        facts.append(
            (
                OrganisationFacts(
                    organisation_id=o.organisation_id, part=o.part, investigated=o.investigated,
                    kind=entry.kind, jurisdiction=entry.jurisdiction, acts_for=o.acts_for,
                    on_behalf_of=on_behalf if o.part is Part.second_tier else None,
                    principal_officer_title=(
                        entry.principal_officer.title if entry.principal_officer else None
                    ),
                    focal_point_team=entry.focal_point.team if entry.focal_point else None,
                    contract_type=contract,
                    pv_opt_out_reference=(
                        entry.pv_opt_out.document_reference if entry.pv_opt_out else None
                    ),
                ),
                entry.version,
            )
        )  # fmt: skip
    bases = basis([f for f, _ in facts])
    out = []
    for f, version in facts:
        a = addressing(f)
        given = inputs.get(f.organisation_id)
        out.append(
            {
                "organisation_id": str(f.organisation_id), "part": f.part.value,
                "investigated": f.investigated, "basis": bases[f.organisation_id].value,
                "kind": f.kind, "jurisdiction": f.jurisdiction,
                "acts_for": str(f.acts_for) if f.acts_for else None,
                "handles_complaints_on_behalf_of": (
                    str(f.on_behalf_of) if f.on_behalf_of else None
                ),
                "addressee": a.addressee, "copies": list(a.copies), "addressing_rule": a.rule,
                "principal_officer_title": f.principal_officer_title,
                "focal_point_team": f.focal_point_team, "contract_type": f.contract_type,
                "contract_copy_requested": bool(given and given.contract_copy_requested),
                "pv_opt_out_reference": f.pv_opt_out_reference,
                "source": f"intake organisation register, version {version}",
            }
        )  # fmt: skip
    return out


def _facts(row: dict[str, Any]) -> OrganisationFacts:
    def _id(v: Any) -> uuid.UUID | None:
        return uuid.UUID(v) if v else None

    return OrganisationFacts(
        organisation_id=uuid.UUID(row["organisation_id"]), part=Part(row["part"]),
        investigated=row["investigated"], kind=row["kind"], jurisdiction=row["jurisdiction"],
        acts_for=_id(row["acts_for"]), on_behalf_of=_id(row["handles_complaints_on_behalf_of"]),
        principal_officer_title=row["principal_officer_title"],
        focal_point_team=row["focal_point_team"], contract_type=row["contract_type"],
        pv_opt_out_reference=row["pv_opt_out_reference"],
    )  # fmt: skip


# --- named persons and issues ----------------------------------------------------------------


def _named_persons(
    data: ProposalPlanWrite, before: Sequence[dict[str, Any]], *, actor: Principal, at: datetime
) -> list[dict[str, Any]]:
    """The named persons as stored: an id each (kept from an earlier save), and a decision to
    proceed without one dated and signed when first recorded (C-17)."""
    earlier = {p["id"]: p for p in before}
    out = []
    for n in data.named_persons:
        pid = str(n.id or uuid.uuid4())
        row = n.model_dump(mode="json", exclude={"id", "proceed_without"})
        row["id"] = pid
        decision = None
        if n.proceed_without is not None:
            decision = n.proceed_without.model_dump(mode="json")
            old: dict[str, Any] = (earlier.get(pid) or {}).get("proceed_without") or {}
            same = bool(old) and all(old.get(k) == v for k, v in decision.items())
            decision["decided_by"] = old["decided_by"] if same else actor.sub
            decision["decided_at"] = old["decided_at"] if same else at.isoformat()
        row["proceed_without"] = decision
        out.append(row)
    return out


def _person_facts(row: dict[str, Any]) -> NamedPersonFacts:
    return NamedPersonFacts(
        id=uuid.UUID(row["id"]), kind=NamedPersonKind(row["kind"]), clinician=row["clinician"],
        still_employed=row["still_employed"], position=row["position"],
        professional_registration=row["professional_registration"],
        details_not_established=row["details_not_established"],
        traced=any(s["found"] for s in row["tracing_steps"]),
        proceed_without=row["proceed_without"] is not None,
    )  # fmt: skip


def _issue(row: dict[str, Any]) -> Issue:
    cid = row.get("component_id")
    return Issue(
        summary=row["summary"], proposed=row["proposed"], reason=row["reason"],
        component_id=uuid.UUID(cid) if cid else None,
    )  # fmt: skip


async def _issues(
    session: AsyncSession, case_id: uuid.UUID, plan: ProposalPlan | None
) -> list[Issue]:
    """ASM-160: the issues in and out. The case's complaint components when it has any (their
    decisions, ASM-108), else the plan's issues."""
    found = await components.proposal_issues(session, case_id)
    if found:
        return [
            Issue(
                summary=f"{i.area}: {i.summary}",
                proposed=i.proposed,
                reason=i.reason or "",
                component_id=i.component_id,
            )
            for i in found
        ]
    return [_issue(i) for i in (plan.issues if plan is not None else [])]


def _gaps(plan: ProposalPlan, issues: Sequence[Issue] | None = None) -> list[Gap]:
    gaps: list[Gap] = []
    if not plan.organisations:
        gaps.append(Gap("ASM-158", "no organisation to give the chance to comment"))
    for row in plan.organisations:
        gaps.extend(organisation_gaps(_facts(row), copy_requested=row["contract_copy_requested"]))
    for p in plan.named_persons:
        gaps.extend(named_person_gaps(_person_facts(p)))
    gaps.extend(issue_gaps([_issue(i) for i in plan.issues] if issues is None else issues))
    return gaps


def read_plan(plan: ProposalPlan) -> ProposalPlanRead:
    gaps = _gaps(plan)
    return ProposalPlanRead(
        id=plan.id, case_id=plan.case_id, scope=plan.scope,
        injustice_claimed=plan.injustice_claimed, outcome_sought=plan.outcome_sought,
        organisations=[PlanOrganisationRead.model_validate(o) for o in plan.organisations],
        named_persons=[
            NamedPersonRead.model_validate(
                {**p, "reachable": named_person_reachable(_person_facts(p))}
            )
            for p in plan.named_persons
        ],
        issues=[IssueRead.model_validate({"component_id": None, **i}) for i in plan.issues],
        gaps=[ProposalGap(requirement=g.requirement, detail=g.detail) for g in gaps],
        ready=not gaps, prepared_by=plan.prepared_by, changed_at=plan.changed_at,
        version=plan.version,
    )  # fmt: skip


# --- the plan's acts ------------------------------------------------------------------------


async def _open_case(session: AsyncSession, case_id: uuid.UUID) -> cases.Case:
    case = await cases.lock_case(session, case_id)
    if case.status is not cases.CaseStatus.further_consideration:
        raise PlanCaseNotAtFurtherConsideration(
            f"The case is {case.status.value}; a proposal is prepared at further consideration",
            extensions={"current_status": case.status.value},
        )
    return case


def _fill(
    plan: ProposalPlan,
    data: ProposalPlanWrite,
    organisations: list[dict[str, Any]],
    *,
    actor: Principal,
    at: datetime,
) -> None:
    plan.scope = data.scope
    plan.injustice_claimed = data.injustice_claimed
    plan.outcome_sought = data.outcome_sought
    plan.organisations = organisations
    plan.organisation_inputs = [o.model_dump(mode="json") for o in data.organisations]
    plan.named_persons = _named_persons(data, plan.named_persons or [], actor=actor, at=at)
    plan.issues = [i.model_dump(mode="json") for i in data.issues]
    plan.prepared_by = actor.sub
    plan.changed_at = at


async def create_plan(
    session: AsyncSession,
    client: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: ProposalPlanWrite,
    actor: Principal,
    at: datetime,
) -> ProposalPlan:
    """Prepare the case's proposal (409 if it has one: save that under If-Match)."""
    case = await _open_case(session, case_id)
    if await repository.plan_of(session, case_id) is not None:
        raise ProposalPlanExists(f"Case {case_id} already has a proposal plan")
    organisations = await _derive(session, client, case, data)
    plan = ProposalPlan(id=uuid.uuid4(), case_id=case.id, named_persons=[])
    _fill(plan, data, organisations, actor=actor, at=at)
    repository.add(session, plan)
    await PLAN.created(session, plan, actor=actor, action="proposal.plan_prepared")
    return plan


async def save_plan(
    session: AsyncSession,
    client: ServiceClient,
    *,
    case_id: uuid.UUID,
    data: ProposalPlanWrite,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> ProposalPlan:
    """Save the plan whole under If-Match (required); the organisations are derived again."""
    case = await _open_case(session, case_id)
    plan = await repository.plan_of(session, case_id, lock=True)
    if plan is None:
        raise ProposalPlanNotFound(f"Case {case_id} has no proposal plan")
    check_if_match(if_match, make_etag(plan.version), required=True)
    organisations = await _derive(session, client, case, data)
    async with PLAN.change(session, plan, actor=actor, action="proposal.plan_saved"):
        _fill(plan, data, organisations, actor=actor, at=at)
    return plan


async def get_plan(session: AsyncSession, case_id: uuid.UUID) -> ProposalPlan:
    plan = await repository.plan_of(session, case_id)
    if plan is None:
        await cases.get_case(session, case_id)
        raise ProposalPlanNotFound(f"Case {case_id} has no proposal plan")
    return plan


# --- the gate --------------------------------------------------------------------------------


async def decision_gaps(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool, closure_code: str | None
) -> list[tuple[str, str]]:
    """(requirement ID, what is missing) for each unmet condition before a proposal; [] when
    ready, and always for a decline or a resolution (nothing of the proposal gates them).
    Pure read: the plan as saved, and whether the organisations it writes to are still the
    case's (a complaint handler added since is not written to: save the plan again)."""
    if not proposing:
        return []
    plan = await repository.plan_of(session, case_id)
    if plan is None:
        return [("ASM-159", "the proposal is not prepared (no proposal plan)")]
    issues = await _issues(session, case_id, plan)
    gaps = [(g.requirement, g.detail) for g in _gaps(plan, issues)]
    case = await cases.get_case(session, case_id)
    now = [str(o.organisation_id) for o in await _on_case(session, case)]
    planned = [o["organisation_id"] for o in plan.organisations]
    if sorted(now) != sorted(planned):
        gaps.append(
            ("ASM-165", "the case's organisations changed since the plan was saved: save it again")
        )
    return gaps


# --- issuing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """What ``assessment.proposal.issued`` lists (ids and codes)."""

    organisations: list[ProposalOrganisation]
    named_person_ids: list[uuid.UUID]
    parties: list[ProposalParty]
    component_ids: list[uuid.UUID]
    comment_deadlines: list[CommentDeadline]


@dataclass(frozen=True)
class _Letter:
    kind: RecipientKind
    recipient_id: uuid.UUID
    recipients: list[Recipient]
    purpose: str
    paragraphs: list[str]


def _parties(parties: Sequence[closing.Party]) -> list[tuple[closing.Party, ProposalPartyRole]]:
    """ASM-159(b) ¶3.75: the complainant and, where relevant, the aggrieved, a representative
    (with authority to receive information) and the MP; each person once."""
    complainants = {p.person_id for p in parties if p.role == "complainant"}
    out: list[tuple[closing.Party, ProposalPartyRole]] = []
    seen: set[uuid.UUID] = set()
    for p in sorted(parties, key=lambda p: p.role != "complainant"):
        role = _PARTY_ROLES.get(p.role)
        if role is None or p.person_id in seen:
            continue
        if role is ProposalPartyRole.representative and not p.authority_to_receive_info:
            continue
        if role is not ProposalPartyRole.complainant and p.person_id in complainants:
            continue
        seen.add(p.person_id)
        out.append((p, role))
    return out


def _default_plan(on_case: Sequence[_OnCase]) -> list[dict[str, Any]]:
    """No plan prepared (the gate reports it): the organisations with the handlers' parts."""
    return [
        {"organisation_id": str(o.organisation_id), "part": o.part.value,
         "copies": [], "addressee": "the organisation", "pv_opt_out_reference": None}
        for o in on_case
    ]  # fmt: skip


async def issue(
    session: AsyncSession,
    client: ServiceClient,
    case: cases.Case,
    *,
    proposal_id: uuid.UUID,
    issues: Sequence[IssueInput] | None,
    actor: Principal,
    at: datetime,
    calendar: WorkingCalendar,
    parties: Sequence[closing.Party] | None = None,
) -> Issued:
    """T35's letters and comment deadlines, in ``propose``'s transaction: a letter to each
    organisation (ASM-159(a), ASM-163, ASM-164, ASM-166), to each named person via their
    organisation (ASM-167; none to one we proceed without), and to each party (ASM-159(b),
    ASM-160 in the complainant's); one C-15 deadline per recipient (ASM-161). ``issues``
    overrides the plan's (the components' decisions, when they are fed in). ``parties``:
    intake's, when ``propose`` has read them already."""
    plan = await repository.plan_of(session, case.id)
    if parties is None:
        parties = await closing.case_parties(client, case.id)
    roles = _parties(parties)
    org_rows = (
        plan.organisations if plan is not None else _default_plan(await _on_case(session, case))
    )
    chosen = (
        [Issue(i.summary, i.proposed, i.reason, i.component_id) for i in issues]
        if issues is not None
        else await _issues(session, case.id, plan)
    )
    letters: list[_Letter] = []
    for row in org_rows:
        oid = uuid.UUID(row["organisation_id"])
        paragraphs = (
            []
            if plan is None
            else organisation_paragraphs(
                _facts(row), scope=plan.scope, injustice=plan.injustice_claimed,
                outcome=plan.outcome_sought,
            )
        )  # fmt: skip
        copies = [Recipient(organisation_id=oid, is_copy=True) for _ in row["copies"]]
        purpose = f"proposal to investigate: to {row['addressee']}" + (
            f", copied to {', '.join(row['copies'])}" if row["copies"] else ""
        )
        letters.append(
            _Letter(RecipientKind.organisation, oid, [Recipient(organisation_id=oid), *copies],
                    purpose, paragraphs)
        )  # fmt: skip
    named_ids: list[uuid.UUID] = []
    for p in [] if plan is None else plan.named_persons:
        pid = uuid.UUID(p["id"])
        named_ids.append(pid)
        if not named_person_reachable(_person_facts(p)):
            continue  # ASM-167 ¶3.95: proceeding without them, decided and recorded (C-17)
        via = uuid.UUID(p["organisation_id"])
        person = uuid.UUID(p["person_id"]) if p["person_id"] else None
        letters.append(
            _Letter(
                RecipientKind.named_person, pid,
                [Recipient(person_id=person, organisation_id=via)],
                f"proposal to investigate: to the named person ({p['description']}) via the "
                "organisation, asked to forward it",
                [*NAMED_PERSON_LETTER, *_scope_lines(plan)],
            )
        )  # fmt: skip
    for party, role in roles:
        letters.append(
            _Letter(
                RecipientKind.party, party.person_id, [Recipient(person_id=party.person_id)],
                f"proposal to investigate: to the {role.value}; the investigation has not yet "
                "started", party_paragraphs(role.value, chosen),
            )
        )  # fmt: skip
    issued_on = at.astimezone(BUSINESS_TIMEZONE).date()
    deadlines: list[CommentDeadline] = []
    for letter in letters:
        sent = ProposalCommunication(
            id=uuid.uuid4(), case_id=case.id, proposal_id=proposal_id,
            recipient_kind=letter.kind, recipient_id=letter.recipient_id, medium="letter",
            direction="outbound", purpose=letter.purpose, occurred_at=at,
            recipients=[r.model_dump(mode="json") for r in letter.recipients], summary=None,
            headers=[], documents=[], paragraphs=letter.paragraphs, recorded_by=actor.sub,
        )  # fmt: skip
        await cases.scan_and_announce_communication(session, case, sent, actor=actor)
        repository.add(session, sent)
        await LETTER.created(session, sent, actor=actor, action="proposal.letter_issued")
        deadline = new_deadline(
            ProposalCommentDeadline, rule=PROPOSAL_COMMENTS, starts_on=issued_on,
            calendar=calendar, case_id=case.id, proposal_id=proposal_id,
            recipient_kind=letter.kind, recipient_id=letter.recipient_id, source_id=sent.id,
        )  # fmt: skip
        repository.add(session, deadline)
        await DEADLINE.created(session, deadline, actor=actor, action="proposal.deadline_set")
        deadlines.append(
            CommentDeadline(
                recipient_kind=EventRecipientKind(letter.kind.value),
                recipient_id=letter.recipient_id, due_date=deadline.due_date,
            )
        )  # fmt: skip
    return Issued(
        organisations=[
            ProposalOrganisation(
                organisation_id=uuid.UUID(r["organisation_id"]),
                role=ProposalOrganisationRole(r["part"]),
            )
            for r in org_rows
        ],
        named_person_ids=named_ids,
        parties=[ProposalParty(person_id=p.person_id, role=role) for p, role in roles],
        component_ids=[i.component_id for i in chosen if i.proposed and i.component_id],
        comment_deadlines=deadlines,
    )


def _scope_lines(plan: ProposalPlan | None) -> list[str]:
    """ASM-159(a): a named person's letter carries the scope, injustice and outcome too."""
    if plan is None:
        return []
    return [
        f"Scope: {plan.scope}",
        f"Claimed injustice: {plan.injustice_claimed}",
        f"Outcome sought: {plan.outcome_sought}",
    ]


# --- after issue -----------------------------------------------------------------------------


async def _deadline(
    session: AsyncSession, case_id: uuid.UUID, deadline_id: uuid.UUID
) -> ProposalCommentDeadline:
    await cases.lock_case(session, case_id)
    d = await repository.deadline(session, case_id, deadline_id, lock=True)
    if d is None:
        raise CommentDeadlineNotFound(f"No comment deadline {deadline_id} on case {case_id}")
    return d


def _not_before_issue(d: ProposalCommentDeadline, on: date) -> None:
    if on < d.starts_on:
        raise ReplyBeforeIssue(
            f"The proposal was issued on {d.starts_on.isoformat()}",
            extensions={"issued_on": d.starts_on.isoformat()},
        )


async def record_reply(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    deadline_id: uuid.UUID,
    data: CommentReplyCreate,
    actor: Principal,
    at: datetime,
) -> ProposalCommentDeadline:
    """A recipient's comments received: an inbound row (scanned, XC-RSK-004) and their
    deadline met (ASM-158: the window closes when every recipient has replied)."""
    d = await _deadline(session, case_id, deadline_id)
    if d.met_at is not None:
        raise CommentAlreadyReceived(
            f"Comments from this recipient were recorded at {d.met_at.isoformat()}"
        )
    _not_before_issue(d, data.received_at.astimezone(BUSINESS_TIMEZONE).date())
    case = await cases.get_case(session, case_id)
    recipient = (
        Recipient(organisation_id=d.recipient_id)
        if d.recipient_kind is RecipientKind.organisation
        else Recipient(person_id=d.recipient_id)
    )
    row = ProposalCommunication(
        id=uuid.uuid4(), case_id=case_id, proposal_id=d.proposal_id,
        recipient_kind=d.recipient_kind, recipient_id=d.recipient_id, medium=data.medium,
        direction="inbound", purpose="comments on the proposal to investigate (C-15)",
        occurred_at=data.received_at, recipients=[recipient.model_dump(mode="json")],
        summary=data.summary, headers=[], documents=[], paragraphs=[], recorded_by=actor.sub,
        acknowledges_id=d.source_id,
    )  # fmt: skip
    await cases.scan_and_announce_communication(session, case, row, actor=actor)
    repository.add(session, row)
    await LETTER.created(session, row, actor=actor, action="proposal.comments_received")
    async with DEADLINE.change(session, d, actor=actor, action="proposal.deadline_met"):
        meet([d], data.received_at)
    return d


async def extend(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    deadline_id: uuid.UUID,
    data: CommentExtensionCreate,
    actor: Principal,
    at: datetime,
) -> ProposalCommentDeadline:
    """ASM-161 (¶3.78): an extension agreed for ONE recipient (reason, who, when); their
    deadline's original date is kept, the others' are untouched; investigation-api is told."""
    d = await _deadline(session, case_id, deadline_id)
    if d.met_at is not None:
        raise CommentAlreadyReceived("This recipient has replied: there is nothing to extend")
    before = _deadline_snapshot(d)
    ext = await extend_deadline(
        session, _Extension(at), d, new_due_date=data.new_due_date, reason=data.reason,
        granted_by=actor.sub,
    )  # fmt: skip
    await EXTENSION.created(session, ext, actor=actor, action="proposal.deadline_extended")
    await DEADLINE.record(session, d, actor=actor, action="proposal.deadline_extended",
                          before=before, reason=data.reason)  # fmt: skip
    await emit(
        session,
        ProposalCommentDeadlineExtendedV1(
            proposal_id=d.proposal_id, recipient_kind=EventRecipientKind(d.recipient_kind.value),
            recipient_id=d.recipient_id, original_due_date=d.due_date,
            new_due_date=d.effective_due_date, extension_id=ext.id, agreed_by=actor.sub,
        ),
        case_id=case_id, actor=actor.sub, occurred_at=at,
    )  # fmt: skip
    return d


class _Extension:
    """The kit's ``extend_deadline`` builds the row; this adds when it was agreed."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self, **columns: Any) -> ProposalCommentExtension:
        return ProposalCommentExtension(agreed_at=self.at, **columns)


# --- reads -----------------------------------------------------------------------------------


def _window(rows: Sequence[ProposalCommentDeadline], today: date) -> Window:
    return window_rule(
        (RecipientWindow(d.effective_due_date, d.met_at is not None) for d in rows), today
    )


async def comment_window(session: AsyncSession, case_id: uuid.UUID, *, today: date) -> Window:
    """ASM-158 / C-15: whether the comment window has closed (the latest due date, extensions
    included, has passed, or every recipient has replied); for investigation's confirmation."""
    return _window(await repository.deadlines(session, case_id), today)


async def read_proposal(
    session: AsyncSession, case_id: uuid.UUID, *, today: date
) -> ProposalRecord:
    """The plan, the letters and replies, each recipient's deadline and the window."""
    await cases.get_case(session, case_id)
    plan = await repository.plan_of(session, case_id)
    letters = await repository.communications(session, case_id)
    rows = await repository.deadlines(session, case_id)
    exts = await repository.extensions(session, [d.id for d in rows])
    window = _window(rows, today)
    outbound = [c for c in letters if c.direction == "outbound"]
    return ProposalRecord(
        case_id=case_id,
        plan=read_plan(plan) if plan is not None else None,
        proposal_id=outbound[0].proposal_id if outbound else None,
        issued_at=outbound[0].occurred_at if outbound else None,
        letters=[ProposalLetterRead.model_validate(c) for c in letters],
        deadlines=[
            RecipientDeadlineRead(
                id=d.id, recipient_kind=d.recipient_kind, recipient_id=d.recipient_id,
                rule=d.rule, starts_on=d.starts_on, due_date=d.due_date,
                effective_due_date=d.effective_due_date, met_at=d.met_at,
                extensions=[CommentExtensionRead.model_validate(e) for e in exts
                            if e.deadline_id == d.id],
            )
            for d in rows
        ],
        window=CommentWindowRead(
            latest_due_date=window.latest_due, all_replied=window.all_replied,
            closed=window.closed, reason=window.reason,
        ),
    )  # fmt: skip
