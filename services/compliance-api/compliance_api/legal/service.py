"""Legal-action correspondence (XC-RSK-004, CMP-025, CMP-126; C-23; ¶9.44–9.45, ¶9.101,
¶10.60–10.61).

intake announces correspondence with legal-action wording (``intake.correspondence.
legal_terms_found``, scanned by the casework kit). For each such event this module opens, once:

- a **Legal Team referral** task, due 24 hours after the correspondence was received (hours,
  not working days). Recording it (who, when) marks it late when made after the due time;
  a person who reads the correspondence and finds no suggestion of legal action dismisses it
  with the reason (the scanner prefers recall);
- a **Legal risk prompt** on the case: add or review a Legal risk entry (CMP-126). Not a
  rating: the caseworker records an assessment and marks the prompt addressed.

The late-referrals work queue lists referrals made late and open ones past their due time.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from compliance_api.legal import repository, rules
from compliance_api.legal.errors import (
    AssessmentDoesNotAnswerPrompt,
    ReferralNotFound,
    ReferralTimeOutOfRange,
    RiskPromptAlreadyAddressed,
    RiskPromptNotFound,
)
from compliance_api.legal.models import LegalReferral, RiskPrompt
from compliance_api.legal.schemas import (
    LegalReferralPage,
    LegalReferralRead,
    LegalReferralRecord,
    QueueKind,
    ReferralDismissed,
    ReferralMade,
    RiskPromptAddressed,
    RiskPromptRead,
)
from compliance_api.risk import service as risk
from shared.auth import Principal
from shared.casework.tasks import complete
from shared.changes import Audited, load_for_update
from shared.events.contracts.intake import LegalTermsFoundV1
from shared.events.envelope import EventEnvelope
from shared.inbox.handlers import audit_effect
from shared.pagination import Keyset, key_datetime, key_uuid, paginate

REFERRAL = Audited[LegalReferral](
    entity_type="legal_referral",
    snapshot=lambda r: LegalReferralRecord.model_validate(r).model_dump(mode="json"),
    case_id=lambda r: r.case_id,
)
PROMPT = Audited[RiskPrompt](
    entity_type="risk_prompt",
    snapshot=lambda p: RiskPromptRead.model_validate(p).model_dump(mode="json"),
    case_id=lambda p: p.case_id,
)
CASE_REFERRALS = Keyset("legal-referrals", (key_datetime, key_uuid))
QUEUE = Keyset("legal-referral-queue", (key_datetime, key_uuid))


def read(referral: LegalReferral, *, now: datetime) -> LegalReferralRead:
    record = LegalReferralRecord.model_validate(referral)
    return LegalReferralRead(
        **record.model_dump(), overdue=rules.is_overdue(referral.due_at, referral.done_at, now)
    )


async def open_referral(
    session: AsyncSession, *, envelope: EventEnvelope, payload: LegalTermsFoundV1
) -> LegalReferral:
    """XC-RSK-004: the Legal Team referral due within 24 hours of receipt, and the Legal risk
    prompt (CMP-126), audited as intake, naming the event, in the inbox's transaction."""
    received = payload.received_at
    referral = LegalReferral(
        id=uuid.uuid4(),
        case_id=envelope.case_id,
        reference=payload.reference,
        source_event_id=envelope.id,
        communication_id=payload.communication_id,
        communication_type=payload.communication_type,
        medium=payload.medium,
        received_at=received,
        due_at=rules.referral_due(received),
        terms=list(payload.terms),
        matches=[m.model_dump(mode="json") for m in payload.matches],
        rule=rules.REFERRAL_RULE,
        created_by=envelope.source,
        late=False,
    )
    repository.add(session, referral)
    await session.flush()  # the prompt refers to it
    prompt = RiskPrompt(
        id=uuid.uuid4(),
        case_id=envelope.case_id,
        category="legal",
        rule=rules.PROMPT_RULE,
        reason=(
            f"Correspondence received at {received.isoformat()} has legal-action wording "
            f"({', '.join(payload.terms)}): add or review the case's Legal risk"
        ),
        source_event_id=envelope.id,
        referral_id=referral.id,
        raised_at=envelope.occurred_at,
    )
    repository.add(session, prompt)
    await session.flush()
    audit_effect(
        session, envelope, entity_type="legal_referral", entity_id=referral.id,
        action="legal_referral.opened", after=REFERRAL.snapshot(referral),
    )  # fmt: skip
    audit_effect(
        session, envelope, entity_type="risk_prompt", entity_id=prompt.id,
        action="risk_prompt.raised", after=PROMPT.snapshot(prompt),
    )  # fmt: skip
    return referral


async def _referral(session: AsyncSession, referral_id: uuid.UUID) -> LegalReferral:
    referral = await session.get(LegalReferral, referral_id)
    if referral is None:
        raise ReferralNotFound(f"No legal referral with id {referral_id}")
    return referral


