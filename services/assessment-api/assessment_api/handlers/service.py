"""Use cases of the complaint handlers of a case (guidance ¶2.142–2.180; ASM-071…084).

One ``handler_record`` per case holds the scope as the complainant put it, the premature
exception and the CHC and IFR checks; its version is the ETag of everything under
``/handlers``, and every act locks it first, so the rules below are checked against what is
stored while no other act can change it. The rules are ``handlers.rules``; this module only
reads the rows they need and refuses what they refuse. ``check_ready_for_decision`` is the
same rules for the case's own decisions (T32, T35), so no route reaches a decision around them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.service import Case, CaseStatus, get_case, lock_case
from assessment_api.handlers import repository
from assessment_api.handlers.errors import (
    CaseOrganisationNotFound,
    CasePremature,
    ChcChecksOutstanding,
    ComponentAreaAlreadyRecorded,
    ContractorActsForUnknown,
    HandlerOnlyNotSaid,
    HandlersAlreadyRecorded,
    HandlersCaseClosed,
    HandlersNotRecorded,
    IfrChecksOutstanding,
    IndividualSignatoryInvalid,
    NotAHealthCase,
    OrganisationAlreadyOnCase,
    OrganisationDecisionExists,
    OrganisationDecisionInvalid,
    OrganisationDecisionsMissing,
    OrganisationNotComplainedAbout,
    OrganisationRoleNotInSetting,
    RecordsOutsideScope,
)
from assessment_api.handlers.models import (
    HandlerRecord,
    OrganisationComponentArea,
    OrganisationDecision,
    OrganisationOnCase,
)
from assessment_api.handlers.rules import (
    HANDLER_OF,
    IfrCheck,
    OrganisationRole,
    Scope,
    chc_guidance,
    chc_outstanding,
    complained_about,
    decision_allowed,
    ifr_checks_outstanding,
    individual_signatory_problems,
    missing_component_areas,
    organisation_decision_valid,
    premature_for_second_tier,
    proposal_organisations,
    recorded_at_intake,
    roles_in_setting,
    separate_decisions_needed,
)
from assessment_api.handlers.rules import (
    PROPOSE_TO_INVESTIGATE as PROPOSE,
)
from assessment_api.handlers.schemas import (
    CaseOrganisationRead,
    CaseOrganisationUpdate,
    ChcGuidanceRead,
    ChcPut,
    ChcRead,
    ComponentAreaAdd,
    ExceptionPut,
    ExceptionRead,
    HandlersOpen,
    HandlersRead,
    IfrPut,
    IfrRead,
    OrganisationAdd,
    OrganisationDecisionCreate,
    OrganisationDecisionRead,
    ScopePut,
    snapshot,
)
from shared.auth import Principal
from shared.changes import Audited
from shared.concurrency import check_if_match, make_etag

__all__ = [
    "OrganisationDecision",
    "OrganisationOnCase",
    "add_component_area",
    "add_organisation",
    "check_ready_for_decision",
    "open_handlers",
    "organisation_decisions",
    "organisation_on_case",
    "proposal_organisation_ids",
    "put_scope",
    "read_handlers",
    "read_organisation",
    "record_chc",
    "record_decision",
    "record_exception",
    "record_ifr",
    "set_organisation_decision",
    "update_organisation",
]


def _columns(row: object) -> dict[str, Any]:
    skip = {"created_at", "updated_at"}
    attrs = sa_inspect(type(row)).column_attrs
    return snapshot({a.key: getattr(row, a.key) for a in attrs if a.key not in skip})


HANDLERS: Audited[HandlerRecord] = Audited(
    entity_type="handler_record", snapshot=_columns, case_id=lambda r: r.case_id
)
ORGANISATION: Audited[OrganisationOnCase] = Audited(
    entity_type="assessment_case_organisation", snapshot=_columns, case_id=lambda o: o.case_id
)
AREA: Audited[OrganisationComponentArea] = Audited(
    entity_type="organisation_component_area", snapshot=_columns, case_id=lambda a: a.case_id
)
DECISION: Audited[OrganisationDecision] = Audited(
    entity_type="organisation_decision", snapshot=_columns, case_id=lambda d: d.case_id
)

ORGANISATION_ROLE = {True: OrganisationRole.provider, False: OrganisationRole.original}


def _requirement(record: HandlerRecord, health: str, other: str) -> str:
    return health if record.health else other


def _open_case(case: Case) -> None:
    if case.status is CaseStatus.closed:
        raise HandlersCaseClosed(f"Case {case.id} is closed")


async def _locked(
    session: AsyncSession, case_id: uuid.UUID, if_match: str | None, *, required: bool = False
) -> HandlerRecord:
    """The case's handler record, locked until commit, after its ``If-Match`` check."""
    record = await repository.record_of(session, case_id, lock=True)
    if record is None:
        await get_case(session, case_id)  # 404 case-not-found first
        raise HandlersNotRecorded(f"Case {case_id} has no complaint handlers recorded")
    check_if_match(if_match, make_etag(record.version), required=required)
    _open_case(await get_case(session, case_id))
    return record


