"""Intake case use cases: the case itself. Each takes the session first, flushes, never commits.

Every change to a case goes one way (``shared.changes``): ``load_for_update`` takes the row lock
and checks If-Match, and ``CASE.change`` snapshots the case, lets the use case change it and
audits before → after. ``move`` is how a use case changes the status: ``state.transition``,
then the event that goes with it, in the same transaction.

The rest of the lifecycle uses these from sibling modules: ``hot_paths`` (read one, create),
``contacts``, ``information``, ``decisions``, ``tasks``, ``reopening``, ``support``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import clocks, recipients, repository, rules
from intake_api.cases.errors import (
    CaseFactsFrozen,
    CaseNotFound,
    CaseOrganisationUnknown,
    CasePersonUnknown,
    InvalidDateRange,
    NotAnMpRecord,
    OrganisationAlreadyOnCase,
    PartyAlreadyOnCase,
    PreviousContactCheckNotFound,
    TypeReasonRequired,
)
from intake_api.cases.models import (
    REPRESENTATIVE_ROLES,
    Case,
    CaseOrganisation,
    CaseParty,
    CaseType,
    Channel,
    DeadlineKind,
    Jurisdiction,
    OrganisationRole,
    PartyRole,
    Priority,
    PrisonCaseType,
)
from intake_api.cases.schemas import (
    CaseOrganisationRead,
    CaseRead,
    CaseSummary,
    CaseSummaryPage,
    CaseUpdate,
    ChecklistItem,
    ChecklistRead,
    OrganisationAdd,
    PartyAdd,
    PartyRead,
)
from intake_api.cases.schemas_decisions import DecisionRecipient
from intake_api.cases.state import FACTS_FROZEN, CaseStatus, transition
from intake_api.organisations import service as organisations
from intake_api.people import service as people
from shared.audit import record_audit
from shared.auth import Principal
from shared.casework.ownership import Holding, team_of
from shared.casework.timeline import TimelineEntry, case_timeline
from shared.changes import Audited, load_for_update
from shared.events.contracts.intake import PartyDetailsCorrectedV1
from shared.outbox.emit import emit
from shared.pagination import Keyset, key_date, key_uuid, paginate


def _snapshot(case: Case | CaseRead) -> dict[str, Any]:
    return CaseRead.model_validate(case).model_dump(mode="json")


CASE: Audited[Case | CaseRead] = Audited(
    entity_type="case", snapshot=_snapshot, case_id=lambda case: case.id
)

# GET /v1/cases: newest received first, keyset on (received_date, id) (DESIGN §3 Lists).
CASE_LIST = Keyset("cases", (key_date, key_uuid))

# Any change to these facts re-opens the properly-made decision (ASM-014).
GATE_FIELDS = frozenset({
    "jurisdiction", "vpa_answers", "vpa_no_mp_referral", "mp_person_id",
    "complaint_to_mp_in_writing", "aggrieved_consent", "mp_requests_investigation",
    "written_complaint_received", "complaint_form_awaiting_confirmation", "prison_case_type",
})  # fmt: skip


async def move(
    session: AsyncSession,
    case: Case,
    to: CaseStatus,
    *,
    at: datetime,
    actor: Principal,
    previous_closure_code: str | None = None,
) -> None:
    """Move ``case`` to ``to`` (``state.transition``) and emit the move's event, if it has one.

    Flushed at once: each move is a version of the case (a restart's two moves are two).
    """
    event = transition(case, to, at=at, previous_closure_code=previous_closure_code)
    await session.flush()
    if event is not None:
        await emit(session, event, case_id=case.id, actor=actor.sub, occurred_at=at)


def undecide_properly_made(case: Case) -> None:
    """The properly-made decision is open again: the facts it was made on have changed."""
    case.properly_made = None
    case.properly_made_decided_by = None
    case.properly_made_decided_at = None


async def get_case(session: AsyncSession, *, case_id: uuid.UUID) -> Case:
    case = await repository.get(session, case_id)
    if case is None:
        raise CaseNotFound(f"No case with id {case_id}")
    return case


async def facts(session: AsyncSession, case: Case, *, today: date) -> rules.Facts:
    """What the gate and closure rules look at."""
    parties = list(await repository.parties(session, case.id))
    complainants = {p.person_id for p in parties if p.role is PartyRole.complainant}
    found = await people.people_by_id(session, person_ids=complainants)
    seats = await recipients.mp_seats(session, parties)
    consented: set[str] = set()
    if case.joint_working_accepted:
        consented = {
            str(pid) for pid in complainants
            if await people.find_active_consent(
                session, person_id=pid, consent_type=people.ConsentType.joint_working_lgsco
            )
        }  # fmt: skip
    return rules.Facts(
        joint_working_consented=consented,
        complainant_has_email=any(person.emails for person in found.values()),
        mp_holders={
            str(s.party_person_id): str(s.holder_id) if s.holder_id else None for s in seats
        },
        parties=parties,
        organisations=list(await repository.organisations(session, case.id)),
        attempts=list(await repository.attempts(session, case.id)),
        communications=list(await repository.communications(session, case.id)),
        today=today,
        intake_clock_start=await repository.latest_clock_start(
            session, case.id, DeadlineKind.intake_contact
        ),
    )


async def list_cases(
    session: AsyncSession,
    *,
    statuses: Sequence[CaseStatus] = (),
    organisation_id: uuid.UUID | None = None,
    owner: str | None = None,
    case_type: CaseType | None = None,
    jurisdiction: Jurisdiction | None = None,
    channel: Channel | None = None,
    priority: Priority | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    limit: int,
    cursor: str | None,
) -> CaseSummaryPage:
    """A page of cases, newest received first; every filter given must hold (DESIGN §3 Lists)."""
    if received_from is not None and received_to is not None and received_from > received_to:
        raise InvalidDateRange("received_from is after received_to")
    filters = repository.CaseListFilters(
        statuses=tuple(dict.fromkeys(statuses)), organisation_id=organisation_id, owner=owner,
        case_type=case_type, jurisdiction=jurisdiction, channel=channel, priority=priority,
        received_from=received_from, received_to=received_to,
    )  # fmt: skip
    return await paginate(
        lambda after, rows: repository.list_cases(session, filters, after=after, limit=rows),
        keyset=CASE_LIST,
        cursor=cursor,
        limit=limit,
        key=lambda row: (row.received_date, row.id),
        item=CaseSummary.model_validate,
        page=CaseSummaryPage,
    )


async def begin_intake(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    check_id: uuid.UUID,
    actor: Principal,
    at: datetime,
    if_match: str | None,
) -> Case:
    """T2: the previous-contact check is done; the case is created in intake and self-assigned."""
    case = await load_for_update(session, Case, case_id, if_match=if_match, missing=CaseNotFound)
    if await repository.check(session, check_id) is None:
        raise PreviousContactCheckNotFound("Run the previous-contact check first")
    reason = "Previous-contact check done; self-assigned (INT-002)"
    async with CASE.change(session, case, actor=actor, action="case.intake_started", reason=reason):
        case.previous_contact_check_id = check_id
        case.owner = actor.sub
        case.team = team_of(actor)
        await move(session, case, CaseStatus.intake, at=at, actor=actor)
    return case


async def holding(session: AsyncSession, case_id: uuid.UUID) -> Holding | None:
    """Who holds the case (owner, team), for ``CaseActor``; None if there is no such case."""
    return await repository.holding(session, case_id)


def facts_may_change(case: Case, what: str) -> None:
    """409 ``case-facts-frozen`` once the case is referred or closed (``state.FACTS_FROZEN``)."""
    if case.status in FACTS_FROZEN:
        raise CaseFactsFrozen(
            f"The case is {case.status.value}: {what} can no longer be changed at intake",
            extensions={"current_status": case.status.value},
        )


async def update_case(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    data: CaseUpdate,
    actor: Principal,
    if_match: str | None,
) -> Case:
    """Record facts gathered at intake (PATCH: If-Match is required)."""
    case = await load_for_update(
        session, Case, case_id, if_match=if_match, missing=CaseNotFound, required=True
    )
    facts_may_change(case, "its facts")
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    if changes.get("mp_person_id") is not None:
        mp = await people.find_person(session, person_id=changes["mp_person_id"])
        if mp is None:
            raise CasePersonUnknown(f"No person with id {changes['mp_person_id']}")
        if mp.mp_constituency is None:
            raise NotAnMpRecord("ASM-020: the referring MP is a person with an MP record")
    async with CASE.change(session, case, actor=actor, action="case.updated", reason=data.reason):
        for name, value in changes.items():
            if name == "checklist":
                value = {**case.checklist, **(value or {})}
            setattr(case, name, value)
        if case.prison_case_type is PrisonCaseType.prison_healthcare:
            case.jurisdiction = Jurisdiction.health  # INT-046: healthcare complaints are health
        elif case.prison_case_type is PrisonCaseType.prison_action:
            case.jurisdiction = Jurisdiction.parliamentary  # INT-047
        if case.copied_in_only and case.case_type.value == "complaint" and not case.type_reason:
            raise TypeReasonRequired(
                "INT-004: a copied-in request recorded as a complaint needs a reason"
            )
        if GATE_FIELDS & changes.keys() and case.properly_made is not None:
            undecide_properly_made(case)
    return case


async def announce_party_correction(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    fields: Sequence[str],
    actor: Principal,
    at: datetime,
) -> int:
    """A party's own details were corrected (¶1.63): tell the service that owns each case they
    are on now that it has been passed on (``intake.party.details_corrected``, field names
    only). Intake owns the other cases and reads the person afresh. Returns the events emitted.
    """
    if not fields:
        return 0
    handed_on = await repository.cases_of_party(session, person_id, [CaseStatus.referred])
    for case, roles in handed_on:
        await emit(
            session,
            PartyDetailsCorrectedV1(
                reference=case.reference, person_id=person_id, roles=roles, fields=sorted(fields)
            ),
            case_id=case.id,
            actor=actor.sub,
            occurred_at=at,
        )
    return len(handed_on)


# --- Parties and organisations (INT-010), and the case's history.


async def list_parties(session: AsyncSession, *, case_id: uuid.UUID) -> list[PartyRead]:
    await get_case(session, case_id=case_id)
    return [PartyRead.model_validate(p) for p in await repository.parties(session, case_id)]


async def add_party(
    session: AsyncSession, *, case_id: uuid.UUID, data: PartyAdd, actor: Principal, at: datetime
) -> CaseParty:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    facts_may_change(case, "its parties")
    if await people.find_person(session, person_id=data.person_id) is None:
        raise CasePersonUnknown(f"No person with id {data.person_id}")
    if any(
        p.person_id == data.person_id and p.role is data.role
        for p in await repository.parties(session, case.id)
    ):
        raise PartyAlreadyOnCase(f"That person is already {data.role.value} on this case")
    party = CaseParty(id=uuid.uuid4(), case_id=case.id, **data.model_dump())
    session.add(party)
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="case_party", entity_id=party.id, case_id=case.id,
        action="case.party_added", after=data.model_dump(mode="json"), reason=None,
    )  # fmt: skip
    if data.role is PartyRole.complainant and await clocks.restricted_complainant(
        session, case, data.person_id, at
    ):
        await record_audit(
            session, actor=actor, entity_type="case", entity_id=case.id, case_id=case.id,
            action="case.acknowledgement_clock_cancelled",
            reason="XC-COM-001: the complainant is under a contact restriction covering this "
            "request",
        )  # fmt: skip
    return party


async def list_organisations(
    session: AsyncSession, *, case_id: uuid.UUID
) -> list[CaseOrganisationRead]:
    await get_case(session, case_id=case_id)
    rows = await repository.organisations(session, case_id)
    return [CaseOrganisationRead.model_validate(o) for o in rows]


async def add_organisation(
    session: AsyncSession, *, case_id: uuid.UUID, data: OrganisationAdd, actor: Principal
) -> CaseOrganisation:
    case = await load_for_update(session, Case, case_id, if_match=None, missing=CaseNotFound)
    facts_may_change(case, "the organisations complained about")
    org = await organisations.find_organisation(session, organisation_id=data.organisation_id)
    if org is None:
        raise CaseOrganisationUnknown(f"No organisation with id {data.organisation_id}")
    if any(
        o.organisation_id == org.id and o.role == data.role
        for o in await repository.organisations(session, case.id)
    ):
        raise OrganisationAlreadyOnCase(f"That organisation is already {data.role.value} here")
    link = CaseOrganisation(
        id=uuid.uuid4(),
        case_id=case.id,
        organisation_id=org.id,
        role=data.role,
        in_jurisdiction=bool(org.in_jurisdiction),
        remit_only_for_victims_code=bool(org.remit_only_for_victims_code),
    )
    session.add(link)
    if data.role is OrganisationRole.original and org.id not in case.organisation_ids:
        case.organisation_ids = [*case.organisation_ids, org.id]
    await session.flush()
    await record_audit(
        session, actor=actor, entity_type="case_organisation", entity_id=link.id,
        case_id=case.id, action="case.organisation_added", after=data.model_dump(mode="json"),
        reason=None,
    )  # fmt: skip
    return link


async def timeline(session: AsyncSession, *, case_id: uuid.UUID) -> list[TimelineEntry]:
    """The case's history: who did what, when and why."""
    await get_case(session, case_id=case_id)
    return await case_timeline(session, case_id=case_id)


async def decision_recipients(
    session: AsyncSession, *, case_id: uuid.UUID
) -> list[DecisionRecipient]:
    case = await get_case(session, case_id=case_id)
    return await recipients.decision_recipients(
        session, case, await repository.parties(session, case.id)
    )


def preferred_channel(person: people.Person | None) -> str:
    """INT-006: the stated preference; telephone when none is stated."""
    preferred = person.preferred_contact_method if person is not None else None
    return preferred.value if preferred is not None else "telephone"


async def checklist(session: AsyncSession, *, case_id: uuid.UUID) -> ChecklistRead:
    """The ¶1.23 items, what is missing, and how to ask for it (INT-022 follows INT-006)."""
    case = await get_case(session, case_id=case_id)
    parties = await repository.parties(session, case.id)
    represented = any(p.role in REPRESENTATIVE_ROLES for p in parties)
    complainant = next((p.person_id for p in parties if p.role is PartyRole.complainant), None)
    person = None
    if complainant is not None:
        person = await people.find_person(session, person_id=complainant)
    return ChecklistRead(
        items=[
            ChecklistItem(
                item=item,
                done=bool(case.checklist.get(item)),
                required=rules.checklist_item_required(item, represented=represented),
            )
            for item in rules.CHECKLIST_ITEMS
        ],
        missing=rules.missing_checklist_items(case.checklist, represented=represented),
        override_reason=case.checklist_override_reason,
        suggested_channel=preferred_channel(person),
        complainant_person_id=complainant,
    )
