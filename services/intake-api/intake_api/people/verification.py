"""Identity checks on calls (¶1.63–1.64, INT-051/052, XC-DP-001).

Before case information is disclosed on a call, the call needs a check with at least three
security questions, all matched, or a recorded waiver. Checks are recorded, never changed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.people import repository
from intake_api.people.errors import (
    CallIdentityNotVerified,
    PreviousVerificationInvalid,
    WaiverAfterFailedVerification,
)
from intake_api.people.models import IdentityVerification, VerificationOutcome
from intake_api.people.records import audit_reads, audited_on_person, get_person
from intake_api.people.schemas_verification import (
    MIN_QUESTIONS,
    CallVerificationStatus,
    IdentityVerificationCreate,
    IdentityVerificationPage,
    IdentityVerificationRead,
)
from shared.auth import Principal
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

VERIFICATION = audited_on_person(IdentityVerification, IdentityVerificationRead)
VERIFICATIONS = Keyset("identity-verifications", (key_datetime, key_uuid))


async def record_identity_verification(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    data: IdentityVerificationCreate,
    actor: Principal,
    now: datetime,
) -> IdentityVerification:
    """Record the check made on a call: verified only with ≥ 3 questions, all matched.

    A waiver (¶1.64) needs a reason; it may name the earlier passing check that makes asking
    again unreasonable. A waiver cannot follow a failed check on the same call: a failure is
    exactly the doubt that ¶1.63 answers with more questions, not with discretion.
    """
    await get_person(session, person_id=person_id)
    questions: list[dict[str, Any]] = []
    question_set: list[str] = []
    repeated = False
    waiver_reason: str | None = None
    previous_id: uuid.UUID | None = None
    if data.waiver is not None:
        earlier = await repository.verifications_of_call(session, person_id, data.call_ref)
        if any(v.outcome is VerificationOutcome.not_verified for v in earlier):
            raise WaiverAfterFailedVerification("Ask further security questions instead")
        previous_id = data.waiver.previous_verification_id
        if previous_id is not None:
            previous = await repository.get_verification(session, previous_id)
            if (
                previous is None
                or previous.person_id != person_id
                or previous.outcome is not VerificationOutcome.verified
            ):
                raise PreviousVerificationInvalid(
                    "previous_verification_id must be a verified check of this person"
                )
        outcome = VerificationOutcome.waived
        waiver_reason = data.waiver.reason
    else:
        assert data.questions is not None
        questions = [q.model_dump(mode="json") for q in data.questions]
        question_set = sorted(q.question.value for q in data.questions)
        passed = len(data.questions) >= MIN_QUESTIONS and all(q.matched for q in data.questions)
        outcome = VerificationOutcome.verified if passed else VerificationOutcome.not_verified
        latest = await repository.latest_question_verification(session, person_id)
        repeated = latest is not None and list(latest.question_set) == question_set
    verification = await repository.add(
        session,
        IdentityVerification(
            id=uuid.uuid4(),
            person_id=person_id,
            call_ref=data.call_ref,
            case_id=data.case_id,
            outcome=outcome,
            questions=questions,
            question_set=question_set,
            repeated_question_set=repeated,
            waiver_reason=waiver_reason,
            previous_verification_id=previous_id,
            recorded_at=now,
            recorded_by=actor.sub,
        ),
    )
    await VERIFICATION.created(
        session,
        verification,
        actor=actor,
        action=(
            "person.identity_verification.waived"
            if outcome is VerificationOutcome.waived
            else "person.identity_verification.recorded"
        ),
        reason=waiver_reason,
    )
    return verification


async def list_identity_verifications(
    session: AsyncSession,
    *,
    person_id: uuid.UUID,
    call_ref: str | None,
    actor: Principal,
    limit: int,
    cursor: str | None,
) -> IdentityVerificationPage:
    await get_person(session, person_id=person_id)
    page = await paginate(
        lambda after, n: repository.list_verifications(
            session, person_id, call_ref=call_ref, after=after, limit=n
        ),
        keyset=VERIFICATIONS,
        cursor=cursor,
        limit=limit,
        key=lambda v: (v.recorded_at, v.id),
        item=IdentityVerificationRead.model_validate,
        page=IdentityVerificationPage,
    )
    await audit_reads(
        session, actor=actor, person_ids=[person_id], action="person.identity_verifications.read"
    )
    return page


async def _passing_verification(
    session: AsyncSession, person_id: uuid.UUID, call_ref: str
) -> IdentityVerification | None:
    for verification in await repository.verifications_of_call(session, person_id, call_ref):
        if verification.outcome is not VerificationOutcome.not_verified:
            return verification
    return None


async def call_verification_status(
    session: AsyncSession, *, person_id: uuid.UUID, call_ref: str
) -> CallVerificationStatus:
    await get_person(session, person_id=person_id)
    passing = await _passing_verification(session, person_id, call_ref)
    return CallVerificationStatus(
        person_id=person_id,
        call_ref=call_ref,
        may_disclose=passing is not None,
        verification_id=passing.id if passing else None,
    )


async def require_verified_call(
    session: AsyncSession, *, person_id: uuid.UUID, call_ref: str
) -> IdentityVerification:
    """Raise 409 ``call-identity-not-verified`` unless the call may carry case information.

    XC-DP-001 / INT-051: before disclosing case information on a call, the call needs a
    verification with at least three questions, all matched, or a recorded waiver (INT-052).
    The cases module calls this before any disclosure on a call.
    """
    passing = await _passing_verification(session, person_id, call_ref)
    if passing is None:
        raise CallIdentityNotVerified(
            "Verify the caller with at least three matched security questions, or record a "
            "waiver with a reason, before sharing case information",
            extensions={"call_ref": call_ref},
        )
    return passing
