"""Errors of the closing module.

Conflict
└── RecipientsIncomplete (409, decision-recipients-incomplete: a decision that closes the case
    is not issued while a recipient is undecided or missing; names the requirement)
UnprocessableContent
└── OrganisationNotOnCase (422, organisation-not-on-case)
UpstreamUnavailable
└── IntakeUnavailable (503, intake-unavailable, Retry-After: intake could not say who the parties
    are)
"""

from shared.errors import Conflict, UnprocessableContent, UpstreamUnavailable


class RecipientsIncomplete(Conflict):
    type = "decision-recipients-incomplete"
    title = "Not everyone the guidance names can be sent the decision yet"


class OrganisationNotOnCase(UnprocessableContent):
    type = "organisation-not-on-case"
    title = "The organisation is not one the case is about"


RETRY_AFTER_SECONDS = 5


class IntakeUnavailable(UpstreamUnavailable):
    type = "intake-unavailable"
    title = "intake-api could not say who the case's parties are; try again shortly"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