def _touch(record: HandlerRecord, at: datetime) -> None:
    """A change under ``/handlers``: the record's version (the ETag) moves on."""
    record.changed_at = at


def _on_case(orgs: Iterable[OrganisationOnCase], organisation_id: uuid.UUID) -> OrganisationOnCase:
    for org in orgs:
        if org.organisation_id == organisation_id:
            return org
    raise CaseOrganisationNotFound(f"Organisation {organisation_id} is not on the case")


async def open_handlers(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: HandlersOpen,
    actor: Principal,
    at: datetime,
) -> HandlerRecord:
    """ASM-072 (¶2.144) / ASM-079 (¶2.159): the organisations intake referred, recorded
    against the original organisation (health: the provider) unless the complainant said the
    complaint is about the second tier (commissioner) only. The scope starts as intake
    recorded it; the complainant's own account is ``put_scope`` (ASM-074, ASM-080)."""
    case = await lock_case(session, case_id)  # two first acts: one record
    _open_case(case)
    if await repository.record_of(session, case_id) is not None:
        raise HandlersAlreadyRecorded(f"Case {case_id} already has its complaint handlers")
    health = case.jurisdiction == "health"
    record = HandlerRecord(
        id=uuid.uuid4(),
        case_id=case.id,
        health=health,
        scope=Scope.handler_only if data.handler_only_said else Scope.original_only,
        handler_only_said_at_intake=data.handler_only_said,
        opened_by=actor.sub,
        ifr=False,
        changed_at=at,
        version=1,
    )
    repository.add(session, record)
    await HANDLERS.created(session, record, actor=actor, action="handlers.opened")
    role = recorded_at_intake(health=health, handler_only_said=data.handler_only_said)
    for organisation_id in dict.fromkeys(case.organisation_ids):
        org = OrganisationOnCase(
            id=uuid.uuid4(),
            case_id=case.id,
            organisation_id=organisation_id,
            role=role,
            added_by=actor.sub,
            added_at=at,
        )
        repository.add(session, org)
        await ORGANISATION.created(session, org, actor=actor, action="handlers.organisation_added")
    return record


def _premature(
    record: HandlerRecord, orgs: Sequence[OrganisationOnCase]
) -> tuple[bool, bool | None]:
    """ASM-071/073 (second tier) and ASM-078 (health): (premature, local resolution complete)."""
    if record.health:
        complete = any(
            o.complaints_stage_complete is True
            for o in orgs
            if o.role in (OrganisationRole.provider, OrganisationRole.commissioner)
        )
        # ¶2.158: complete with either is enough; the NHS process always applies.
        premature = premature_for_second_tier(
            second_tier_in_process=True,
            second_tier_complete=complete,
            exception_reason=record.exception_reasons,
        )
        return premature, complete
    tiers = [o for o in orgs if o.role is OrganisationRole.second_tier]
    premature = premature_for_second_tier(
        second_tier_in_process=bool(tiers),
        second_tier_complete=all(o.complaints_stage_complete is True for o in tiers),
        exception_reason=record.exception_reasons,
    )
    return premature, None


