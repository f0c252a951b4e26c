"""Errors of the risk module.

NotFound
├── AssessmentNotFound (404, risk-assessment-not-found)
├── NoRiskAssessment (404, no-risk-assessment; a case never assessed has no rating)
├── UpliftNotFound (404, risk-uplift-not-found)
└── OverrideRequestNotFound (404, risk-override-request-not-found)
UnprocessableContent
└── DowngradeNotAllowed (422, downgrade-not-allowed; CMP-110, also stated in the schema)
Conflict
├── AssessmentSuperseded (409, risk-assessment-superseded; only the latest is overridden)
├── OverrideChangesNothing (409, override-changes-nothing; CMP-112)
└── OverrideBelowUplift (409, override-below-uplift; CMP-102)

Deciding an override also raises the casework kit's approval errors (shared.casework.approvals):
409 approval-already-decided, 403 approver-is-requester, 403 approval-level-not-held.
"""

from shared.errors import Conflict, NotFound, UnprocessableContent


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
