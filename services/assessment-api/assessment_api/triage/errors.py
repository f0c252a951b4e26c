"""Errors of ECT triage.

NotFound
├── ThresholdSetNotFound (404, threshold-set-not-found)
└── PvmAssessmentNotFound (404, pvm-assessment-not-found; the case has no triage yet)
UnprocessableContent
├── ThresholdSetDateInvalid (422, threshold-set-date-invalid; ASM-046)
└── TriageInputInvalid (422, triage-input-invalid; ASM-045, ASM-049; lists each problem)
Conflict
├── NoThresholdSetInForce (409, no-threshold-set-in-force; ASM-046)
├── ThresholdSetAlreadyDecided (409, threshold-set-already-decided)
├── NotAtTriage (409, case-not-at-triage; T17–T19 start at ECT triage)
├── TriageDecisionBlocked (409, triage-decision-blocked; T17–T19 rules, lists each problem)
└── (closing) RecipientsIncomplete (409, decision-recipients-incomplete; T17, T18: ASM-173,
    ASM-174, naming the requirement)
Forbidden (shared.casework.approvals: approver-is-requester, approval-level-not-held)
UpstreamUnavailable (503, intake-api or compliance-api cannot answer)
"""

from shared.errors import Conflict, NotFound, UnprocessableContent


class ThresholdSetNotFound(NotFound):
    type = "threshold-set-not-found"
    title = "Threshold set not found"


class PvmAssessmentNotFound(NotFound):
    type = "pvm-assessment-not-found"
    title = "The case has no PVM triage assessment"


class ThresholdSetDateInvalid(UnprocessableContent):
    type = "threshold-set-date-invalid"
    title = "A threshold set changes only later assessments (ASM-046)"


class TriageInputInvalid(UnprocessableContent):
    type = "triage-input-invalid"
    title = "The PVM assessment is incomplete or inconsistent"


class NoThresholdSetInForce(Conflict):
    type = "no-threshold-set-in-force"
    title = "No Executive Team threshold set is in force on the assessment date (ASM-046)"


class ThresholdSetAlreadyDecided(Conflict):
    type = "threshold-set-already-decided"
    title = "The threshold set has already been decided"


class NotAtTriage(Conflict):
    type = "case-not-at-triage"
    title = "The case is not at ECT triage"


class TriageDecisionBlocked(Conflict):
    type = "triage-decision-blocked"
    title = "The triage does not support this decision yet"