def _ifr_outstanding(record: HandlerRecord) -> list[IfrCheck]:
    if not record.ifr:
        return []
    return ifr_checks_outstanding(
        {
            IfrCheck.application_complete: record.ifr_application_complete,
            IfrCheck.policy_used: record.ifr_policy_used,
            IfrCheck.compliant_with_policy_and_directions: (
                record.ifr_compliant_with_policy_and_directions
            ),
            IfrCheck.policy_reasonable: record.ifr_policy_reasonable,
        }
    )


def _chc_outstanding(record: HandlerRecord) -> list[str]:
    if record.chc_stage is None:
        return []
    return [
        a.value
        for a in chc_outstanding(
            investigate_icb_too=bool(record.chc_investigate_icb_too),
            manager_discussed=record.chc_manager_discussed_with is not None,
            written_complaints_about_both=bool(record.chc_written_complaints_about_both),
            both_organisations_added=(
                record.chc_icb_organisation_id is not None
                and record.chc_region_organisation_id is not None
            ),
        )
    ]


def _proposal_ids(orgs: Sequence[OrganisationOnCase]) -> list[uuid.UUID]:
    by_role: dict[OrganisationRole, list[str]] = {}
    for org in orgs:
        by_role.setdefault(org.role, []).append(str(org.organisation_id))
    return [uuid.UUID(i) for i in proposal_organisations(by_role)]


def _read(
    record: HandlerRecord,
    orgs: Sequence[OrganisationOnCase],
    areas: Sequence[OrganisationComponentArea],
    decisions: Sequence[OrganisationDecision],
) -> HandlersRead:
    in_scope = complained_about(record.scope, health=record.health)
    areas_of: dict[uuid.UUID, list[str]] = {}
    for area in areas:
        areas_of.setdefault(area.case_organisation_id, []).append(area.area)
    decision_of = {d.case_organisation_id: d for d in decisions}
    organisations = [
        CaseOrganisationRead(
            organisation_id=o.organisation_id,
            role=o.role,
            acts_for_organisation_id=o.acts_for_organisation_id,
            complaints_stage_complete=o.complaints_stage_complete,
            signed_for_practice_id=o.signed_for_practice_id,
            complained_about=o.role in in_scope,
            added_by=o.added_by,
            added_at=o.added_at,
            component_areas=areas_of.get(o.id, []),
            decision=(
                OrganisationDecisionRead.model_validate(decision_of[o.id])
                if o.id in decision_of
                else None
            ),
        )
        for o in orgs
    ]
    premature, lr_complete = _premature(record, orgs)
    missing: dict[str, list[str]] = {}
    if record.health and record.scope is Scope.both:
        by_role: dict[OrganisationRole, list[str]] = {}
        for o in orgs:
            if o.role in (OrganisationRole.provider, OrganisationRole.commissioner):
                by_role.setdefault(o.role, []).extend(areas_of.get(o.id, []))
        missing = missing_component_areas(by_role)
    chc = None
    if record.chc_stage is not None:
        guidance = chc_guidance(
            record.chc_stage,
            icb_review_done=bool(record.chc_icb_review_done),
            nhse_review_done=bool(record.chc_nhse_review_done),
            investigate_icb_too=bool(record.chc_investigate_icb_too),
        )
        chc = ChcRead(
            stage=record.chc_stage,
            icb_review_done=record.chc_icb_review_done,
            nhse_review_done=record.chc_nhse_review_done,
            investigate_icb_too=bool(record.chc_investigate_icb_too),
            manager_discussed_with=record.chc_manager_discussed_with,
            written_complaints_about_both=bool(record.chc_written_complaints_about_both),
            icb_organisation_id=record.chc_icb_organisation_id,
            region_organisation_id=record.chc_region_organisation_id,
            recorded_by=record.chc_recorded_by,
            guidance=ChcGuidanceRead(
                actions=[a.value for a in guidance.actions],
                organisations=[o.value for o in guidance.organisations],
            ),
            outstanding=_chc_outstanding(record),
        )
    ifr = None
    if record.ifr:
        ifr = IfrRead(
            application_complete=record.ifr_application_complete,
            policy_used=record.ifr_policy_used,
            compliant_with_policy_and_directions=record.ifr_compliant_with_policy_and_directions,
            policy_reasonable=record.ifr_policy_reasonable,
            outstanding=[c.value for c in _ifr_outstanding(record)],
        )
    return HandlersRead(
        case_id=record.case_id,
        health=record.health,
        scope=record.scope,
        handler_only_said_at_intake=record.handler_only_said_at_intake,
        opened_by=record.opened_by,
        scope_put_by=record.scope_put_by,
        scope_put_at=record.scope_put_at,
        unhappy_with_handler_reason=record.unhappy_with_handler_reason,
        commissioning_complaint=record.commissioning_complaint,
        complained_about_roles=sorted(in_scope & roles_in_setting(health=record.health)),
        organisations=organisations,
        premature=premature,
        local_resolution_complete=lr_complete,
        exception=(
            ExceptionRead(
                kind=record.exception_kind,
                reasons=record.exception_reasons,
                recorded_by=record.exception_recorded_by,
                recorded_at=record.exception_recorded_at,
            )
            if record.exception_kind is not None and record.exception_reasons is not None
            else None
        ),
        separate_decisions_needed=separate_decisions_needed(record.scope),
        organisations_awaiting_decision=[
            o.organisation_id for o in orgs if o.role in in_scope and o.id not in decision_of
        ],
        component_areas_missing=missing,
        proposal_organisation_ids=_proposal_ids(orgs),
        chc=chc,
        ifr=ifr,
    )


