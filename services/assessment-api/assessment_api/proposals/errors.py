"""Errors of the proposal to investigate.

NotFound (404)
├── ProposalPlanNotFound (proposal-plan-not-found)
└── CommentDeadlineNotFound (comment-deadline-not-found)
InvalidTransition (409)
├── PlanCaseNotAtFurtherConsideration (proposal-plan-not-open: the case is not at further
│   consideration)
├── ProposalPlanExists (proposal-plan-exists)
├── CommentAlreadyReceived (comment-already-received)
└── OrganisationNotInRegister (proposal-organisation-not-in-register)
UnprocessableContent (422)
├── PlanOrganisationUnknown (proposal-organisation-not-written-to)
└── ReplyBeforeIssue (comment-reply-before-issue)
UpstreamUnavailable (503)
└── IntakeUnavailable (intake-unavailable, Retry-After)
"""

from shared.errors import InvalidTransition, NotFound, UnprocessableContent, UpstreamUnavailable

RETRY_AFTER_SECONDS = 5


class ProposalPlanNotFound(NotFound):
    type = "proposal-plan-not-found"
    title = "The case has no proposal plan"


class CommentDeadlineNotFound(NotFound):
    type = "comment-deadline-not-found"
    title = "No such comment deadline on this case's proposal"


class PlanCaseNotAtFurtherConsideration(InvalidTransition):
    type = "proposal-plan-not-open"
    title = "A proposal is prepared only while the case is at further consideration"


class ProposalPlanExists(InvalidTransition):
    type = "proposal-plan-exists"
    title = "The case already has a proposal plan: save it with PUT and If-Match"


class CommentAlreadyReceived(InvalidTransition):
    type = "comment-already-received"
    title = "This recipient's comments are already recorded"


class OrganisationNotInRegister(InvalidTransition):
    type = "proposal-organisation-not-in-register"
    title = "An organisation of the case is not in intake's register"


class PlanOrganisationUnknown(UnprocessableContent):
    type = "proposal-organisation-not-written-to"
    title = "The organisation is not one the proposal writes to"


class ReplyBeforeIssue(UnprocessableContent):
    type = "comment-reply-before-issue"
    title = "A reply or an extension cannot be dated before the proposal was issued"


class IntakeUnavailable(UpstreamUnavailable):
    type = "intake-unavailable"
    title = "intake-api could not say who the parties or organisations are; try again"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
