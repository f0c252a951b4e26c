"""Errors of the Decision Form.

NotFound (404)
├── DecisionFormNotFound (decision-form-not-found)
└── ApprovalNotFound (decision-form-approval-not-found)
InvalidTransition (409)
├── NotAtFurtherConsideration (not-at-further-consideration; the form is kept at further
│   consideration only)
├── DecisionFormExists (decision-form-exists)
└── ApprovalNotNeeded (decision-form-approval-not-needed; ASM-123, ASM-124)
UnprocessableContent (422)
└── DecisionFormInvalid (decision-form-invalid; lists each problem with its requirement)
(and the cases module's CaseNotFound; the kit's approval errors, 403 and 409)
"""

from shared.errors import InvalidTransition, NotFound, UnprocessableContent


class DecisionFormNotFound(NotFound):
    type = "decision-form-not-found"
    title = "The case has no Decision Form yet"


class ApprovalNotFound(NotFound):
    type = "decision-form-approval-not-found"
    title = "No such approval on this case's Decision Form"


class NotAtFurtherConsideration(InvalidTransition):
    type = "not-at-further-consideration"
    title = "The Decision Form is kept while the case is at further consideration"


class DecisionFormExists(InvalidTransition):
    type = "decision-form-exists"
    title = "The case already has a Decision Form: save a new version of it"


class ApprovalNotNeeded(InvalidTransition):
    type = "decision-form-approval-not-needed"
    title = "The form records no time-limit decision that needs an Assistant Director"


class DecisionFormInvalid(UnprocessableContent):
    type = "decision-form-invalid"
    title = "The Decision Form breaks a rule of further consideration"