async def read_handlers(session: AsyncSession, case_id: uuid.UUID) -> tuple[HandlersRead, int]:
    """The case's complaint handlers and what the rules make of them, with the version."""
    record = await repository.record_of(session, case_id)
    if record is None:
        await get_case(session, case_id)
        raise HandlersNotRecorded(f"Case {case_id} has no complaint handlers recorded")
    read = _read(
        record,
        await repository.organisations(session, case_id),
        await repository.component_areas(session, case_id),
        await repository.decisions(session, case_id),
    )
    return read, record.version


async def read_organisation(
    session: AsyncSession, case_id: uuid.UUID, organisation_id: uuid.UUID
) -> tuple[CaseOrganisationRead, int]:
    """One organisation on the case as the case's read shows it, with the record's version."""
    read, version = await read_handlers(session, case_id)
    for org in read.organisations:
        if org.organisation_id == organisation_id:
            return org, version
    raise CaseOrganisationNotFound(f"Organisation {organisation_id} is not on the case")


async def proposal_organisation_ids(session: AsyncSession, case_id: uuid.UUID) -> list[uuid.UUID]:
    """ASM-075 / ASM-077 (¶2.152, ¶2.157): the organisations a proposal to investigate writes to:
    those complained about, their contractors and the second tier (health: the commissioner),
    complained about or not. Empty when no handlers are recorded."""
    return _proposal_ids(await repository.organisations(session, case_id))


