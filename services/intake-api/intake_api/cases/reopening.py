"""Returning complainants (T9, T51–T55; G-10 decision in the README).

A case closed for want of something the complainant can supply restarts: same reference, the
earlier closure kept in its history (ASM-034/035, INT-019). After 'withdrawn', or a return in
writing or with an MP referral, the complainant gets a new case linked to the closed one, which
stays closed (¶2.15, ¶2.58, ¶2.225). Either happens once: a case that already returned as a new
linked case is worked on through that one (G-10).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import clocks, hot_paths, repository, rules
from intake_api.cases.errors import (
    CaseNotFound,
    MpReferralReuseInvalid,
    RestartNeedsProgress,
    RestartNotAllowed,
)
from intake_api.cases.models import (
    Case,
    CaseLink,
    CaseOrganisation,
    CaseParty,
    LinkReason,
    PartyRole,
)
from intake_api.cases.schemas import CaseCreate
from intake_api.cases.schemas_reopening import (
    CaseLinkRead,
    MpReferralReuse,
    RestartRequest,
    ReturnAsNewCase,
)
from intake_api.cases.service import CASE, get_case, move
from intake_api.cases.state import CaseStatus
from shared.audit import record_audit
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.changes import load_for_update


async def _returned_once(session: AsyncSession, case_id: uuid.UUID) -> None:
    if await repository.later_links(session, case_id):
        raise RestartNotAllowed(
            "G-10: this case already returned as a new linked case; work on that one"
        )


async def restart_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: RestartRequest,
    actor: Principal,
    at: datetime,
    if_match: str | None,
    calendar: WorkingCalendar,
) -> Case:
    """ASM-034/035, INT-019: restart with a new decision, keeping the reference and history."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    code = case.closure_code
    if case.status is not CaseStatus.closed or code not in rules.RESTARTABLE_CODES:
        raise RestartNotAllowed(
            f"Only a case closed as one of {sorted(rules.RESTARTABLE_CODES)} restarts; "
            "a 'withdrawn' case gets a new linked case (¶2.225)"
        )
    if not (
        data.progress_since_previous_decision and data.progress_since_previous_decision.strip()
    ):
        raise RestartNeedsProgress(
            "ASM-034: nothing has changed, so the case is not restarted; log the contact instead",
            extensions={"log_contact": f"/v1/cases/{case.id}/communications"},
        )
    reuse = data.reuse_mp_referral
    if reuse is not None:
        referring = any(
            p.role is PartyRole.mp_referring for p in await repository.parties(session, case.id)
        )
        _check_mp_referral_reuse(case, reuse, referring_mp_party=referring)
    await _returned_once(session, case.id)
    reason = f"{data.reason} — progress: {data.progress_since_previous_decision}"
    async with CASE.change(session, case, actor=actor, action="case.restarted", reason=reason):
        await move(session, case, CaseStatus.restart_review, at=at, actor=actor)
        case.closure_code = None
        case.closure_reasons = None
        case.closed_at = None
        if reuse is not None:
            # ASM-031: properly made on the earlier MP referral, confirmed by this caseworker.
            case.mp_referral_reuse = {
                "from_closure_code": code,
                "same_organisation": True,
                "same_complaint": True,
                "confirmed_by": actor.sub,
                "at": at.isoformat(),
            }
            case.properly_made_decided_by = actor.sub
            case.properly_made_decided_at = at
        else:
            case.properly_made = None
        case.owner = actor.sub
        await move(session, case, CaseStatus.intake, at=at, actor=actor, previous_closure_code=code)
        session.add(clocks.restart_clock(case.id, at, calendar))  # INT-008 starts again
    return case


def _check_mp_referral_reuse(
    case: Case, reuse: MpReferralReuse, *, referring_mp_party: bool
) -> None:
    """ASM-031 (¶2.59): only a premature, properly made case with an MP referral, and only once
    the caseworker confirms the same organisation and the same complaint."""
    problems = rules.Problems()
    if case.closure_code not in rules.PREMATURE_CODES or case.properly_made is not True:
        problems.add("ASM-031", "closure", "Only a case closed premature after being decided "
                     "properly made returns on its earlier MP referral")  # fmt: skip
    if case.vpa_no_mp_referral or rules.mp_referral_gaps(
        case, referring_mp_party=referring_mp_party
    ):
        problems.add("ASM-031", "mp_referral", "The case has no complete earlier MP referral")
    if not reuse.same_organisation:
        problems.add("ASM-031", "same_organisation", "Confirm it is the same organisation")
    if not reuse.same_complaint:
        problems.add("ASM-031", "same_complaint", "Confirm it is the same complaint")
    if problems:
        raise MpReferralReuseInvalid(
            "The earlier MP referral cannot be relied on", extensions={"missing": problems.items}
        )