async def get_referral(
    session: AsyncSession, referral_id: uuid.UUID, *, now: datetime
) -> LegalReferralRead:
    return read(await _referral(session, referral_id), now=now)


async def list_case_referrals(
    session: AsyncSession, *, case_id: uuid.UUID, now: datetime, limit: int, cursor: str | None
) -> LegalReferralPage:
    """The case's referrals, newest received first."""
    return await paginate(
        lambda after, n: repository.referrals_of_case(
            session, case_id=case_id, limit=n, after=after
        ),
        keyset=CASE_REFERRALS,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.received_at, r.id),
        item=lambda r: read(r, now=now),
        page=LegalReferralPage,
    )


async def referral_queue(
    session: AsyncSession,
    *,
    now: datetime,
    open_only: bool,
    kind: QueueKind | None,
    limit: int,
    cursor: str | None,
) -> LegalReferralPage:
    """Referrals by due time: every open one (``open_only``), or the late-referrals queue (open
    ones overdue and ones referred late, or one ``kind`` of them)."""
    return await paginate(
        lambda after, n: repository.needing_attention(
            session,
            now=now,
            open_only=open_only,
            kind=kind.value if kind else None,
            limit=n,
            after=after,
        ),
        keyset=QUEUE,
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.due_at, r.id),
        item=lambda r: read(r, now=now),
        page=LegalReferralPage,
    )


async def record_referral(
    session: AsyncSession,
    *,
    referral_id: uuid.UUID,
    data: ReferralMade,
    actor: Principal,
    now: datetime,
    if_match: str | None,
) -> LegalReferralRead:
    """XC-RSK-004: the correspondence went to the Legal Team, by ``actor``, at ``referred_at``
    (now if not given); late when that is more than 24 hours after receipt. Once."""
    referral = await load_for_update(
        session, LegalReferral, referral_id, if_match=if_match, missing=ReferralNotFound,
        what="legal referral",
    )  # fmt: skip
    at = data.referred_at or now
    if at < referral.received_at or at > now:
        raise ReferralTimeOutOfRange(
            f"referred_at must be between the receipt ({referral.received_at.isoformat()}) and "
            f"now ({now.isoformat()})"
        )
    late = rules.is_late(referral.received_at, at)
    async with REFERRAL.change(
        session, referral, actor=actor, action="legal_referral.referred", reason=data.note
    ):
        complete(referral, by=actor.sub, at=at, note=data.note)
        referral.outcome = rules.Outcome.referred.value
        referral.late = late
    return read(referral, now=now)


async def dismiss_referral(
    session: AsyncSession,
    *,
    referral_id: uuid.UUID,
    data: ReferralDismissed,
    actor: Principal,
    now: datetime,
    if_match: str | None,
) -> LegalReferralRead:
    """The correspondence does not suggest legal action: closed with the reason, audited."""
    referral = await load_for_update(
        session, LegalReferral, referral_id, if_match=if_match, missing=ReferralNotFound,
        what="legal referral",
    )  # fmt: skip
    async with REFERRAL.change(
        session, referral, actor=actor, action="legal_referral.dismissed", reason=data.reason
    ):
        complete(referral, by=actor.sub, at=now, note=data.reason)
        referral.outcome = rules.Outcome.dismissed.value
        referral.late = False
    return read(referral, now=now)


async def list_prompts(session: AsyncSession, *, case_id: uuid.UUID) -> list[RiskPromptRead]:
    """The case's risk prompts, oldest first."""
    rows = await repository.prompts_of_case(session, case_id)
    return [RiskPromptRead.model_validate(p) for p in rows]


async def address_prompt(
    session: AsyncSession,
    *,
    prompt_id: uuid.UUID,
    data: RiskPromptAddressed,
    actor: Principal,
    now: datetime,
    if_match: str | None,
) -> RiskPrompt:
    """The caseworker added or reviewed the Legal risk (an assessment of the case recorded
    since the prompt), or says why none is needed. Once."""
    prompt = await load_for_update(
        session, RiskPrompt, prompt_id, if_match=if_match, missing=RiskPromptNotFound,
        what="risk prompt",
    )  # fmt: skip
    if prompt.addressed_at is not None:
        raise RiskPromptAlreadyAddressed(
            f"Addressed at {prompt.addressed_at.isoformat()} by {prompt.addressed_by}"
        )
    if data.assessment_id is not None:
        assessment = await risk.get_assessment(session, data.assessment_id)
        if assessment.case_id != prompt.case_id or assessment.recorded_at < prompt.raised_at:
            raise AssessmentDoesNotAnswerPrompt(
                "Name a risk assessment of this case recorded since the prompt was raised "
                f"({prompt.raised_at.isoformat()})"
            )
    async with PROMPT.change(
        session, prompt, actor=actor, action="risk_prompt.addressed", reason=data.note
    ):
        prompt.addressed_at = now
        prompt.addressed_by = actor.sub
        prompt.addressed_note = data.note
        prompt.assessment_id = data.assessment_id
    return prompt
