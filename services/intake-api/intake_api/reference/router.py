"""Reference data and guidance rules for intake screens and letters (INT-040, ASM-028).

Read-only: nothing is stored. Any role that can read cases may call these routes. The triage
questionnaire (``/v1/reference/triage-questionnaire``) is served by the cases module, whose
triage function the questions belong to: reference data is a leaf that cases may read, and
nothing here reads cases.
"""

from __future__ import annotations

from fastapi import APIRouter

from intake_api.reference.dependencies import CaseReader
from intake_api.reference.schemas import (
    JointWorkingTopicRead,
    NoMpAdviceRead,
    NoMpSignpostingRequest,
)
from intake_api.reference.signposting import no_mp_signposting
from intake_api.reference.topics import JOINT_WORKING_TOPICS
from shared.clock import ClockDep
from shared.http_api.problems import problem_responses

router = APIRouter(prefix="/v1/reference", tags=["reference"])

READ = problem_responses(401, 403, 422, 429)
COMPUTE = problem_responses(401, 403, 413, 422, 429)

_TOPICS = tuple(
    JointWorkingTopicRead(code=code, label=text.label, hint=text.hint)
    for code, text in JOINT_WORKING_TOPICS.items()
)


@router.get("/joint-working-topics", response_model=list[JointWorkingTopicRead], responses=READ)
async def list_joint_working_topics(principal: CaseReader) -> list[JointWorkingTopicRead]:
    """INT-040: the 21 topics that may indicate joint working with the LGSCO (¶1.51, §D.5).

    In the guidance's order, for prompt tags; a case's `joint_working_topics` holds the codes.
    """
    return list(_TOPICS)


@router.post(
    "/no-mp-signposting",
    response_model=NoMpAdviceRead,
    responses=COMPUTE,
    summary="Signposting for a complainant without an MP referral",
)
async def advise_no_mp_signposting(
    body: NoMpSignpostingRequest, principal: CaseReader, clock: ClockDep
) -> NoMpAdviceRead:
    """ASM-028: whom a complainant without an MP referral is directed to (¶2.51–2.54).

    Never lived in the UK: the Chair of PACAC via the Committee. Former UK resident: their
    previous constituency MP if they left no more than fifteen years ago (today's date counts).
    Own MP refuses: never PACAC; House of Commons contact details, with a warning. Nothing is
    stored; a left_uk_on after today is a 422 `date-in-future`.
    """
    advice = no_mp_signposting(body.situation, left_uk_on=body.left_uk_on, today=clock.today())
    return NoMpAdviceRead.model_validate(advice)
