"""Errors of the cases module.

NotFound
└── CaseNotFound (404, case-not-found)
UnprocessableContent
└── DeclineReasonInvalid (422, decline-reason-invalid; lists each problem)
Conflict
├── DecisionNotReady (409, decision-not-ready; ``missing``: every gap, each naming its
│   requirement; in readiness.py's gates)
├── RiskAssessmentRequired (409, risk-assessment-required; shared.casework.risk_guard)
└── TaskAlreadyDone (409, task-already-done; shared.casework.tasks)
InvalidTransition
├── CaseTransitionNotAllowed (409, case-transition-not-allowed; in state.py)
└── RiskClearanceMissing (409, risk-clearance-missing; in state.py)
UpstreamUnavailable
└── RiskServiceUnavailable (503, risk-service-unavailable, Retry-After; the risk guard)
"""

from shared.errors import Conflict, NotFound, UnprocessableContent


class CaseNotFound(NotFound):
    type = "case-not-found"
    title = "Case not found"


class DeclineReasonInvalid(UnprocessableContent):
    type = "decline-reason-invalid"
    title = "The decline's reason is not a single valid reason with its discretion (ASM-093)"


class DecisionNotReady(Conflict):
    type = "decision-not-ready"
    title = "What the guidance requires before this decision is not all in place"