async def return_as_new_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: ReturnAsNewCase,
    actor: Principal,
    today: date,
    now: datetime,
    reference_prefix: str,
    calendar: WorkingCalendar,
) -> Case:
    """T54/T55: a new case linked to the earlier one, which stays closed (¶2.15, ¶2.58, ¶2.225)."""
    earlier = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    if earlier.status is not CaseStatus.closed or earlier.closure_code not in rules.NEW_CASE_CODES:
        raise RestartNotAllowed(
            "A new linked case is for returns after 'withdrawn', 'Not properly made - not in "
            "writing' or 'No MP referral'; other closures restart"
        )
    if earlier.closure_code is not None and data.link_reason not in (
        link_reason_for(earlier.closure_code),
        LinkReason.other,
    ):
        raise RestartNotAllowed(
            f"A return after '{earlier.closure_code}' is linked as "
            f"'{link_reason_for(earlier.closure_code).value}' (or 'other')"
        )
    await _returned_once(session, earlier.id)
    created = await hot_paths.create_case(
        session,
        data=CaseCreate(
            case_type=earlier.case_type,
            channel=data.channel,
            received_date=data.received_date,
            jurisdiction=earlier.jurisdiction,
            complaint_summary=earlier.complaint_summary,
            previous_contact_check_id=None,
        ),
        actor=actor,
        today=today,
        now=now,
        reference_prefix=reference_prefix,
        calendar=calendar,
    )
    # Inserted just now, in this transaction: the lock is ours already.
    later = await load_for_update(session, Case, created.id, if_match=None, missing=CaseNotFound)
    for party in await repository.parties(session, earlier.id):
        session.add(CaseParty(
            id=uuid.uuid4(), case_id=later.id, person_id=party.person_id, role=party.role,
            authority_to_receive_info=party.authority_to_receive_info,
            description=party.description,
        ))  # fmt: skip
    for org in await repository.organisations(session, earlier.id):
        session.add(CaseOrganisation(
            id=uuid.uuid4(), case_id=later.id, organisation_id=org.organisation_id, role=org.role,
            in_jurisdiction=org.in_jurisdiction,
            remit_only_for_victims_code=org.remit_only_for_victims_code,
        ))  # fmt: skip
    later.organisation_ids = list(earlier.organisation_ids)
    later.complaint_process_stage = earlier.complaint_process_stage
    link = CaseLink(
        id=uuid.uuid4(), earlier_case_id=earlier.id, later_case_id=later.id,
        reason=data.link_reason, created_by=actor.sub,
    )  # fmt: skip
    session.add(link)
    await session.flush()
    # The flush UPDATEs organisation_ids, which expires the server-side updated_at; reload it
    # here rather than lazily (and without a greenlet) when the router serialises the case.
    await session.refresh(later)
    await record_audit(
        session, actor=actor, entity_type="case_link", entity_id=link.id, case_id=earlier.id,
        action="case.linked_case_created", after={"later_case_id": str(later.id)},
        reason=data.reason,
    )  # fmt: skip
    return later


def link_reason_for(code: str) -> LinkReason:
    """The usual link reason for a return after ``code``."""
    return {
        rules.WITHDRAWN: LinkReason.contact_after_withdrawn,
        rules.NOT_IN_WRITING: LinkReason.returned_in_writing,
        rules.NO_MP_REFERRAL: LinkReason.returned_with_mp_referral,
    }.get(code, LinkReason.other)


async def list_links(session: AsyncSession, *, case_id: uuid.UUID) -> list[CaseLinkRead]:
    """Earlier and later cases linked to this one."""
    await get_case(session, case_id=case_id)
    return [CaseLinkRead.model_validate(x) for x in await repository.links(session, case_id)]
