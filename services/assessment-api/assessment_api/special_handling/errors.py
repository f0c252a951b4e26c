"""Errors of special handling at further consideration: linked to lead (ASM-168) and exceptional
prioritisation for investigation (ASM-169).

NotFound (404)
├── LeadLinkNotFound (lead-link-not-found)
└── InvestigationPriorityNotFound (investigation-priority-not-found)
InvalidTransition (409)
├── NotAtFurtherConsideration (special-handling-not-at-further-consideration)
├── LeadLinkExists (lead-link-exists: the case is already connected to a lead)
├── LeadIsLinked (lead-is-linked: the lead is itself linked to a lead; connect to that one)
└── InvestigationPriorityExists (investigation-priority-exists)
UnprocessableContent (422)
├── LeadCaseInvalid (lead-case-invalid: unknown at assessment, or the case itself; ASM-168)
└── LineManagerDiscussionInvalid (line-manager-discussion-invalid; ASM-169, lists each problem)
(and the cases module's CaseNotFound, the ownership check's 403)
"""

from shared.errors import InvalidTransition, NotFound, UnprocessableContent


class LeadLinkNotFound(NotFound):
    type = "lead-link-not-found"
    title = "The case is not connected to a lead case"


class InvestigationPriorityNotFound(NotFound):
    type = "investigation-priority-not-found"
    title = "The case has not been prioritised for investigation"


class NotAtFurtherConsideration(InvalidTransition):
    type = "special-handling-not-at-further-consideration"
    title = "The case is not at further consideration"


class LeadLinkExists(InvalidTransition):
    type = "lead-link-exists"
    title = "The case is already connected to a lead case (ASM-168)"


class LeadIsLinked(InvalidTransition):
    type = "lead-is-linked"
    title = "The lead named is itself linked to a lead case: connect the case to that lead"


class InvestigationPriorityExists(InvalidTransition):
    type = "investigation-priority-exists"
    title = "The case is already prioritised for investigation (ASM-169)"


class LeadCaseInvalid(UnprocessableContent):
    type = "lead-case-invalid"
    title = "The lead case must be another case at assessment (ASM-168)"


class LineManagerDiscussionInvalid(UnprocessableContent):
    type = "line-manager-discussion-invalid"
    title = "Exceptional prioritisation needs a discussion with a line manager first (ASM-169)"
