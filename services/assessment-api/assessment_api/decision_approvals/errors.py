"""Errors of decision approvals.

NotFound (404)
└── DecisionApprovalNotFound (decision-approval-not-found)
InvalidTransition (409)
└── NotAtFurtherConsideration (decision-approval-not-at-further-consideration)
UnprocessableContent (422)
└── DecisionApprovalInvalid (decision-approval-invalid; a decline's reason is not a single
    valid reason, ASM-093)
(and the cases module's CaseNotFound; the kit's approval errors: 403 approver-is-requester,
403 approval-level-not-held, 409 approval-already-decided)
"""

from shared.errors import InvalidTransition, NotFound, UnprocessableContent


class DecisionApprovalNotFound(NotFound):
    type = "decision-approval-not-found"
    title = "No such decision approval on this case"


class NotAtFurtherConsideration(InvalidTransition):
    type = "decision-approval-not-at-further-consideration"
    title = "Decisions are approved while the case is at further consideration"


class DecisionApprovalInvalid(UnprocessableContent):
    type = "decision-approval-invalid"
    title = "The decision asked to be approved is not a valid decision"
