"""The risk guard (XC-RSK-001, CMP-104): no decline, proposal, confirmation, provisional views or
compliance escalation without a qualifying risk assessment at compliance-api.

Before such a transition the owning service asks compliance-api, with a service token,
``GET /internal/risk/qualifying?case_id=…&trigger=…``: is there an assessment of the case for
that trigger, with conflicts of interest considered, recorded within the configured window
(``COMPLIANCE_RISK_ASSESSMENT_WINDOW_DAYS``)? The answer decides:

- qualifying: the guard returns a :class:`RiskClearance` naming the assessment. A guarded
  transition takes that clearance as an argument (the owning service's ``state.transition``
  refuses a guarded transition without one for the right case and trigger), so no route can
  reach a guarded state without having asked;
- none: 409 ``risk-assessment-required`` naming the case and the trigger, with a link to where
  the assessment is recorded (the ``create_assessment`` member and a ``Link`` header);
- compliance-api unreachable, too slow, answering 5xx, or answering anything but a well-formed
  answer for this case and trigger: 503 ``risk-service-unavailable`` with ``Retry-After``. The
  transition is never silently allowed.

Why 409 and not 422: the request is well formed and would be accepted as it is once the case has
its assessment. What is missing is a fact recorded elsewhere about the case's state, which is
what a 409 says (DESIGN §3: "409 an invalid transition"); a 422 would tell the client to change
its request, which would not help.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import httpx
from pydantic import BaseModel, ValidationError

from shared.clients import ServiceClient
from shared.errors import Conflict, UpstreamUnavailable

RISK_AUDIENCE = "compliance-api"
QUALIFYING_PATH = "/internal/risk/qualifying"
RETRY_AFTER_SECONDS = 5
REQUIREMENT = "XC-RSK-001"
# The Link relation of the refusal's link: where to record the missing assessment (POST).
CREATE_RELATION = "https://casework.example/rels/create-risk-assessment"


class GuardTrigger(StrEnum):
    """The formal points of XC-RSK-001 / D.25 at which a transition needs an assessment, named as
    compliance-api names the assessment's trigger."""

    decline = "decline"
    propose = "propose"
    confirm_investigation = "confirm_investigation"
    provisional_views = "provisional_views"
    further_work_after_service_complaint = "further_work_after_service_complaint"
    compliance_escalation = "compliance_escalation"


class RiskAssessmentRequired(Conflict):
    """409: the case has no qualifying assessment for the transition's trigger."""

    type = "risk-assessment-required"
    title = "A risk assessment is required before this decision"


class RiskServiceUnavailable(UpstreamUnavailable):
    """503 with Retry-After: compliance-api could not say whether an assessment exists."""

    type = "risk-service-unavailable"
    title = "The risk service cannot confirm the risk assessment; try again shortly"

    def __init__(self, detail: str) -> None:
        super().__init__(
            detail,
            extensions={"requirement": REQUIREMENT},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


class _Answer(BaseModel):
    """compliance-api's answer (``compliance_api.risk.schemas.QualifyingAssessment``)."""

    case_id: uuid.UUID
    trigger: str
    qualifying: bool
    assessment_id: uuid.UUID | None
    recorded_at: datetime | None
    window_days: int
    create_path: str


@dataclass(frozen=True)
class RiskClearance:
    """Proof that the guard found a qualifying assessment for ``case_id`` and ``trigger``."""

    case_id: uuid.UUID
    trigger: GuardTrigger
    assessment_id: uuid.UUID
    recorded_at: datetime
    checked_at: datetime


def _create_url(client: ServiceClient, path: str) -> str:
    # Only a path of compliance-api's own is joined to its base URL: an absolute URL in the
    # answer would let the answer send the client anywhere.
    if not path.startswith("/") or path.startswith("//"):
        raise RiskServiceUnavailable("compliance-api answered an invalid create path")
    return str(client.http.base_url.join(path))


async def require_risk_assessment(
    client: ServiceClient, *, case_id: uuid.UUID, trigger: GuardTrigger, at: datetime
) -> RiskClearance:
    """XC-RSK-001: the clearance for ``trigger`` on ``case_id`` at ``at``, or an error.

    Raises 409 :class:`RiskAssessmentRequired` when there is no qualifying assessment and 503
    :class:`RiskServiceUnavailable` (with ``Retry-After``) when compliance-api cannot answer.
    ``client`` must be a :class:`ServiceClient` for compliance-api (audience ``compliance-api``).
    """
    try:
        response = await client.request(
            "GET", QUALIFYING_PATH, params={"case_id": str(case_id), "trigger": trigger.value}
        )
    except UpstreamUnavailable as exc:
        raise RiskServiceUnavailable(
            f"compliance-api could not be asked whether case {case_id} has a '{trigger.value}' "
            f"risk assessment ({exc.detail}); the decision is refused until it can be"
        ) from exc
    except httpx.HTTPError as exc:  # a timeout reading the body, say
        raise RiskServiceUnavailable(
            f"compliance-api did not answer for case {case_id} ({type(exc).__name__})"
        ) from exc
    if response.status_code != 200:
        raise RiskServiceUnavailable(
            f"compliance-api answered {response.status_code} when asked for case {case_id}'s "
            f"'{trigger.value}' risk assessment"
        )
    try:
        answer = _Answer.model_validate_json(response.content)
    except ValidationError as exc:
        raise RiskServiceUnavailable("compliance-api's answer could not be read") from exc
    if answer.case_id != case_id or answer.trigger != trigger.value:
        raise RiskServiceUnavailable("compliance-api answered for another case or trigger")
    if answer.qualifying and answer.assessment_id is not None and answer.recorded_at is not None:
        return RiskClearance(
            case_id=case_id,
            trigger=trigger,
            assessment_id=answer.assessment_id,
            recorded_at=answer.recorded_at,
            checked_at=at,
        )
    create_url = _create_url(client, answer.create_path)
    days = (
        "today"
        if answer.window_days == 0
        else f"today or in the {answer.window_days} day(s) before"
    )
    raise RiskAssessmentRequired(
        f"Case {case_id} needs a risk assessment with trigger '{trigger.value}', with conflicts "
        f"of interest considered, recorded {days}, before this decision ({REQUIREMENT}). "
        f"Record it at compliance-api: POST {create_url}",
        extensions={
            "requirement": REQUIREMENT,
            "case_id": str(case_id),
            "trigger": trigger.value,
            "window_days": answer.window_days,
            "create_assessment": {"href": create_url, "method": "POST"},
        },
        headers={"Link": f'<{create_url}>; rel="{CREATE_RELATION}"'},
    )
