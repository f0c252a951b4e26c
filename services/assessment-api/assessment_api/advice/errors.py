"""Errors of advice at assessment.

NotFound (404)
└── AdviceRequestNotFound (advice-request-not-found)
InvalidTransition (409)
├── AdviceNotAtFurtherConsideration (advice-not-at-further-consideration)
└── AdviceAlreadyClosed (advice-already-closed: received or withdrawn, once)
UnprocessableContent (422)
└── AdviceInvalid (advice-invalid: lists each rule broken, by requirement)
(the kit's PrivilegedDocumentRefused 422, the cases module's CaseNotFound, the ownership 403)
"""

from shared.errors import InvalidTransition, NotFound, UnprocessableContent


class AdviceRequestNotFound(NotFound):
    type = "advice-request-not-found"
    title = "No such advice request on this case"


class AdviceNotAtFurtherConsideration(InvalidTransition):
    type = "advice-not-at-further-consideration"
    title = "Advice at assessment is recorded while the case is at further consideration"


class AdviceAlreadyClosed(InvalidTransition):
    type = "advice-already-closed"
    title = "The advice request was already answered or withdrawn"


class AdviceInvalid(UnprocessableContent):
    type = "advice-invalid"
    title = "The advice record breaks a rule of the guidance"