async def put_scope(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ScopePut,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> HandlerRecord:
    """ASM-074 / ASM-080: the scope as the complainant put it, with who recorded it and when.
    A scope that would leave decisions or component areas against an organisation outside it
    is refused (ASM-076, ASM-081: records follow the organisations chosen)."""
    record = await _locked(session, case_id, if_match)
    orgs = await repository.organisations(session, case_id)
    allowed = complained_about(data.scope, health=record.health)
    role_of = {o.id: o for o in orgs}
    recorded = [
        *(d.case_organisation_id for d in await repository.decisions(session, case_id)),
        *(a.case_organisation_id for a in await repository.component_areas(session, case_id)),
    ]
    outside = sorted(
        {str(role_of[i].organisation_id) for i in recorded if role_of[i].role not in allowed}
    )
    if outside:
        raise RecordsOutsideScope(
            "Decisions and component areas are recorded only against the organisations "
            "complained about; this scope leaves some out",
            extensions={
                "organisation_ids": outside,
                "requirement": _requirement(record, "ASM-081", "ASM-076"),
            },
        )
    _handler_alone(record, orgs, data.scope)
    async with HANDLERS.change(session, record, actor=actor, action="handlers.scope_put"):
        record.scope = data.scope
        record.unhappy_with_handler_reason = data.unhappy_with_handler_reason
        record.commissioning_complaint = data.commissioning_complaint
        record.scope_put_by = actor.sub
        record.scope_put_at = at
        _touch(record, at)
    return record


def _handler_alone(
    record: HandlerRecord,
    orgs: Iterable[OrganisationOnCase],
    scope: Scope,
    adding: OrganisationRole | None = None,
) -> None:
    """ASM-072 (¶2.144) / ASM-079 (¶2.159): the second tier (commissioner) is on the case
    without the organisation (provider) only when the complainant said "the handler only"."""
    org_role = ORGANISATION_ROLE[record.health]
    roles = {o.role for o in orgs} | ({adding} if adding else set())
    if HANDLER_OF[org_role] in roles and org_role not in roles and scope is not Scope.handler_only:
        raise HandlerOnlyNotSaid(
            "Record the complaint against the organisation unless the complainant specifically "
            "said it is about the second tier (health: the commissioner) only",
            extensions={"requirement": _requirement(record, "ASM-079", "ASM-072")},
        )


async def add_organisation(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: OrganisationAdd,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> OrganisationOnCase:
    """ASM-074 (¶2.148): an organisation on the case with its role; a contractor is its own
    organisation acting for one complained about."""
    record = await _locked(session, case_id, if_match)
    allowed = roles_in_setting(health=record.health)
    if data.role not in allowed:
        raise OrganisationRoleNotInSetting(
            f"A {'health' if record.health else 'parliamentary'} case's organisations are "
            f"{', '.join(sorted(allowed))}",
            extensions={"allowed_roles": sorted(allowed)},
        )
    orgs = await repository.organisations(session, case_id)
    if any(o.organisation_id == data.organisation_id for o in orgs):
        raise OrganisationAlreadyOnCase(f"Organisation {data.organisation_id} is on the case")
    if data.acts_for_organisation_id is not None:
        org_role = ORGANISATION_ROLE[record.health]
        if not any(
            o.organisation_id == data.acts_for_organisation_id and o.role is org_role for o in orgs
        ):
            raise ContractorActsForUnknown(
                f"A contractor acts for the {org_role.value} organisation on the case",
                extensions={"requirement": "ASM-074"},
            )
    _individual_signatory(record, orgs, data)
    _handler_alone(record, orgs, record.scope, data.role)
    org = OrganisationOnCase(
        id=uuid.uuid4(),
        case_id=case_id,
        organisation_id=data.organisation_id,
        role=data.role,
        acts_for_organisation_id=data.acts_for_organisation_id,
        complaints_stage_complete=data.complaints_stage_complete,
        signed_for_practice_id=data.signed_for_practice_id,
        added_by=actor.sub,
        added_at=at,
    )
    repository.add(session, org)
    await ORGANISATION.created(session, org, actor=actor, action="handlers.organisation_added")
    _touch(record, at)
    await session.flush()
    return org


def _individual_signatory(
    record: HandlerRecord, orgs: Sequence[OrganisationOnCase], data: OrganisationAdd
) -> None:
    """ASM-096 (¶2.208): the individual who signed a family health service provider's final
    response is the organisation, not the practice: neither is on the case with the other."""
    if any(o.signed_for_practice_id == data.organisation_id for o in orgs):
        raise IndividualSignatoryInvalid(
            "An individual who signed this practice's final response is on the case in its "
            "place (¶2.208)",
            extensions={"problems": ["practice_on_case"], "requirement": "ASM-096"},
        )
    if data.signed_for_practice_id is None:
        return
    problems = individual_signatory_problems(
        health=record.health,
        role=data.role,
        practice_on_case=any(o.organisation_id == data.signed_for_practice_id for o in orgs),
    )
    if problems:
        raise IndividualSignatoryInvalid(
            "Record the individual who signed a family health service provider's final "
            "response as the (provider) organisation, in the practice's place (¶2.208)",
            extensions={"problems": [p.value for p in problems], "requirement": "ASM-096"},
        )


async def update_organisation(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    organisation_id: uuid.UUID,
    data: CaseOrganisationUpdate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> OrganisationOnCase:
    """Where the organisation's stage of the complaints process stands (ASM-071, ASM-078)."""
    record = await _locked(session, case_id, if_match, required=True)
    org = _on_case(await repository.organisations(session, case_id), organisation_id)
    async with ORGANISATION.change(
        session, org, actor=actor, action="handlers.organisation_updated"
    ):
        if "complaints_stage_complete" in data.model_fields_set:
            org.complaints_stage_complete = data.complaints_stage_complete
        _touch(record, at)
    return org


async def record_exception(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ExceptionPut,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> HandlerRecord:
    """ASM-073 (¶2.145–2.146): the case is considered before the second tier (health: local
    resolution) is complete, with the reasons recorded, by whom and when."""
    record = await _locked(session, case_id, if_match)
    async with HANDLERS.change(session, record, actor=actor, action="handlers.exception_recorded"):
        record.exception_kind = data.kind
        record.exception_reasons = data.reasons
        record.exception_recorded_by = actor.sub
        record.exception_recorded_at = at
        _touch(record, at)
    return record


def _complained_about(record: HandlerRecord, org: OrganisationOnCase, requirement: str) -> None:
    if not decision_allowed(org.role, record.scope, health=record.health):
        raise OrganisationNotComplainedAbout(
            f"The complainant's scope is {record.scope.value}: the {org.role.value} "
            f"organisation {org.organisation_id} is not complained about",
            extensions={
                "organisation_id": str(org.organisation_id),
                "role": org.role.value,
                "scope": record.scope.value,
                "requirement": requirement,
            },
        )


async def add_component_area(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ComponentAreaAdd,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> OrganisationComponentArea:
    """ASM-080 (¶2.161, ¶2.163): an area of complaint against an organisation complained
    about; the read warns of an area recorded for the provider but not the commissioner (or
    the other way) when both are complained about."""
    record = await _locked(session, case_id, if_match)
    org = _on_case(await repository.organisations(session, case_id), data.organisation_id)
    _complained_about(record, org, _requirement(record, "ASM-080", "ASM-074"))
    areas = await repository.component_areas(session, case_id)
    if any(a.case_organisation_id == org.id and a.area.casefold() == data.area.casefold()
           for a in areas):  # fmt: skip
        raise ComponentAreaAlreadyRecorded(f"'{data.area}' is recorded for the organisation")
    area = OrganisationComponentArea(
        id=uuid.uuid4(),
        case_id=case_id,
        case_organisation_id=org.id,
        area=data.area,
        recorded_by=actor.sub,
        recorded_at=at,
    )
    repository.add(session, area)
    await AREA.created(session, area, actor=actor, action="handlers.component_area_added")
    _touch(record, at)
    await session.flush()
    return area


def _checks_done(record: HandlerRecord) -> None:
    """ASM-084 and ASM-083: the IFR checklist answered, and the CHC manager discussion and
    written complaints on file where both the ICB and NHS England are investigated."""
    ifr = _ifr_outstanding(record)
    if ifr:
        raise IfrChecksOutstanding(
            "Answer every Individual Funding Request check before deciding (¶2.180)",
            extensions={"outstanding": [c.value for c in ifr], "requirement": "ASM-084"},
        )
    chc = _chc_outstanding(record)
    if chc:
        raise ChcChecksOutstanding(
            "Investigating both the ICB and NHS England (or before NHS England's review) is "
            "discussed with a manager, with written complaints about both on file and both the "
            "ICB and the NHS commissioning region added (¶2.176–2.177)",
            extensions={"outstanding": chc, "requirement": "ASM-083"},
        )


async def record_decision(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: OrganisationDecisionCreate,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> OrganisationDecision:
    """ASM-076 / ASM-081 (¶2.153–2.156, ¶2.165–2.169): a decision about one organisation,
    only one complained about, one each; not while the IFR or CHC checks are outstanding."""
    record = await _locked(session, case_id, if_match)
    org = _on_case(await repository.organisations(session, case_id), data.organisation_id)
    _complained_about(record, org, _requirement(record, "ASM-081", "ASM-076"))
    if any(d.case_organisation_id == org.id for d in await repository.decisions(session, case_id)):
        raise OrganisationDecisionExists(f"Organisation {org.organisation_id} has its decision")
    _decision_valid(data.decision, investigate=data.investigate)
    _checks_done(record)
    decision = OrganisationDecision(
        id=uuid.uuid4(),
        case_id=case_id,
        case_organisation_id=org.id,
        organisation_id=org.organisation_id,
        decision=data.decision,
        investigate=data.investigate,
        rationale=data.rationale,
        decided_by=actor.sub,
        decided_at=at,
        version=1,
    )
    repository.add(session, decision)
    await DECISION.created(session, decision, actor=actor, action="handlers.organisation_decided")
    _touch(record, at)
    await session.flush()
    return decision


async def record_chc(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ChcPut,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> HandlerRecord:
    """ASM-082 / ASM-083: a Continuing Healthcare complaint's checks, as data; the read gives
    the guidance the rules draw from them."""
    record = await _locked(session, case_id, if_match)
    if not record.health:
        raise NotAHealthCase("Continuing Healthcare complaints are health complaints")
    async with HANDLERS.change(session, record, actor=actor, action="handlers.chc_recorded"):
        record.chc_stage = data.stage
        record.chc_icb_review_done = data.icb_review_done
        record.chc_nhse_review_done = data.nhse_review_done
        record.chc_investigate_icb_too = data.investigate_icb_too
        record.chc_manager_discussed_with = data.manager_discussed_with
        record.chc_written_complaints_about_both = data.written_complaints_about_both
        record.chc_icb_organisation_id = data.icb_organisation_id
        record.chc_region_organisation_id = data.region_organisation_id
        record.chc_recorded_by = actor.sub
        _touch(record, at)
    return record


async def record_ifr(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: IfrPut,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> HandlerRecord:
    """ASM-084 (¶2.178–2.180): the complaint is about a refused Individual Funding Request;
    its checklist as answered so far."""
    record = await _locked(session, case_id, if_match)
    if not record.health:
        raise NotAHealthCase("Individual Funding Requests are health complaints")
    async with HANDLERS.change(session, record, actor=actor, action="handlers.ifr_recorded"):
        record.ifr = True
        record.ifr_application_complete = data.application_complete
        record.ifr_policy_used = data.policy_used
        record.ifr_compliant_with_policy_and_directions = data.compliant_with_policy_and_directions
        record.ifr_policy_reasonable = data.policy_reasonable
        _touch(record, at)
    return record


async def check_ready_for_decision(
    session: AsyncSession, case_id: uuid.UUID, *, proposing: bool
) -> None:
    """The handler rules for the case's own decision (T32 decline, T35 proposal), with the
    handler record locked so no handler act changes it meanwhile. Nothing to check when no
    handlers are recorded.

    ASM-076 / ASM-081: with both complained about, each has its own decision first. ASM-084 /
    ASM-083: the IFR and CHC checks are done. ASM-071 / ASM-073 / ASM-078: a proposal needs the
    complaints process complete (health: with either provider or commissioner) or an exception.
    """
    record = await repository.record_of(session, case_id, lock=True)
    if record is None:
        return
    orgs = await repository.organisations(session, case_id)
    if separate_decisions_needed(record.scope):
        decided = {d.case_organisation_id for d in await repository.decisions(session, case_id)}
        in_scope = complained_about(record.scope, health=record.health)
        missing = [
            str(o.organisation_id) for o in orgs if o.role in in_scope and o.id not in decided
        ]
        if missing:
            raise OrganisationDecisionsMissing(
                "Both are complained about: record a decision for each organisation first",
                extensions={
                    "organisation_ids": missing,
                    "requirement": _requirement(record, "ASM-081", "ASM-076"),
                },
            )
    _checks_done(record)
    if proposing and _premature(record, orgs)[0]:
        raise CasePremature(
            "The complaints process is not complete (a second tier's stage; health: local "
            "resolution with the provider or the commissioner) and no exception is recorded",
            extensions={"requirement": _requirement(record, "ASM-078", "ASM-071")},
        )


def _decision_valid(decision: str, *, investigate: bool) -> None:
    if not organisation_decision_valid(decision, investigate=investigate):
        raise OrganisationDecisionInvalid(
            "An organisation decision is 'propose to investigate' (and only that is to be "
            "investigated), 'resolution', or the closure code of the main reason (¶3.120–3.122)",
            extensions={"requirement": "ASM-176"},
        )


async def organisation_on_case(
    session: AsyncSession, case_id: uuid.UUID, organisation_id: uuid.UUID
) -> OrganisationOnCase:
    """An organisation on the case (404 ``handlers-not-recorded`` when the case has none
    recorded, ``case-organisation-not-found`` when it is not one of them)."""
    if await repository.record_of(session, case_id) is None:
        await get_case(session, case_id)
        raise HandlersNotRecorded(f"Case {case_id} has no organisations recorded")
    return _on_case(await repository.organisations(session, case_id), organisation_id)


async def organisation_decisions(
    session: AsyncSession, case_id: uuid.UUID
) -> Sequence[OrganisationDecision]:
    """The case's organisation decisions (ASM-076, ASM-081, ASM-176)."""
    return await repository.decisions(session, case_id)


async def set_organisation_decision(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    organisation_id: uuid.UUID,
    decision: str,
    rationale: str,
    actor: Principal,
    at: datetime,
) -> OrganisationDecision:
    """ASM-176 (¶3.119–3.124): the organisation decision its complaint components make, recorded
    or brought up to date (audited either way), under the same rules as ``record_decision``:
    only for an organisation complained about, and not while the IFR or CHC checks are
    outstanding. The caller derives ``decision`` (``components.rules``)."""
    record = await _locked(session, case_id, None)
    org = _on_case(await repository.organisations(session, case_id), organisation_id)
    _complained_about(record, org, _requirement(record, "ASM-081", "ASM-076"))
    investigate = decision == PROPOSE
    _decision_valid(decision, investigate=investigate)
    _checks_done(record)
    current = next(
        (
            d
            for d in await repository.decisions(session, case_id)
            if d.case_organisation_id == org.id
        ),
        None,
    )
    if current is not None:
        async with DECISION.change(
            session, current, actor=actor, action="handlers.organisation_decision_updated"
        ):
            current.decision = decision
            current.investigate = investigate
            current.rationale = rationale
            current.decided_by = actor.sub
            current.decided_at = at
            _touch(record, at)
        return current
    row = OrganisationDecision(
        id=uuid.uuid4(),
        case_id=case_id,
        case_organisation_id=org.id,
        organisation_id=org.organisation_id,
        decision=decision,
        investigate=investigate,
        rationale=rationale,
        decided_by=actor.sub,
        decided_at=at,
        version=1,
    )
    repository.add(session, row)
    await DECISION.created(session, row, actor=actor, action="handlers.organisation_decided")
    _touch(record, at)
    await session.flush()
    return row
