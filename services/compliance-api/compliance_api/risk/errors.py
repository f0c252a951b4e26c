"""Errors of the risk module.

NotFound
├── AssessmentNotFound (404, risk-assessment-not-found)
├── NoRiskAssessment (404, no-risk-assessment; a case never assessed has no rating)
├── UpliftNotFound (404, risk-uplift-not-found)
├── OverrideRequestNotFound (404, risk-override-request-not-found)
├── EscalationNotFound (404, risk-escalation-not-found)
├── TaskNotFound (404, risk-task-not-found)
└── OversightItemNotFound (404, oversight-item-not-found; a request, record or entry of it)
UnprocessableContent
├── DowngradeNotAllowed (422, downgrade-not-allowed; CMP-110, also stated in the schema)
├── StaffNotEligible (422, staff-not-eligible; the directory's record does not fit the part)
└── DateNotAllowed (422, date-not-allowed; a meeting date out of order)
Forbidden
└── NotTheDesignatedPerson (403, not-the-designated-person; the AD or oversight holder named)
Conflict
├── AssessmentSuperseded (409, risk-assessment-superseded; only the latest is overridden)
├── OverrideChangesNothing (409, override-changes-nothing; CMP-112)
├── OverrideBelowUplift (409, override-below-uplift; CMP-102)
├── RatingLocked (409, rating-locked; CMP-115, the oversight holder has not agreed)
├── EscalationTransitionNotAllowed (409, escalation-transition-not-allowed; B.6)
├── NotStillHigh (409, not-still-high; CMP-127 the latest rating is not high)
├── PeopleMitigationsApply (409, people-mitigations-apply; XC-RSK-005)
├── OversightConflict (409, oversight-conflict-of-interest; CMP-128)
├── UpdatesEnded (409, oversight-updates-ended; CMP-131)
├── NotAnInformationBreach (409, not-an-information-breach; CMP-123)
├── BreachAlreadyReported (409, breach-already-reported; CMP-123)
└── TaskDoneByItsAct (409, task-done-by-its-act; the act that does it completes it)

Deciding an override also raises the casework kit's approval errors (shared.casework.approvals):
409 approval-already-decided, 403 approver-is-requester, 403 approval-level-not-held.
"""

from shared.errors import Conflict, Forbidden, NotFound, UnprocessableContent


class AssessmentNotFound(NotFound):
    type = "risk-assessment-not-found"
    title = "Risk assessment not found"


class NoRiskAssessment(NotFound):
    type = "no-risk-assessment"
    title = "The case has no risk assessment"


class UpliftNotFound(NotFound):
    type = "risk-uplift-not-found"
    title = "Risk uplift not found"


class OverrideRequestNotFound(NotFound):
    type = "risk-override-request-not-found"
    title = "Override request not found"


class DowngradeNotAllowed(UnprocessableContent):
    type = "downgrade-not-allowed"
    title = "Only a 'Medium or Low' cell may be graded Low"


class AssessmentSuperseded(Conflict):
    type = "risk-assessment-superseded"
    title = "A later assessment of the case exists"


class OverrideChangesNothing(Conflict):
    type = "override-changes-nothing"
    title = "The override gives the rating the case already has"


class OverrideBelowUplift(Conflict):
    type = "override-below-uplift"
    title = "An active uplift sets a higher minimum rating"


class EscalationNotFound(NotFound):
    type = "risk-escalation-not-found"
    title = "High-risk escalation not found"


class TaskNotFound(NotFound):
    type = "risk-task-not-found"
    title = "Risk task not found"


class OversightItemNotFound(NotFound):
    type = "oversight-item-not-found"
    title = "Not found on this escalation"


class StaffNotEligible(UnprocessableContent):
    type = "staff-not-eligible"
    title = "The staff directory's record does not fit this part"


class DateNotAllowed(UnprocessableContent):
    type = "date-not-allowed"
    title = "The date is out of order"


class NotTheDesignatedPerson(Forbidden):
    type = "not-the-designated-person"
    title = "Only the person this was sent to, or the oversight holder, may do this"


class RatingLocked(Conflict):
    type = "rating-locked"
    title = "The case is under oversight: its rating changes only with the holder's agreement"


class EscalationTransitionNotAllowed(Conflict):
    type = "escalation-transition-not-allowed"
    title = "The high-risk escalation is not at that step"


class NotStillHigh(Conflict):
    type = "not-still-high"
    title = "The case is not high risk after mitigation"


class PeopleMitigationsApply(Conflict):
    type = "people-mitigations-apply"
    title = "A high risk only to a person follows the People mitigations, not oversight"


class OversightConflict(Conflict):
    type = "oversight-conflict-of-interest"
    title = "The assignee has a declared conflict of interest"


class UpdatesEnded(Conflict):
    type = "oversight-updates-ended"
    title = "Monthly updates on this case have ended"


class NotAnInformationBreach(Conflict):
    type = "not-an-information-breach"
    title = "The risk is not a recorded information breach"


class BreachAlreadyReported(Conflict):
    type = "breach-already-reported"
    title = "The breach has already been reported"


class TaskDoneByItsAct(Conflict):
    type = "task-done-by-its-act"
    title = "This task is done by the act it asks for, not by hand"
