"""Errors of the cases module.

NotFound
└── CaseNotFound (404, case-not-found)
UnprocessableContent
└── ReceivedDateInFuture (422, received-date-in-future)
"""

from shared.errors import NotFound, UnprocessableContent


class CaseNotFound(NotFound):
    type = "case-not-found"
    title = "Case not found"


class ReceivedDateInFuture(UnprocessableContent):
    type = "received-date-in-future"
    title = "The received date is in the future"
