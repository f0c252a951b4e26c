"""Errors of the cases module.

NotFound
└── CaseNotFound (404, case-not-found)
UnprocessableContent
├── ReceivedDateInFuture (422, received-date-in-future)
└── JurisdictionRequired (422, jurisdiction-required)
InvalidTransition
└── CaseTransitionNotAllowed (409, case-transition-not-allowed; in state.py)
"""

from shared.errors import NotFound, UnprocessableContent


class CaseNotFound(NotFound):
    type = "case-not-found"
    title = "Case not found"


class ReceivedDateInFuture(UnprocessableContent):
    type = "received-date-in-future"
    title = "The received date is in the future"


class JurisdictionRequired(UnprocessableContent):
    type = "jurisdiction-required"
    title = "The case needs a jurisdiction before it can be referred"
